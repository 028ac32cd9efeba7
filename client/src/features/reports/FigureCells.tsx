import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatChange } from '../../lib/format';
import { changeTone, FIGURE_COLUMNS } from './report-figures';
import type { Figures, ReportRow } from './reports.documents';

/** A report line's cells: each figure over its change against the period before, coloured by whether that is good news. */
export function FigureCells(props: { figures: Figures; change: ReportRow['change'] }) {
  const { locale } = useI18n();
  return (
    <For each={FIGURE_COLUMNS}>
      {(c) => (
        <td>
          <span class="figure">{c.format(props.figures, locale())}</span>
          <span class={`figure-change ${changeTone(props.change[c.key], c.risingIs)}`}>{formatChange(props.change[c.key], locale())}</span>
        </td>
      )}
    </For>
  );
}
