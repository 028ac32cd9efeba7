import { createMemo } from 'solid-js';
import type uPlot from 'uplot';
import { UPlotChart } from '../../components/UPlotChart';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCnyAxis, formatMonthDay } from '../../lib/format';
import { axis, COLORS, wallChart } from './chart-theme';

export interface CurvePoint {
  at: string;
  cumulativeActualGmv: string | null;
  cumulativePlannedGmv: string;
}

/**
 * Cumulative actual against cumulative plan by hour over the campaign window, and a dashed line from
 * the latest actual to the projected finish, so "will we make it" reads at a glance.
 */
export function PaceChart(props: { curve: readonly CurvePoint[]; projectedGmv: string | null; endsAt: string }) {
  const { t, locale } = useI18n();
  const data = createMemo<uPlot.AlignedData>(() => {
    const xs = props.curve.map((p) => Date.parse(p.at) / 1000);
    const actual = props.curve.map((p) => (p.cumulativeActualGmv === null ? null : decimalToFen(p.cumulativeActualGmv) / 100));
    const plan: (number | null)[] = props.curve.map((p) => decimalToFen(p.cumulativePlannedGmv) / 100);
    const lastActual = actual.reduce<number>((last, v, i) => (v === null ? last : i), -1);
    const projection: (number | null)[] = xs.map(() => null);
    if (props.projectedGmv !== null && lastActual >= 0) {
      projection[lastActual] = actual[lastActual] ?? null;
      xs.push(Date.parse(props.endsAt) / 1000);
      actual.push(null);
      plan.push(plan[plan.length - 1] ?? null);
      projection.push(decimalToFen(props.projectedGmv) / 100);
    }
    return [xs, actual, plan, projection];
  });
  return (
    <UPlotChart
      testId="pace-chart"
      class="pace-chart"
      data={data()}
      options={(lib) => ({
        ...wallChart(lib),
        series: [
          {},
          { label: t('pace.actual'), stroke: COLORS.gmv, width: 3 },
          { label: t('pace.plan'), stroke: COLORS.plan, width: 2, dash: [6, 6] },
          { label: t('hero.projected'), stroke: COLORS.projection, width: 2, dash: [2, 6], spanGaps: true },
        ],
        axes: [
          axis({ values: (_u, ticks) => ticks.map((v) => formatMonthDay(v * 1000, locale())) }),
          axis({ size: 90, values: (_u, ticks) => ticks.map((v) => formatCnyAxis(Math.round(v * 100), locale())) }),
        ],
      })}
    />
  );
}
