import { BarList } from '../../components/BarList';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatDecimal, formatInteger, formatPercent, formatRoi } from '../../lib/format';
import { ADVICE_MIN_SPEND_FEN, roiTone } from './budget-advice';
import { funnelRows, type FunnelRow, type FunnelStepInput } from './funnel-rows';

const shareOf = (values: number[]) => {
  const max = Math.max(0, ...values);
  return (v: number) => (max > 0 ? v / max : 0);
};

/**
 * GMV bars of one breakdown: platforms side by side (Tmall, JD, Douyin, …) or traffic sources, each
 * label from the `channel.*` or `source.*` messages. Rows that carry `roi` (the platforms: their
 * attributedRoi, DOMAIN.md's channel ROI — the GMV of the platform's lines with spend / spend) show it
 * after the GMV, red under 1 (the platform's ads cost more than they sell), green from 1, grey while its
 * spend is too little to judge (roiTone); a platform without spend shows nothing there.
 */
export function GmvBars(props: { rows: readonly { key: string; gmv: string; spend?: string; roi?: number | null }[]; labels: 'channel' | 'source'; testId: string }) {
  const { t, locale } = useI18n();
  const notes = () => props.rows.some((r) => r.roi !== undefined);
  // The panel's title says 投放 ROI, as the sources table's column head does: the note is the figure alone.
  const roiNote = (channel: string, roi: number, spendFen: number) => {
    const tone = roiTone(spendFen, roi);
    const params = { channel, roi: formatRoi(roi, locale()), spend: formatCny(spendFen, locale()) };
    return {
      text: params.roi,
      tone,
      title: tone === 'unjudged' ? t('channels.roiUnjudged', { ...params, min: formatCny(ADVICE_MIN_SPEND_FEN, locale()) }) : t('channels.roiTitle', params),
    };
  };
  const rows = () => {
    const share = shareOf(props.rows.map((r) => decimalToFen(r.gmv)));
    return props.rows.map((r) => {
      const label = t(`${props.labels}.${r.key}` as MessageKey);
      const roi = r.roi ?? null;
      return {
        key: r.key,
        label,
        value: formatCny(decimalToFen(r.gmv), locale()),
        share: share(decimalToFen(r.gmv)),
        note: roi === null ? null : roiNote(label, roi, decimalToFen(r.spend ?? '0')),
      };
    });
  };
  return <BarList testId={props.testId} rows={rows()} notes={notes()} />;
}

/**
 * visit → view → cart → order → paid: product views per visitor, 加购 against the visitors, orders
 * placed and paid step to step (funnelRows says why).
 */
export function FunnelBars(props: { steps: readonly FunnelStepInput[] }) {
  const { t, locale } = useI18n();
  const figure = (row: FunnelRow) => {
    if (row.figure === null) return '';
    if (row.figure.kind === 'perVisitor') return ` · ${t('funnel.perVisitor', { n: formatDecimal(row.figure.value, locale(), 1) })}`;
    if (row.figure.kind === 'noRate') return ' · —';
    return ` · ${formatPercent(row.figure.value, locale(), 1)}`;
  };
  const rows = () =>
    funnelRows(props.steps).map((row) => ({
      key: row.key,
      label: t(`funnel.${row.key}` as MessageKey),
      value: `${formatInteger(row.count, locale())}${figure(row)}`,
      share: row.share,
    }));
  return <BarList testId="funnel-bars" rows={rows()} />;
}
