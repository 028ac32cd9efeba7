import type uPlot from 'uplot';

/** Dark-theme axes in Asia/Shanghai time, sized to be read from across the room. */
export const COLORS = { gmv: '#ff6a3d', orders: '#4fc3f7', plan: '#8a94b8', projection: '#ffd166', grid: 'rgba(255,255,255,0.08)', text: '#aab4d4' };

/** What every chart of the wall shares: Asia/Shanghai time, no legend or cursor (nobody points at a TV). */
export function wallChart(lib: typeof uPlot): Pick<uPlot.Options, 'tzDate' | 'legend' | 'cursor'> {
  return { tzDate: (ts) => lib.tzDate(new Date(ts * 1e3), 'Asia/Shanghai'), legend: { show: false }, cursor: { show: false } };
}

export function axis(extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: COLORS.text,
    grid: { stroke: COLORS.grid, width: 1 },
    ticks: { stroke: COLORS.grid, width: 1 },
    font: '16px "PingFang SC", "Microsoft YaHei", system-ui, sans-serif',
    ...extra,
  };
}
