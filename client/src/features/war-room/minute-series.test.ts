import { describe, expect, it } from 'vitest';
import { mergeTail } from './minute-series';

const point = (at: string, orders: number) => ({ at, orders });

describe("the day's minute line", () => {
  it('lays the live tail over the loaded day, minute by minute', () => {
    const day = [point('00:00', 1), point('00:01', 2), point('00:02', 0), point('00:03', 0)];
    expect(mergeTail(day, [point('00:02', 5), point('00:03', 1)])).toEqual([point('00:00', 1), point('00:01', 2), point('00:02', 5), point('00:03', 1)]);
  });

  it('shows the tail alone until the day has loaded, and the day alone without a tail', () => {
    expect(mergeTail([], [point('00:02', 5)])).toEqual([point('00:02', 5)]);
    expect(mergeTail([point('00:00', 1)], [])).toEqual([point('00:00', 1)]);
  });
});
