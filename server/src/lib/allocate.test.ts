import { describe, expect, it } from 'vitest';
import { allocateByRoundedPrefix } from './allocate.js';

const sum = (values: number[]) => values.reduce((a, v) => a + v, 0);

describe('allocating fen so that every running total is its exact share', () => {
  const prefixes = (parts: number[]) => parts.map((_, i) => sum(parts.slice(0, i + 1)));

  it('rounds each running total, not each part', () => {
    // 10 over three: the running totals 3.33, 6.67 and 10 round to 3, 7 and 10.
    expect(allocateByRoundedPrefix(10, [1, 1, 1])).toEqual([3, 4, 3]);
    expect(allocateByRoundedPrefix(100, [1, 2, 3, 4])).toEqual([10, 20, 30, 40]);
    expect(allocateByRoundedPrefix(7, [0.1, 0.2, 0.7])).toEqual([1, 1, 5]);
    expect(allocateByRoundedPrefix(1001, [1, 1])).toEqual([501, 500]); // 500.5 rounds half up
  });

  it('keeps eighteen even days of ¥3,000,000 at the exact share every evening', () => {
    // The 618 of the demo: leftover fen given to the earliest hours read ¥500,000.01 after day 3 and
    // ¥2,500,000.05 after day 15; the days now alternate ¥166,666.67 and ¥166,666.66.
    const days = allocateByRoundedPrefix(300_000_000, Array.from({ length: 18 }, () => 104.8));
    expect(prefixes(days)).toEqual(Array.from({ length: 18 }, (_, d) => Math.round((300_000_000 * (d + 1)) / 18)));
    expect(prefixes(days)[2]).toBe(50_000_000);
    expect(days.slice(0, 3)).toEqual([16_666_667, 16_666_666, 16_666_667]);
  });

  it('ends and sums to the total whatever the weights, even where total × weight would overflow', () => {
    // A stored shape of [1e300, …] once made the shares Infinity and the allocation loop for ever.
    expect(allocateByRoundedPrefix(1_000_000_000, [1e300, 1e300, 0])).toEqual([500_000_000, 500_000_000, 0]);
    expect(allocateByRoundedPrefix(10, [Number.MAX_VALUE, Number.MAX_VALUE])).toEqual([5, 5]);
    expect(allocateByRoundedPrefix(10, [0, 0])).toEqual([0, 0]);
    expect(allocateByRoundedPrefix(10, [])).toEqual([]);
  });

  it('sums to the total, never gives a part below zero, and holds each running total to within half a unit', () => {
    const weights = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 97) / 13 + (i % 5 === 0 ? 0 : 0.001));
    const total = 123_456_789_012;
    const parts = allocateByRoundedPrefix(total, weights);
    expect(sum(parts)).toBe(total);
    expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
    const whole = sum(weights);
    let prefix = 0;
    prefixes(parts).forEach((given, i) => {
      prefix += weights[i]!;
      expect(Math.abs(given - (total * prefix) / whole)).toBeLessThanOrEqual(0.5 + 1e-3);
    });
  });
});
