import { describe, expect, it } from 'vitest';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { Hll } from '../../lib/hll.js';
import { zeroCounters } from './metrics.formulas.js';
import { accumulateTotals, type TotalsRow } from './metrics.totals.js';

const sketch = (ids: string[]) => ids.reduce((h, id) => h.add(id), new Hll()).toBytes();
const estimateOf = (ids: string[]) => ids.reduce((h, id) => h.add(id), new Hll()).estimate();
const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

function row(channel: Channel, source: TrafficSource, gmvFen: number, visitors: string[], buyers: string[] = []): TotalsRow {
  return { ...zeroCounters(), channel, source, gmvFen, ordersPaid: buyers.length, visitors: sketch(visitors), carters: null, buyers: sketch(buyers) };
}

describe('totals from rollup rows', () => {
  it('counts a visitor seen in several buckets and sources once, overall and per channel', () => {
    const totals = accumulateTotals([
      row('TMALL', 'SEARCH', 1_000, range('v', 0, 300), ['c1']),
      row('TMALL', 'PAID', 2_000, range('v', 200, 500), ['c1', 'c2']),
      row('JD', 'SEARCH', 500, range('v', 450, 600)),
    ]);
    // The merged sketch is the sketch of the union: 600 distinct visitors (±1.6%), not 750 summed.
    expect(totals.all.visitors).toBe(estimateOf(range('v', 0, 600)));
    expect(Math.abs(totals.all.visitors - 600)).toBeLessThanOrEqual(600 * 0.03);
    expect(totals.all.buyers).toBe(2);
    expect(totals.all.gmvFen).toBe(3_500);
    expect(totals.byChannel.map((c) => [c.channel, c.gmvFen, c.buyers])).toEqual([
      ['TMALL', 3_000, 2],
      ['JD', 500, 0],
    ]);
    const search = totals.bySource.find((s) => s.source === 'SEARCH')!;
    expect(search.visitors).toBe(estimateOf([...range('v', 0, 300), ...range('v', 450, 600)]));
  });

  it('with overallDistinctOnly, gives the same overall figures and per-group counters, and no per-group distinct counts', () => {
    const rows = [
      row('TMALL', 'SEARCH', 1_000, range('v', 0, 300), ['c1']),
      row('TMALL', 'PAID', 2_000, range('v', 200, 500), ['c1', 'c2']),
      row('JD', 'SEARCH', 500, range('v', 450, 600)),
    ];
    const full = accumulateTotals(rows);
    const light = accumulateTotals(rows, { overallDistinctOnly: true });
    expect(light.all).toEqual(full.all);
    expect(light.byChannel.map((c) => [c.channel, c.gmvFen, c.ordersPaid, c.buyers, c.visitors])).toEqual([
      ['TMALL', 3_000, 3, 0, 0],
      ['JD', 500, 0, 0, 0],
    ]);
    expect(light.bySource.map((s) => [s.source, s.gmvFen])).toEqual(full.bySource.map((s) => [s.source, s.gmvFen]));
  });

  it('orders breakdowns by GMV, highest first', () => {
    const totals = accumulateTotals([row('JD', 'DIRECT', 10, []), row('DOUYIN', 'SOCIAL', 90, []), row('TMALL', 'SEARCH', 50, [])]);
    expect(totals.byChannel.map((c) => c.channel)).toEqual(['DOUYIN', 'TMALL', 'JD']);
    expect(totals.bySource.map((s) => s.source)).toEqual(['SOCIAL', 'SEARCH', 'DIRECT']);
  });

  it('is all zeros without rows', () => {
    expect(accumulateTotals([])).toEqual({ all: { ...zeroCounters(), visitors: 0, carters: 0, buyers: 0 }, byChannel: [], bySource: [] });
  });

  it('never shows more buyers than paid orders, whatever the sketch estimates', () => {
    // 40 distinct customers recorded against only 30 paid orders cannot happen; the bound wins.
    const totals = accumulateTotals([{ ...row('TMALL', 'SEARCH', 1_000, [], range('c', 0, 40)), ordersPaid: 30, addToCarts: 5, carters: sketch(range('v', 0, 9)) }]);
    expect(totals.all.buyers).toBe(30);
    expect(totals.all.carters).toBe(5);
    expect(totals.byChannel[0]!.buyers).toBe(30);
  });
});
