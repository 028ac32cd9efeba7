import { createMemo } from 'solid-js';
import type uPlot from 'uplot';
import { UPlotChart } from '../../components/UPlotChart';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCnyAxis, formatHourMinute, formatInteger } from '../../lib/format';
import { axis, COLORS, wallChart } from './chart-theme';

const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

export interface MinutePoint {
  at: string;
  gmv: string;
  orders: number;
}

/**
 * GMV and orders per minute for the whole day: the series covers midnight to midnight with zeros
 * ahead, so the line grows to the right and the current minute rises in place.
 */
export function MinuteChart(props: { series: readonly MinutePoint[]; nowMs: number }) {
  const { t, locale } = useI18n();
  const data = createMemo<uPlot.AlignedData>(() => {
    // Minutes still ahead are gaps, not zeros: the line stops at now.
    const ahead = (p: MinutePoint) => Date.parse(p.at) > props.nowMs;
    return [
      props.series.map((p) => Date.parse(p.at) / 1000),
      props.series.map((p) => (ahead(p) ? null : decimalToFen(p.gmv) / 100)),
      props.series.map((p) => (ahead(p) ? null : p.orders)),
    ];
  });
  return (
    <UPlotChart
      testId="minute-chart"
      class="minute-chart"
      data={data()}
      options={(lib) => ({
        ...wallChart(lib),
        scales: { x: { time: true }, gmv: { auto: true }, orders: { auto: true } },
        series: [
          {},
          { label: t('minute.gmv'), scale: 'gmv', stroke: COLORS.gmv, width: 2, fill: 'rgba(255,106,61,0.12)', spanGaps: false },
          { label: t('minute.orders'), scale: 'orders', stroke: COLORS.orders, width: 1.5 },
        ],
        axes: [
          axis({ values: (_u, ticks) => ticks.map((v) => formatHourMinute(v * 1000, locale())) }),
          axis({ scale: 'gmv', size: 90, values: (_u, ticks) => ticks.map((v) => formatCnyAxis(Math.round(v * 100), locale())) }),
          // Orders are whole: whole-number steps, or the axis would read "2, 2, 1, 1, 0".
          axis({ scale: 'orders', side: 1, size: 60, grid: { show: false }, incrs: WHOLE_STEPS, values: (_u, ticks) => ticks.map((v) => formatInteger(v, locale())) }),
        ],
      })}
    />
  );
}
