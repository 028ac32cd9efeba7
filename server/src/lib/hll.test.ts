import { describe, expect, it } from 'vitest';
import { Hll, HLL_REGISTERS, HLL_STANDARD_ERROR } from './hll.js';

const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sketchOf = (values: string[]) => values.reduce((h, v) => h.add(v), new Hll());

describe('HyperLogLog distinct counts', () => {
  it('states a 1.6% standard error', () => {
    expect(HLL_STANDARD_ERROR).toBeCloseTo(0.01625, 4);
  });

  it.each([1, 10, 100, 1_000, 10_000, 100_000, 1_000_000])('estimates %i distinct visitors within 3 standard errors', (n) => {
    const estimate = sketchOf(items('visitor-', n)).estimate();
    expect(Math.abs(estimate - n)).toBeLessThanOrEqual(Math.max(1, 3 * HLL_STANDARD_ERROR * n));
  });

  it('counts a visitor seen many times once', () => {
    const h = new Hll();
    for (let i = 0; i < 50_000; i++) h.add(`v${i % 500}`);
    expect(h.estimate()).toBeGreaterThanOrEqual(490);
    expect(h.estimate()).toBeLessThanOrEqual(510);
  });

  it('merges overlapping buckets into the distinct count of their union, never their sum', () => {
    const morning = sketchOf(items('v', 30_000));
    const evening = sketchOf(items('v', 30_000).map((v, i) => (i % 2 ? v : `${v}-new`)));
    const day = new Hll().merge(morning.toBytes()).merge(evening.toBytes());
    const truth = 45_000;
    expect(Math.abs(day.estimate() - truth)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * truth);
  });

  it('stores small sketches sparse and large ones dense, and both round-trip', () => {
    const small = sketchOf(items('s', 20));
    expect(small.toBytes().length % 3).toBe(0);
    expect(small.toBytes().length).toBeLessThan(HLL_REGISTERS);
    expect(new Hll().merge(small.toBytes()).registers).toEqual(small.registers);
    const large = sketchOf(items('l', 20_000));
    expect(large.toBytes().length).toBe(HLL_REGISTERS);
    expect(new Hll().merge(large.toBytes()).registers).toEqual(large.registers);
  });
});

describe('merging dense sketches', () => {
  it('takes the larger register everywhere, four at a time or byte by byte, whatever the alignment', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const a = Uint8Array.from({ length: HLL_REGISTERS }, () => Math.floor(random() * 54));
      const b = Uint8Array.from({ length: HLL_REGISTERS }, () => (random() < 0.3 ? 0 : Math.floor(random() * 54)));
      const expected = a.map((value, i) => Math.max(value, b[i]!));
      // Aligned (word-wise) and shifted by one byte inside a larger buffer (byte loop).
      const shifted = new Uint8Array(HLL_REGISTERS + 1).fill(99).subarray(1);
      shifted.set(b);
      for (const stored of [b, shifted]) expect(new Hll().merge(a).merge(stored).registers).toEqual(expected);
    }
  });
});

describe('sparse sketches built during ingestion', () => {
  it('store exactly what a dense sketch of the same items stores', async () => {
    const { SparseHll } = await import('./hll.js');
    for (const n of [5, 3_000]) {
      const sparse = items('x', n).reduce((h, v) => h.add(v), new SparseHll());
      const dense = sketchOf(items('x', n));
      expect(new Hll().merge(sparse.toBytes()).registers).toEqual(dense.registers);
    }
  });
});
