import { BarList } from '../../components/BarList';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatInteger, formatPercent } from '../../lib/format';

const shareOf = (values: number[]) => {
  const max = Math.max(0, ...values);
  return (v: number) => (max > 0 ? v / max : 0);
};

/** Platforms side by side by GMV (Tmall, JD, Douyin, …). */
export function ChannelBars(props: { rows: readonly { channel: string; gmv: string; orders: number }[] }) {
  const { t, locale } = useI18n();
  const rows = () => {
    const share = shareOf(props.rows.map((r) => decimalToFen(r.gmv)));
    return props.rows.map((r) => ({
      key: r.channel,
      label: t(`channel.${r.channel}` as MessageKey),
      value: formatCny(decimalToFen(r.gmv), locale()),
      share: share(decimalToFen(r.gmv)),
    }));
  };
  return <BarList testId="channel-bars" rows={rows()} />;
}

/** Traffic sources by GMV, with their visitors. */
export function SourceBars(props: { rows: readonly { source: string; gmv: string; visitors: number }[] }) {
  const { t, locale } = useI18n();
  const rows = () => {
    const share = shareOf(props.rows.map((r) => decimalToFen(r.gmv)));
    return props.rows.map((r) => ({
      key: r.source,
      label: t(`source.${r.source}` as MessageKey),
      value: formatCny(decimalToFen(r.gmv), locale()),
      share: share(decimalToFen(r.gmv)),
    }));
  };
  return <BarList testId="source-bars" rows={rows()} />;
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
