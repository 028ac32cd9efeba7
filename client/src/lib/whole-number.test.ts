import { describe, expect, it } from 'vitest';
import { MAX_INT, wholeNumberOf } from './whole-number';

describe('a whole number as typed', () => {
  it('reads digits with thousands separators and spaces around', () => {
    expect(wholeNumberOf(' 500 ')).toBe(500);
    expect(wholeNumberOf('1,200')).toBe(1200);
    expect(wholeNumberOf('0')).toBe(0);
  });

  it('refuses signs, decimals, exponents, words and what an Int cannot hold', () => {
    for (const typed of ['', '-3', '+5', '12.0', '1e3', 'abc', '五百']) expect(wholeNumberOf(typed)).toBeNull();
    expect(wholeNumberOf(String(MAX_INT))).toBe(MAX_INT);
    expect(wholeNumberOf(String(MAX_INT + 1))).toBeNull();
  });
});
