import { describe, expect, it } from 'vitest';
import { fenToYuan, fenToYuanGrouped, yuanToFen } from './money.js';

describe('money is exact', () => {
  it('parses yuan strings into integer fen without floating point', () => {
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 in floating point is 28.999999999999996
    expect(yuanToFen('1234.5')).toBe(123_450);
    expect(yuanToFen('10000000')).toBe(1_000_000_000);
    expect(yuanToFen('-8.52')).toBe(-852);
  });

  it('refuses more than two decimals rather than rounding someone’s money', () => {
    expect(() => yuanToFen('1.005')).toThrow(/at most two decimals/);
    expect(() => yuanToFen('1e3')).toThrow();
    expect(() => yuanToFen('')).toThrow();
  });

  it('formats fen as yuan with exactly two decimals', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(852_000)).toBe('8520.00');
    expect(fenToYuan(-1)).toBe('-0.01');
    expect(fenToYuan('12300000000000001')).toBe('123000000000000.01');
  });

  it('formats safe integers as the exact BigInt arithmetic does, up to 2^53 fen', () => {
    const viaBigInt = (fen: number) => {
      const abs = BigInt(Math.abs(fen));
      return `${fen < 0 ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
    };
    const samples = [1, 9, 10, 99, 100, 101, 1_999, 2 ** 31 + 7, 2 ** 40 + 99, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1];
    // Integers just below a multiple of 100 are where a float division would round up.
    for (let k = 1; k <= 2 ** 20; k *= 2) samples.push(Math.floor(Number.MAX_SAFE_INTEGER / 100 / k) * 100 - 1);
    for (const fen of samples.flatMap((n) => [n, -n])) expect(fenToYuan(fen)).toBe(viaBigInt(fen));
    expect(fenToYuan(-0)).toBe('0.00');
  });

  it('groups thousands for the words a person reads, exactly', () => {
    expect(fenToYuanGrouped(10_770_620)).toBe('107,706.20');
    expect(fenToYuanGrouped(13_113_298)).toBe('131,132.98');
    expect(fenToYuanGrouped(99_999)).toBe('999.99');
    expect(fenToYuanGrouped(100_000)).toBe('1,000.00');
    expect(fenToYuanGrouped(-123_456_789)).toBe('-1,234,567.89');
    expect(fenToYuanGrouped(0)).toBe('0.00');
    expect(fenToYuanGrouped(123_456_789_012_345_678n)).toBe('1,234,567,890,123,456.78');
  });
});
