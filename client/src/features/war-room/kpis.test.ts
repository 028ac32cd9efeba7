import { describe, expect, it } from 'vitest';
import { minuteSeries, NOW_WALL, TODAY_FROM, TODAY_SERIES, todayPayload, yesterdayMetrics } from '../../../test/fixtures';
import { kpis, lastCompleteMinute, ordersPerSecondAt, type Kpi, type TodayKpiInput } from './kpis';

const today: TodayKpiInput = todayPayload().liveMetrics.metrics;
const FROM = Date.parse(TODAY_FROM);
const byKey = (list: Kpi[]) => Object.fromEntries(list.map((k) => [k.key, k])) as Record<Kpi['key'], Kpi>;

describe('orders per second', () => {
  it('is measured up to the last minute that has fully passed', () => {
    expect(lastCompleteMinute(NOW_WALL)).toBe(Date.parse('2026-11-11T03:59:00Z'));
    expect(lastCompleteMinute(Date.parse('2026-11-11T04:00:00Z'))).toBe(Date.parse('2026-11-11T03:59:00Z'));
  });

  it('averages the last five complete minutes, leaving out the running minute and anything older', () => {
    // 03:54 and 04:00 carry 9,000 orders each; only 03:55–03:59 (5 × 300) count.
    expect(ordersPerSecondAt(TODAY_SERIES, lastCompleteMinute(NOW_WALL), FROM)).toBe(5);
    expect(byKey(kpis(today, null, NOW_WALL, FROM)).ordersPerSecond.value).toBe(5);
  });

  it('counts missing minutes as quiet ones rather than averaging over fewer minutes', () => {
    const sparse = minuteSeries('2026-11-11T03:59:00Z', [600]);
    expect(ordersPerSecondAt(sparse, lastCompleteMinute(NOW_WALL), FROM)).toBe(2);
  });
});

describe('orders per second just after the window opens (Double 11, 00:00 in Beijing)', () => {
  // A steady 10 orders/s from midnight: the stream's tail starts at `from`, minutes before it are not quiet, just absent.
  const at = (beijing: string) => Date.parse(`2026-11-11T${beijing}+08:00`);
  const steady = minuteSeries(TODAY_FROM, [600, 600, 600, 600, 600, 600, 600, 600]);

  it('averages over the complete minutes since the window opened, five at most', () => {
    expect(ordersPerSecondAt(steady, lastCompleteMinute(at('00:01:30')), FROM)).toBe(10);
    expect(ordersPerSecondAt(steady, lastCompleteMinute(at('00:02:30')), FROM)).toBe(10);
    expect(ordersPerSecondAt(steady, lastCompleteMinute(at('00:03:30')), FROM)).toBe(10);
    expect(ordersPerSecondAt(steady, lastCompleteMinute(at('00:07:30')), FROM)).toBe(10);
    expect(byKey(kpis({ ...today, series: steady }, null, at('00:02:30'), FROM)).ordersPerSecond.value).toBe(10);
  });

  it('has no figure ("—") before the first minute is complete, and no change either', () => {
    expect(ordersPerSecondAt(steady, lastCompleteMinute(at('00:00:40')), FROM)).toBeNull();
    const ops = byKey(kpis({ ...today, series: steady }, yesterdayMetrics(), at('00:00:40'), FROM)).ordersPerSecond;
    expect(ops.value).toBeNull();
    expect(ops.change).toBeNull();
  });

  it('compares with the same complete minutes yesterday', () => {
    const yesterday = yesterdayMetrics({ series: minuteSeries(new Date(FROM - 86_400_000).toISOString(), [300, 300, 300]).map(({ at, orders }) => ({ at, orders })) });
    const ops = byKey(kpis({ ...today, series: steady }, yesterday, at('00:02:30'), FROM)).ordersPerSecond;
    expect(ops.change).toBeCloseTo(1, 10); // 10/s against 5/s over 00:00–00:02
  });
});

describe('change against the same time yesterday', () => {
  it('compares orders/s with the same five minutes yesterday and the rest with yesterday so far', () => {
    const k = byKey(kpis(today, yesterdayMetrics(), NOW_WALL, FROM));
    expect(k.ordersPerSecond.change).toBeCloseTo(0.2, 10); // 5.0 against 1,250 / 300 s
    expect(k.buyers.change).toBeCloseTo(0.2, 10); // 36,000 against 30,000
    expect(k.conversionRate.change).toBeCloseTo(0.2, 10); // 3.0% against 2.5%
    expect(k.refundRate.change).toBeCloseTo(-0.2, 10); // 1.2% against 1.5%
    expect(k.addToCartRate.change).toBeCloseTo(-0.1, 10); // 18% against 20%
  });

  it('keeps the average order value in exact fen', () => {
    const k = byKey(kpis(today, yesterdayMetrics({ averageOrderValue: '2743.47' }), NOW_WALL, FROM));
    expect(k.averageOrderValue.value).toBe(274_348);
    expect(k.averageOrderValue.change).toBeCloseTo(1 / 274_347, 12);
  });

  it('shows no change at all ("—") while yesterday has not loaded, never a made-up 0%', () => {
    const list = kpis(today, null, NOW_WALL, FROM);
    expect(list.map((k) => k.key)).toEqual(['ordersPerSecond', 'buyers', 'conversionRate', 'averageOrderValue', 'refundRate', 'addToCartRate']);
    for (const k of list) expect(k.change, k.key).toBeNull();
  });

  it('shows no change for a figure that was zero yesterday', () => {
    const quiet = yesterdayMetrics({ buyers: 0, refundRate: 0, averageOrderValue: '0.00', series: [] });
    const k = byKey(kpis(today, quiet, NOW_WALL, FROM));
    expect(k.buyers.change).toBeNull();
    expect(k.refundRate.change).toBeNull();
    expect(k.averageOrderValue.change).toBeNull();
    expect(k.ordersPerSecond.change).toBeNull();
    expect(k.conversionRate.change).not.toBeNull();
  });
});
