import { describe, expect, it } from 'vitest';
import { decimalToFen, fenToDecimal } from './decimal';
import { formatCalendarDay, formatChange, formatClock, formatCny, formatCnyExact, formatDateTimeInYear, formatEndOfSpan, formatPercent } from './format';

describe('CNY on the war room', () => {
  it('uses 万 and 亿 in Chinese, with the full amount below ¥10,000', () => {
    expect(formatCny(decimalToFen('123456789.00'), 'zh-CN')).toBe('¥1.23亿');
    expect(formatCny(decimalToFen('8520.00'), 'zh-CN')).toBe('¥8,520.00');
    expect(formatCny(decimalToFen('0.00'), 'zh-CN')).toBe('¥0.00');
    expect(formatCny(decimalToFen('152345.67'), 'zh-CN')).toBe('¥15.23万');
  });

  it('uses M and B in English', () => {
    expect(formatCny(decimalToFen('123456789.00'), 'en')).toBe('¥123.45M');
    expect(formatCny(decimalToFen('2500000000.00'), 'en')).toBe('¥2.50B');
    expect(formatCny(decimalToFen('8520.00'), 'en')).toBe('¥8,520.00');
  });

  it('never rounds a growing GMV up to a figure it has not reached', () => {
    expect(formatCny(decimalToFen('99995000.00'), 'zh-CN')).toBe('¥9999.50万') // CLDR's Chinese compact form has no grouping;
    expect(formatCny(decimalToFen('99999999.99'), 'zh-CN')).not.toBe('¥1.00亿');
  });

  it('keeps every fen of an exact amount', () => {
    expect(formatCnyExact(decimalToFen('90071992547409.91'), 'zh-CN')).toBe('¥90,071,992,547,409.91');
    expect(fenToDecimal(decimalToFen('1234.5'))).toBe('1234.50');
    expect(() => decimalToFen('12.345')).toThrow(/not a money amount/);
  });

  it('formats rates, changes and Beijing time through Intl', () => {
    expect(formatPercent(0.0357, 'zh-CN')).toBe('3.57%');
    expect(formatChange(0.346, 'zh-CN')).toBe('+34.6%');
    expect(formatChange(null, 'en')).toBe('—');
    expect(formatClock('2026-11-10T16:00:05Z', 'zh-CN')).toBe('00:00:05');
  });

  it('writes a calendar day of the API in the chosen language, never shifted by the browser’s zone', () => {
    expect(formatCalendarDay('2026-11-01', 'zh-CN')).toBe('2026年11月1日');
    expect(formatCalendarDay('2026-11-01', 'en')).toBe('Nov 1, 2026');
  });
});

describe('a date and time with its year when it is another year', () => {
  it('omits this year and names another, in Beijing time', () => {
    const now = Date.parse('2026-12-06T04:00:00Z');
    expect(formatDateTimeInYear('2026-06-01T16:00:00Z', 'zh-CN', now)).toBe('6月2日 00:00');
    expect(formatDateTimeInYear('2025-06-01T16:00:00Z', 'zh-CN', now)).toBe('2025年6月2日 00:00');
    // 2026-12-31 20:00 UTC is already 2027 in Beijing.
    expect(formatDateTimeInYear('2026-12-31T20:00:00Z', 'en', now)).toMatch(/2027/);
  });
});

describe('the clocks on the wall', () => {
  it('formats with one formatter per language, made once, not one per call', () => {
    const Original = Intl.DateTimeFormat;
    let made = 0;
    Intl.DateTimeFormat = class extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        made += 1;
      }
    } as typeof Original;
    const at = '2026-11-11T12:00:05Z';
    try {
      for (let second = 0; second < 5; second++) {
        expect(formatClock(at, 'zh-CN')).toBe('20:00:05');
        expect(formatClock(at, 'en')).toBe('20:00:05');
      }
    } finally {
      Intl.DateTimeFormat = Original;
    }
    // At most the first call of each language builds one (another test of this file may have built them already).
    expect(made).toBeLessThanOrEqual(2);
  });
});

describe('the end of a span', () => {
  it('reads a Beijing midnight as 24:00 of the day it closes, and any other time as it is', () => {
    // 2026-12-05 16:00 UTC is 12月6日 00:00 in Beijing: the span closes at the end of the 5th.
    expect(formatEndOfSpan('2026-12-05T16:00:00Z', 'zh-CN')).toBe('12月5日 24:00');
    expect(formatEndOfSpan('2026-12-05T16:00:00Z', 'en')).toBe('Dec 5, 24:00');
    expect(formatEndOfSpan('2026-12-05T02:30:00Z', 'zh-CN')).toBe('12月5日 10:30');
  });
});
