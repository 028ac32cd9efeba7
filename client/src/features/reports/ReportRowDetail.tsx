import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { RectificationBox } from './RectificationBox';
import { ReportNoteEditor } from './ReportNoteEditor';
import type { ReportTableProps } from './ReportTable';
import type { ReportRow } from './reports.documents';

/** Under a flagged row: the rules that flagged it in words, the notes (editable with MANAGE) and the 整改报告. */
export function ReportRowDetail(props: Omit<ReportTableProps, 'rows'> & { row: ReportRow }) {
  const { t } = useI18n();
  return (
    <div class="report-follow-up">
      <Show when={props.row.anomalies.length > 0}>
        <ul class="anomalies" data-testid="anomalies">
          <For each={props.row.anomalies}>
            {(a) => (
              <li>
                <strong>{t(`reportRule.${a.rule}` as MessageKey)}</strong> {a.message}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={props.canEdit}
        fallback={
          <dl class="report-notes" data-testid="report-notes">
            <dt>{t('reports.anomalyNote')}</dt>
            <dd>{props.row.anomalyNote ?? '—'}</dd>
            <dt>{t('reports.correctiveAction')}</dt>
            <dd>{props.row.correctiveAction ?? '—'}</dd>
            <dt>{t('reports.owner')}</dt>
            <dd>{props.row.owner || '—'}</dd>
          </dl>
        }
      >
        <ReportNoteEditor row={props.row} onSave={props.onSaveNote} />
      </Show>
      <Show when={props.row.rectification}>
        {(r) => <RectificationBox rectification={r()} canEdit={props.canEdit} onSubmit={(content) => props.onSubmitRectification(r().id, content)} />}
      </Show>
    </div>
  );
}
