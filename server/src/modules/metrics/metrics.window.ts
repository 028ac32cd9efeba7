import { and, eq, gte, lt, or, sql, type Column, type SQL } from 'drizzle-orm';
import { HOUR_MS, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../../lib/time.js';
import type { Granularity } from './metrics.table.js';

/**
 * A metrics window [from, to) resolves to whole minutes: a minute belongs to the window when it
 * STARTS inside [from, to). Minute rollups are the finest grain stored, so a minute is counted
 * whole or not at all; in effect both ends are rounded up to the next minute boundary. A window
 * ending "now" therefore includes the minute in progress, which is what a live dashboard wants.
 */
export interface Window {
  from: Date;
  to: Date;
}

/** Rollup rows of one granularity whose bucket starts in [from, to). */
export interface RollupPiece {
  granularity: Granularity;
  from: Date;
  to: Date;
}


/** Start of the minute containing the instant `t` (epoch milliseconds): the ingest path keys its buckets by it without a Date. */
export const minuteStartMs = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS;
export const floorMinute = (t: Date) => new Date(minuteStartMs(t.getTime()));
export const ceilMinute = (t: Date) => new Date(Math.ceil(t.getTime() / MINUTE_MS) * MINUTE_MS);
/** Asia/Shanghai is a whole number of hours from UTC, so its hours are UTC hours. */
export const floorHour = (t: Date) => new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS);
export const ceilHour = (t: Date) => new Date(Math.ceil(t.getTime() / HOUR_MS) * HOUR_MS);
export const floorShanghaiDay = (t: Date) => startOfShanghaiDay(shanghaiDate(t));
export function ceilShanghaiDay(t: Date): Date {
  const floor = floorShanghaiDay(t);
  return floor.getTime() === t.getTime() ? floor : new Date(floor.getTime() + 24 * HOUR_MS);
}

/** The instant a bucket of this granularity containing `t` starts (days in Asia/Shanghai). */
export function floorTo(granularity: Granularity, t: Date): Date {
  if (granularity === 'MINUTE') return floorMinute(t);
  return granularity === 'HOUR' ? floorHour(t) : floorShanghaiDay(t);
}

/** The start of the next bucket of this granularity after the one containing `t`. */
export function nextBoundary(granularity: Granularity, t: Date): Date {
  if (granularity === 'MINUTE') return new Date(floorMinute(t).getTime() + MINUTE_MS);
  if (granularity === 'HOUR') return new Date(floorHour(t).getTime() + HOUR_MS);
  return new Date(floorShanghaiDay(t).getTime() + 24 * HOUR_MS);
}

/** The whole minutes a requested window counts (see Window); empty when from === to. */
export function resolveWindow(from: Date, to: Date): Window {
  const start = ceilMinute(from);
  const end = ceilMinute(to);
  return { from: start, to: end < start ? start : end };
}

/**
 * The window as it can be counted when minute rollups before `minutesKeptFrom` are gone (retention,
 * modules/history): a ragged minute edge older than that would count nothing, so the window is cut to
 * its whole hours on that side — 10:15–12:45 four months ago is counted as 11:00–12:00 — and the
 * answer's `from` and `to` say so. Whole hours and days are kept forever, so only edges move; an
 * edge is cut whether or not the history job has dropped its month yet, so the answer does not change
 * with the job's timing. Null: every minute is kept.
 */
export function countedWindow(window: Window, minutesKeptFrom: Date | null): Window {
  if (!minutesKeptFrom || window.from >= window.to) return window;
  // Month starts are hour boundaries, so an edge's minutes lie in one month: the month of its hour.
  const from = floorHour(window.from) < minutesKeptFrom ? ceilHour(window.from) : window.from;
  const to = floorHour(window.to) < minutesKeptFrom ? floorHour(window.to) : window.to;
  return from < to ? { from, to } : { from, to: from };
}

/**
 * Splits a window into the fewest rollup pieces: whole Asia/Shanghai days inside it from DAY rows,
 * the remaining whole hours from HOUR rows, the ragged minutes from MINUTE rows. At most seven
 * pieces (minutes, hours, days, hours, minutes), so a query reads O(days + 2·23 hours + 2·59
 * minutes) buckets per dimension combination, however long the window.
 *
 * `coarsest` caps the granularity used: a series by HOUR must not read a DAY row, which would
 * smear a day's figures over one point.
 */
export function decomposeWindow(from: Date, to: Date, coarsest: Granularity = 'DAY'): RollupPiece[] {
  const window = resolveWindow(from, to);
  return split(window.from, window.to, coarsest);
}

function split(from: Date, to: Date, coarsest: Granularity): RollupPiece[] {
  if (from >= to) return [];
  if (coarsest === 'MINUTE') return [{ granularity: 'MINUTE', from, to }];
  const finer: Granularity = coarsest === 'DAY' ? 'HOUR' : 'MINUTE';
  const start = coarsest === 'DAY' ? ceilShanghaiDay(from) : ceilHour(from);
  const end = coarsest === 'DAY' ? floorShanghaiDay(to) : floorHour(to);
  if (start >= end) return split(from, to, finer);
  return [...split(from, start, finer), { granularity: coarsest, from: start, to: end }, ...split(end, to, finer)];
}

/**
 * The sub-windows of a series: the window cut at every interval boundary (days in Asia/Shanghai).
 * Only the first and last can be partial; each starts at its boundary or at the window's start.
 */
export function splitAtBoundaries(window: Window, interval: Granularity): Window[] {
  const parts: Window[] = [];
  for (let from = window.from; from < window.to; ) {
    const next = nextBoundary(interval, from);
    const to = next < window.to ? next : window.to;
    parts.push({ from, to });
    from = to;
  }
  return parts;
}

/** How many sub-windows splitAtBoundaries would return, without building them. */
export function countBoundaries(window: Window, interval: Granularity): number {
  if (window.from >= window.to) return 0;
  const last = new Date(window.to.getTime() - 1);
  const unit = interval === 'MINUTE' ? MINUTE_MS : interval === 'HOUR' ? HOUR_MS : 24 * HOUR_MS;
  return Math.round((floorTo(interval, last).getTime() - floorTo(interval, window.from).getTime()) / unit) + 1;
}

/** The columns every rollup table shares. */
export interface RollupColumns {
  granularity: Column;
  bucket: Column;
}

/** SQL selecting exactly the rollup rows of the pieces; `false` for an empty window. */
export function piecesCondition(table: RollupColumns, pieces: readonly RollupPiece[]): SQL {
  if (pieces.length === 0) return sql`false`;
  return or(
    ...pieces.map((piece) =>
      and(eq(table.granularity, piece.granularity), gte(table.bucket, piece.from), lt(table.bucket, piece.to)),
    ),
  )!;
}
