import { describe, expect, it } from 'vitest';
import { addDays, isCalendarDate, shanghaiDate, startOfShanghaiDay } from './time.js';

describe('business days are Asia/Shanghai days', () => {
  it('puts 2026-11-10T16:30Z on 11.11, the first half hour of Double 11', () => {
    expect(shanghaiDate(new Date('2026-11-10T16:30:00Z'))).toBe('2026-11-11');
    expect(shanghaiDate(new Date('2026-11-10T15:59:59.999Z'))).toBe('2026-11-10');
  });

  it('starts a Shanghai day at 16:00 UTC the evening before', () => {
    expect(startOfShanghaiDay('2026-11-11').toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('accepts only real calendar days', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-11-1')).toBe(false);
  });
});
