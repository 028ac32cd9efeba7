import { Index } from 'solid-js';
import { KpiTile } from '../../components/KpiTile';
import { useI18n } from '../../i18n/i18n';
import { formatChange, formatCny, formatDecimal, formatInteger, formatPercent } from '../../lib/format';
import { missesTarget } from './budget-advice';
import type { Kpi } from './kpis';

/**
 * Under one order a second the tile counts orders a minute: most shops, and every shop at night, sell
 * fewer than 60 a minute, and "0.0 每秒" read as a dead feed. The change against yesterday is a ratio,
 * the same in either unit.
 */
const perMinute = (kpi: Kpi) => kpi.key === 'ordersPerSecond' && kpi.value !== null && kpi.value < 1;

/**
 * `conversionTarget`: the campaign's 目标转化率; the conversion tile says it and turns amber below it.
 */
export function KpiStrip(props: { kpis: Kpi[]; conversionTarget?: number | null }) {
  const { t, locale } = useI18n();
  const show = (kpi: Kpi) => {
    if (kpi.value === null) return '—';
    switch (kpi.key) {
      case 'ordersPerSecond':
        return formatDecimal(perMinute(kpi) ? kpi.value * 60 : kpi.value, locale(), 1);
      case 'buyers':
        return formatInteger(kpi.value, locale());
      case 'averageOrderValue':
        return formatCny(kpi.value, locale());
      default:
        return formatPercent(kpi.value, locale());
    }
  };
  const targetOf = (kpi: Kpi) => (kpi.key === 'conversionRate' ? (props.conversionTarget ?? null) : null);
  const targetText = (kpi: Kpi) => {
    const rate = targetOf(kpi);
    return rate === null ? undefined : t('kpi.target', { rate: formatPercent(rate, locale()) });
  };
  // Read against the target as the sources are: not before the day has the visitors to tell (00:00:30 is not a miss).
  const missed = (kpi: Kpi) => kpi.value !== null && kpi.visitors !== undefined && missesTarget({ visitors: kpi.visitors, conversionRate: kpi.value }, targetOf(kpi));
  return (
    <div class="kpi-strip" data-testid="kpi-strip">
      <Index each={props.kpis}>
        {(kpi) => (
          <KpiTile
            testId={`kpi-${kpi().key}`}
            label={perMinute(kpi()) ? t('kpi.ordersPerMinute') : t(`kpi.${kpi().key}`)}
            target={targetText(kpi())}
            missed={missed(kpi())}
            value={show(kpi())}
            change={kpi().change}
            changeText={formatChange(kpi().change, locale())}
            caption={t('kpi.vsYesterday')}
            higherIsWorse={kpi().key === 'refundRate'}
          />
        )}
      </Index>
    </div>
  );
}
