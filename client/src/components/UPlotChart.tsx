import { createEffect, onCleanup, onMount } from 'solid-js';
import type uPlot from 'uplot';

/**
 * uPlot behind a Solid component: created once, then fed with setData on every update, so a new
 * minute costs one redraw of one canvas (no DOM diffing, no re-layout). Loaded on demand so the
 * live numbers paint before the chart code arrives.
 */
export function UPlotChart(props: {
  /** Built once the library has loaded; `lib` gives access to helpers such as uPlot.tzDate. */
  options: (lib: typeof uPlot) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  class?: string;
  testId?: string;
}) {
  let host!: HTMLDivElement;
  let chart: uPlot | undefined;
  let observer: ResizeObserver | undefined;

  onMount(async () => {
    if (typeof ResizeObserver === 'undefined' || typeof matchMedia === 'undefined') return; // jsdom: no canvas to draw on
    const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]);
    const size = () => ({ width: Math.max(100, host.clientWidth), height: Math.max(80, host.clientHeight) });
    const { width, height } = size();
    chart = new UPlot({ ...props.options(UPlot), width, height }, props.data, host);
    observer = new ResizeObserver(() => chart?.setSize(size()));
    observer.observe(host);
  });

  createEffect(() => {
    const data = props.data;
    chart?.setData(data);
  });

  onCleanup(() => {
    observer?.disconnect();
    chart?.destroy();
  });

  return <div ref={host} class={`chart ${props.class ?? ''}`} data-testid={props.testId} />;
}
