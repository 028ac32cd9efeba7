import { createMemo, Index, Show } from 'solid-js';
import { FitText } from '../../components/FitText';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatPercent, formatRoi } from '../../lib/format';
import { ADVICE_MIN_SPEND_FEN, budgetAdvice, missesTarget, roiTone, type BudgetAdvice } from './budget-advice';

export interface SourceRoiRow {
  key: string;
  gmv: string;
  spend: string;
  /** GMV / spend; null without spend. */
  roi: number | null;
  visitors: number;
  /** buyers / visitors of the source today. */
  conversionRate: number;
}

/**
 * Paid sources first, worst ROI first (the ones to pause must not be cut off at the panel's foot), then
 * the unpaid ones in the order given (by GMV).
 */
export function byRoi(rows: readonly SourceRoiRow[]): SourceRoiRow[] {
  const paid = rows.filter((r) => r.roi !== null).sort((a, b) => (a.roi ?? 0) - (b.roi ?? 0));
  return [...paid, ...rows.filter((r) => r.roi === null)];
}

const ADVICE_KEYS: Record<BudgetAdvice, { label: MessageKey; hint: MessageKey }> = {
  pause: { label: 'roi.pause', hint: 'roi.pauseHint' },
  add: { label: 'roi.add', hint: 'roi.addHint' },
  trim: { label: 'roi.trim', hint: 'roi.trimHint' },
};

/**
 * Today's traffic sources with what they sold, their conversion, what they cost and the ROI: the
 * hour-by-hour "move the ad budget" decision (budgetAdvice). Below ROI 1 a source costs more than it
 * sells: red, with 建议暂停 (pause). A paid source converting at or above the campaign's target gets
 * 建议加投 (add budget), one under it 建议减投 (trim); a conversion under the target is amber on any source.
 * Without spend there is no ROI, only "—"; with too little to judge (under ¥200 today) it is grey (roiTone).
 */
export function SourceRoi(props: { rows: readonly SourceRoiRow[]; conversionTarget: number | null }) {
  const { t, locale } = useI18n();
  const rows = createMemo(() => byRoi(props.rows));
  const targetTitle = () => (props.conversionTarget === null ? t('roi.conversion') : t('roi.conversionTarget', { rate: formatPercent(props.conversionTarget, locale()) }));
  return (
    <table class="source-roi" data-testid="source-roi">
      <thead>
        <tr>
          <th>{t('roi.source')}</th>
          <th class="num">{t('roi.gmv')}</th>
          <th class="num" title={targetTitle()}>
            {t('roi.conversion')}
          </th>
          <th class="num">{t('roi.spend')}</th>
          <th class="num">{t('roi.roi')}</th>
        </tr>
      </thead>
      <tbody>
        <Index each={rows()}>
          {(row) => {
            const label = () => t(`source.${row().key}` as MessageKey);
            const gmv = () => formatCny(decimalToFen(row().gmv), locale());
            const spend = () => (decimalToFen(row().spend) > 0 ? formatCny(decimalToFen(row().spend), locale()) : '—');
            const roi = () => (row().roi === null ? t('roi.noSpend') : formatRoi(row().roi ?? 0, locale()));
            const conversion = () => formatPercent(row().conversionRate, locale(), 1);
            const advice = () => budgetAdvice({ ...row(), spendFen: decimalToFen(row().spend) }, props.conversionTarget);
            // ROI under 1 is the pause advice: one rule for the red row and its hint.
            const low = () => advice() === 'pause';
            const tone = () => roiTone(decimalToFen(row().spend), row().roi ?? 0);
            const roiTitle = () => (tone() === 'unjudged' ? t('roi.unjudged', { roi: roi(), spend: spend(), min: formatCny(ADVICE_MIN_SPEND_FEN, locale()) }) : roi());
            return (
              <tr data-source={row().key} data-advice={advice() ?? undefined} classList={{ 'roi-low': low() }}>
                <td class="name" title={label()}>
                  {/* A long English name (Recommended) shrinks a little rather than being cut. */}
                  <FitText text={label()}>{label()}</FitText>
                </td>
                <td class="num" title={gmv()}>
                  {gmv()}
                </td>
                <td class="num conversion" classList={{ 'below-target': missesTarget(row(), props.conversionTarget) }} title={`${conversion()} · ${targetTitle()}`}>
                  {conversion()}
                </td>
                <td class="num" title={spend()}>
                  {spend()}
                </td>
                <td class="num roi" title={roiTitle()}>
                  <Show when={row().roi !== null} fallback={<span title={t('roi.noSpend')}>—</span>}>
                    <span class={`roi-value ${tone()}`}>{formatRoi(row().roi ?? 0, locale())}</span>
                    <Show when={advice()}>
                      {(a) => (
                        <span class={a() === 'pause' ? 'pause-hint' : `advice-hint ${a()}`} title={t(ADVICE_KEYS[a()].hint)}>
                          {t(ADVICE_KEYS[a()].label)}
                        </span>
                      )}
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
