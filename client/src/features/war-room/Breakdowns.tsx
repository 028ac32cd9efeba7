import { BarList } from '../../components/BarList';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatInteger, formatPercent } from '../../lib/format';

const shareOf = (values: number[]) => {
  const max = Math.max(0, ...values);
  return (v: number) => (max > 0 ? v / max : 0);
};

/**
 * GMV bars of one breakdown: platforms side by side (Tmall, JD, Douyin, …) or traffic sources, each
 * label from the `channel.*` or `source.*` messages.
 */
export function GmvBars(props: { rows: readonly { key: string; gmv: string }[]; labels: 'channel' | 'source'; testId: string }) {
  const { t, locale } = useI18n();
  const rows = () => {
    const share = shareOf(props.rows.map((r) => decimalToFen(r.gmv)));
    return props.rows.map((r) => ({
      key: r.key,
      label: t(`${props.labels}.${r.key}` as MessageKey),
      value: formatCny(decimalToFen(r.gmv), locale()),
      share: share(decimalToFen(r.gmv)),
    }));
  };
  return <BarList testId={props.testId} rows={rows()} />;
}

/** visit → view → cart → order → paid, each with its step-to-step rate. */
export function FunnelBars(props: { steps: readonly { name: string; count: number; rateFromPrevious: number }[] }) {
  const { t, locale } = useI18n();
  const rows = () => {
    const share = shareOf(props.steps.map((s) => s.count));
    return props.steps.map((s, i) => ({
      key: s.name,
      label: t(`funnel.${s.name}` as MessageKey),
      value: i === 0 ? formatInteger(s.count, locale()) : `${formatInteger(s.count, locale())} · ${formatPercent(s.rateFromPrevious, locale(), 1)}`,
      share: share(s.count),
    }));
  };
  return <BarList testId="funnel-bars" rows={rows()} />;
}
