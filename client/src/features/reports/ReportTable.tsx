import { createMemo, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { FigureCells } from './FigureCells';
import { FIGURE_COLUMNS } from './report-figures';
import { ReportRowDetail } from './ReportRowDetail';
import type { ReportNoteInput, ReportRow } from './reports.documents';
import type { SaveOutcome } from './reports.data';

export interface ReportTableProps {
  rows: readonly ReportRow[];
  canEdit: boolean;
  onSaveNote: (input: Omit<ReportNoteInput, 'shopId' | 'date'>) => Promise<SaveOutcome>;
  onSubmitRectification: (id: string, content: string) => Promise<SaveOutcome>;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** One day by traffic source: each figure with its change against the day before; a flagged row opens its follow-up below it. */
export function ReportTable(props: ReportTableProps) {
  const { t } = useI18n();
  // Rows are kept by source, so a saved note updates its row in place and the editor beside it stays.
  const bySource = createMemo(() => new Map(props.rows.map((r) => [r.source, r])));
  const sources = createMemo(() => props.rows.map((r) => r.source), [], { equals: sameList });
  return (
    <Show when={props.rows.length > 0} fallback={<p class="empty">{t('reports.noRows')}</p>}>
      <ConsoleTable class="report-table" columns={[t('reports.source'), ...FIGURE_COLUMNS.map((c) => t(`figure.${c.key}` as MessageKey))]}>
        <For each={sources()}>{(source) => <Show when={bySource().get(source)}>{(row) => <ReportTableRow {...props} row={row()} />}</Show>}</For>
      </ConsoleTable>
    </Show>
  );
}

function ReportTableRow(props: Omit<ReportTableProps, 'rows'> & { row: ReportRow }) {
  const { t } = useI18n();
  const flagged = () => props.row.anomalies.length > 0;
  const followedUp = () => flagged() || !!props.row.rectification || !!props.row.anomalyNote || !!props.row.correctiveAction || !!props.row.owner;
  return (
    <tbody data-testid="report-row" data-source={props.row.source} classList={{ anomaly: flagged() }}>
      <tr>
        <th scope="row">
          {t(`source.${props.row.source}` as MessageKey)}
          <Show when={flagged()}>
            <span class="anomaly-flag">{t('reports.anomaly')}</span>
          </Show>
        </th>
        <FigureCells figures={props.row.figures} change={props.row.change} />
      </tr>
      <Show when={followedUp()}>
        <tr class="report-detail">
          <td colSpan={FIGURE_COLUMNS.length + 1}>
            <ReportRowDetail {...props} />
          </td>
        </tr>
      </Show>
    </tbody>
  );
}
