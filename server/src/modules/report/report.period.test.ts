import { describe, expect, it } from 'vitest';
import { monthPeriod, sameSpanEnd, weekPeriod } from './report.period.js';

describe('report periods (Asia/Shanghai)', () => {
  it('a week runs Monday to Sunday whichever day names it, and is due the Monday after at 00:00', () => {
    for (const day of ['2026-12-28', '2027-01-01', '2027-01-03']) {
      expect(weekPeriod(day)).toEqual({
        kind: 'WEEK',
        from: '2026-12-28',
        to: '2027-01-03',
        dueAt: new Date('2027-01-04T00:00:00+08:00'),
        previous: { from: '2026-12-21', to: '2026-12-27' },
      });
    }
  });

  it('a month is due by the 5th of the next month, 24:00, across a year end and a leap February', () => {
    expect(monthPeriod('2026-12')).toEqual({
      kind: 'MONTH',
      from: '2026-12-01',
      to: '2026-12-31',
      dueAt: new Date('2027-01-06T00:00:00+08:00'),
      previous: { from: '2026-11-01', to: '2026-11-30' },
    });
    expect(monthPeriod('2024-03')).toMatchObject({ to: '2024-03-31', previous: { from: '2024-02-01', to: '2024-02-29' } });
    expect(monthPeriod('2027-01').previous).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('compares a running period with the same span of the one before, never past its end', () => {
    // The 7th of December, 10:00: November's 1st 00:00 to its 7th, 10:00.
    expect(sameSpanEnd(monthPeriod('2026-12'), new Date('2026-12-07T10:00:00+08:00'))).toEqual(new Date('2026-11-07T10:00:00+08:00'));
    // The 31st of March against a February of 28 days: all of February, not into March.
    expect(sameSpanEnd(monthPeriod('2027-03'), new Date('2027-03-31T12:00:00+08:00'))).toEqual(new Date('2027-03-01T00:00:00+08:00'));
    // Thursday 10:00 of a week: the week before's Monday 00:00 to its Thursday 10:00.
    expect(sameSpanEnd(weekPeriod('2026-11-19'), new Date('2026-11-19T10:00:00+08:00'))).toEqual(new Date('2026-11-12T10:00:00+08:00'));
    // A period not begun yet: an empty span.
    expect(sameSpanEnd(weekPeriod('2026-11-30'), new Date('2026-11-19T10:00:00+08:00'))).toEqual(new Date('2026-11-23T00:00:00+08:00'));
  });

  it('refuses what is not a month', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '202611', '2026-11-01']) expect(() => monthPeriod(bad), bad).toThrow('YYYY-MM');
  });
});
