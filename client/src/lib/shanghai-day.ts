/** Asia/Shanghai is UTC+8 all year (no daylight saving): its calendar day is the UTC day 8 hours later. */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isDate = (value: string | undefined): value is string => !!value && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/** The Asia/Shanghai date (YYYY-MM-DD) at `ms`. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date from `to` back to `from`, newest first, at most `limit` of them. */
export function datesDown(from: string, to: string, limit: number): string[] {
  const dates: string[] = [];
  for (let d = to; d >= from && dates.length < limit; d = addDays(d, -1)) dates.push(d);
  return dates;
}

/** The Asia/Shanghai hour of the day (0–23) at `ms`. */
export function shanghaiHour(ms: number): number {
  return new Date(ms + OFFSET_MS).getUTCHours();
}

/** An instant as the datetime-local value ("2026-12-12T00:00") of its Asia/Shanghai wall time. */
export const shanghaiLocal = (instant: string) => new Date(Date.parse(instant) + OFFSET_MS).toISOString().slice(0, 16);

/** A datetime-local value read as Asia/Shanghai time, whatever the browser's own zone. */
export const shanghaiInstant = (local: string) => `${local}:00+08:00`;
