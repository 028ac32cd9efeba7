import { describe, expect, it } from 'vitest';
import { addDays, isCalendarDate, isInstantInRange, lastFriday1700, shanghaiMonthsBefore, shanghaiDate, shanghaiDateTime, shanghaiHourOfDay, startOfShanghaiDay } from './time.js';

describe('business days are Asia/Shanghai days', () => {
  it('puts 2026-11-10T16:30Z on 11.11, the first half hour of Double 11', () => {
    expect(shanghaiDate(new Date('2026-11-10T16:30:00Z'))).toBe('2026-11-11');
    expect(shanghaiDate(new Date('2026-11-10T15:59:59.999Z'))).toBe('2026-11-10');
  });

  it('starts a Shanghai day at 16:00 UTC the evening before', () => {
    expect(startOfShanghaiDay('2026-11-11').toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('reads the hour of day and the wall clock in Shanghai, where 16:00 UTC is midnight', () => {
    expect(shanghaiHourOfDay(new Date('2026-11-10T16:00:00Z'))).toBe(0);
    expect(shanghaiHourOfDay(Date.parse('2026-11-10T15:59:59Z'))).toBe(23);
    expect(shanghaiHourOfDay(new Date('2026-11-11T12:30:00Z'))).toBe(20);
    expect(shanghaiDateTime(new Date('2026-11-10T16:05:09Z'))).toBe('2026-11-11 00:05:09');
  });

  it('accepts only real calendar days', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-11-1')).toBe(false);
    // JavaScript has a year 0; PostgreSQL refuses it, which would fail the statement as an internal error.
    expect(isCalendarDate('0000-01-01')).toBe(false);
    // 0001-01-01 began in the year 0 in UTC; the days taken are 2000-01-01 to 9998-12-31.
    expect(isCalendarDate('0001-01-01')).toBe(false);
    expect(isCalendarDate('1999-12-31')).toBe(false);
    expect(isCalendarDate('2000-01-01')).toBe(true);
    expect(isCalendarDate('9998-12-31')).toBe(true);
    expect(isCalendarDate('9999-01-01')).toBe(false);
  });

  it('takes the instants whose Shanghai day it takes: 2000-01-01 00:00 to 9998-12-31 23:59:59.999 there', () => {
    expect(isInstantInRange(new Date('0001-01-01T00:00:00Z'))).toBe(false);
    expect(isInstantInRange(new Date('1999-12-31T23:59:59.999+08:00'))).toBe(false);
    expect(isInstantInRange(new Date('2000-01-01T00:00:00+08:00'))).toBe(true);
    expect(isInstantInRange(new Date('9998-12-31T23:59:59.999+08:00'))).toBe(true);
    expect(isInstantInRange(new Date('9999-01-01T00:00:00+08:00'))).toBe(false);
    expect(isInstantInRange(new Date('+010000-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('the weekly plan deadline: Friday 17:00 in Asia/Shanghai', () => {
  const at = (iso: string) => lastFriday1700(new Date(iso)).toISOString();
  it('is the Friday before on a Monday, the same Friday from 17:00 on, the week before until then', () => {
    expect(at('2026-11-30T12:00:00+08:00')).toBe('2026-11-27T09:00:00.000Z'); // Monday → Fri 27th 17:00
    expect(at('2026-11-27T17:00:00+08:00')).toBe('2026-11-27T09:00:00.000Z');
    expect(at('2026-11-27T16:59:59+08:00')).toBe('2026-11-20T09:00:00.000Z');
    // Friday 01:30 in Shanghai is still Thursday in UTC: the Shanghai calendar decides.
    expect(at('2026-11-27T01:30:00+08:00')).toBe('2026-11-20T09:00:00.000Z');
    expect(at('2026-11-28T00:30:00+08:00')).toBe('2026-11-27T09:00:00.000Z');
  });
});

describe('calendar months back, on the Asia/Shanghai calendar', () => {
  const back = (at: string, months: number) => shanghaiDateTime(shanghaiMonthsBefore(new Date(at), months));

  it('keeps the wall-clock moment and moves the month, across a year', () => {
    expect(back('2026-12-07T10:00:00+08:00', 3)).toBe('2026-09-07 10:00:00');
    expect(back('2027-01-20T18:00:00+08:00', 3)).toBe('2026-10-20 18:00:00');
    expect(back('2027-02-15T09:30:15.250+08:00', 14)).toBe('2025-12-15 09:30:15');
  });

  it('counts the Shanghai date, not the UTC one: 01:00 on June 1 in Shanghai is still May 31 in UTC', () => {
    expect(back('2026-06-01T01:00:00+08:00', 3)).toBe('2026-03-01 01:00:00');
  });

  it('takes the last day of a shorter month, as PostgreSQL does', () => {
    expect(back('2026-05-31T12:00:00+08:00', 3)).toBe('2026-02-28 12:00:00');
    expect(back('2028-05-31T12:00:00+08:00', 3)).toBe('2028-02-29 12:00:00');
    expect(back('2026-12-31T23:59:59+08:00', 3)).toBe('2026-09-30 23:59:59');
  });
});
