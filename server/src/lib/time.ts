/**
 * Day and hour boundaries are in Asia/Shanghai (UTC+8, no daylight saving since 1991), so the
 * offset is fixed and arithmetic on it is exact.
 */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const OFFSET_HOURS = 8;
const OFFSET_MS = OFFSET_HOURS * HOUR_MS;

/** The Asia/Shanghai calendar date of an instant, as YYYY-MM-DD. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant at which an Asia/Shanghai calendar date begins. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

/** The Asia/Shanghai hour of day (0–23) of an instant, given as a Date or epoch milliseconds. */
export function shanghaiHourOfDay(instant: Date | number): number {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  return (((Math.floor(t / HOUR_MS) + OFFSET_HOURS) % 24) + 24) % 24;
}

/** An instant as Asia/Shanghai wall-clock time, `YYYY-MM-DD HH:mm:ss` (for messages people read). */
export function shanghaiDateTime(instant: Date): string {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** An instant's Asia/Shanghai clock, `HH:mm` (a deadline or a time of day in a message). */
export function shanghaiClock(instant: Date): string {
  return shanghaiDateTime(instant).slice(11, 16);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * The first day PeakOps takes: no shop's records go back further, and from it on Asia/Shanghai keeps +08:00
 * without daylight saving (it last had some in 1991), as the fixed offset above assumes.
 */
export const FIRST_DATE = '2000-01-01';
/** The last: a year short of 9999, so the day, month or year after any day taken still has four digits. */
export const LAST_DATE = '9998-12-31';

/**
 * A real calendar day from FIRST_DATE to LAST_DATE. Until 2026-12-07 the years 0001–9999 were taken, and
 * 0001-01-01 began in the year 0 in UTC, which PostgreSQL lacks (as did the day, week or month before an
 * early day): a report, a window or spend there failed its statement as an internal error.
 */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value) || value < FIRST_DATE || value > LAST_DATE) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * A year and a day: the longest span a campaign, a `metrics` window or an export covers. Work over a span
 * (plan curves hour by hour, sketches merged per rollup row, report days) grows with it.
 */
export const MAX_SPAN_DAYS = 366;

const EARLIEST_INSTANT = startOfShanghaiDay(FIRST_DATE).getTime();
const LATEST_INSTANT = startOfShanghaiDay(LAST_DATE).getTime() + DAY_MS - 1;
/**
 * An instant PeakOps takes: one whose Asia/Shanghai day is a calendar day it takes (isCalendarDate), so the
 * day, hour and minute it is counted in, and the periods before it that reports compare with, begin at
 * instants PostgreSQL stores and ISO text writes with four digits. JavaScript's dates reach ±275,760 years.
 */
export function isInstantInRange(instant: Date): boolean {
  const t = instant.getTime();
  return t >= EARLIEST_INSTANT && t <= LATEST_INSTANT;
}

/**
 * The most recent Friday 17:00 Asia/Shanghai at or before `instant`: the weekly update deadline of
 * operations plans (计划每周五 17:00 更新).
 */
export function lastFriday1700(instant: Date): Date {
  const local = new Date(instant.getTime() + OFFSET_MS); // wall clock, read with UTC getters
  const daysSinceFriday = (local.getUTCDay() - 5 + 7) % 7;
  const candidate = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysSinceFriday, 17) - OFFSET_MS;
  return new Date(candidate <= instant.getTime() ? candidate : candidate - 7 * DAY_MS);
}

/**
 * The same Asia/Shanghai wall-clock moment `months` calendar months before `instant`; a day the earlier
 * month lacks becomes its last day (05-31 minus three months is 02-28, or 02-29 in a leap year), as
 * PostgreSQL's `- interval '3 months'` does. DOMAIN.md's "no purchase for 3 months" is this, not 90 days.
 */
export function shanghaiMonthsBefore(instant: Date, months: number): Date {
  const local = new Date(instant.getTime() + OFFSET_MS); // wall clock, read with UTC getters
  const monthIndex = local.getUTCFullYear() * 12 + local.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const wall = new Date(0);
  wall.setUTCFullYear(year, month, Math.min(local.getUTCDate(), lastDay));
  wall.setUTCHours(local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return new Date(wall.getTime() - OFFSET_MS);
}
