import { createMemo, Index, Show } from 'solid-js';
import { FitText } from '../../components/FitText';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatDecimal } from '../../lib/format';

export interface SourceRoiRow {
  key: string;
  gmv: string;
  spend: string;
  /** GMV / spend; null without spend. */
  roi: number | null;
}

/**
 * Paid sources first, worst ROI first (the ones to pause must not be cut off at the panel's foot), then
 * the unpaid ones in the order given (by GMV).
 */
export function byRoi(rows: readonly SourceRoiRow[]): SourceRoiRow[] {
  const paid = rows.filter((r) => r.roi !== null).sort((a, b) => (a.roi ?? 0) - (b.roi ?? 0));
  return [...paid, ...rows.filter((r) => r.roi === null)];
}

/**
 * Today's traffic sources with what they sold, what they cost and the ROI: the hour-by-hour "move the
 * ad budget" decision. Below 1 a source costs more than it sells: red, with 建议暂停 (pause). Without
 * spend there is no ROI, only "—".
 */
export function SourceRoi(props: { rows: readonly SourceRoiRow[] }) {
  const { t, locale } = useI18n();
  const rows = createMemo(() => byRoi(props.rows));
  return (
    <table class="source-roi" data-testid="source-roi">
      <thead>
        <tr>
          <th>{t('roi.source')}</th>
          <th class="num">{t('roi.gmv')}</th>
          <th class="num">{t('roi.spend')}</th>
          <th class="num">{t('roi.roi')}</th>
        </tr>
      </thead>
      <tbody>
        <Index each={rows()}>
          {(row) => {
            const label = () => t(`source.${row().key}` as MessageKey);
            const low = () => row().roi !== null && (row().roi ?? 0) < 1;
            const gmv = () => formatCny(decimalToFen(row().gmv), locale());
            const spend = () => (decimalToFen(row().spend) > 0 ? formatCny(decimalToFen(row().spend), locale()) : '—');
            const roi = () => (row().roi === null ? t('roi.noSpend') : formatDecimal(row().roi ?? 0, locale(), 2));
            return (
              <tr data-source={row().key} classList={{ 'roi-low': low() }}>
                <td class="name" title={label()}>
                  {/* A long English name (Recommended) shrinks a little rather than being cut. */}
                  <FitText text={label()}>{label()}</FitText>
                </td>
                <td class="num" title={gmv()}>
                  {gmv()}
                </td>
                <td class="num" title={spend()}>
                  {spend()}
                </td>
                <td class="num roi" title={roi()}>
                  <Show when={row().roi !== null} fallback={<span title={t('roi.noSpend')}>—</span>}>
                    <span class={low() ? 'roi-value bad' : 'roi-value good'}>{formatDecimal(row().roi ?? 0, locale(), 2)}</span>
                    <Show when={low()}>
                      <span class="pause-hint" title={t('roi.pauseHint')}>
                        {t('roi.pause')}
                      </span>
                    </Show>
                  </Show>
                </td>
              </tr>
            );
          }}
        </Index>
      </tbody>
    </table>
  );
}
