import type { ColumnBaseConfig } from 'drizzle-orm';
import { PgTimestamp, PgTimestampBuilder, type AnyPgTable, type PgTimestampBuilderInitial } from 'drizzle-orm/pg-core';
import { DAY_MS } from '../lib/time.js';

/**
 * PostgreSQL's text of a timestamptz: `0001-01-01 08:05:43+08:05:43` (DateStyle ISO; the offset is the
 * session time zone's, to the second before standard time), `…T…+00:00` inside to_json, ` BC` after
 * year 1 BC, five digits after year 9999.
 */
const POSTGRES_INSTANT = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

/** 400 Gregorian years are exactly 146,097 days: moving a date by them keeps its month, day and weekday. */
const FOUR_CENTURIES_MS = 146_097 * DAY_MS;

/** The farthest instants a Date holds, for PostgreSQL's `infinity` and `-infinity`. */
const LAST_DATE_MS = 8.64e15;

/**
 * An instant from PostgreSQL's text form, read field by field. `new Date(text)` — what drizzle's
 * timestamp column does — leaves a text that is not ISO 8601 (a space before the time) to V8's legacy
 * parser, which reads the years 0001–0099 as 1950–2049 (so does Date.UTC, hence the 400-year shift).
 * A Date (a driver that parsed already) is kept; `infinity` is the last instant a Date holds rather
 * than an Invalid Date that would fail every comparison; a shape not listed above is left to `new Date`.
 */
export function instantFromPostgres(value: string | Date): Date {
  if (typeof value !== 'string') return value;
  // The shape nearly every value has, `2026-11-11 02:00:00.123+00` (or `+08`): the same text in ISO 8601,
  // which V8 reads literally and as fast as drizzle's `new Date(text)` (ingestion reads these in bulk).
  const n = value.length;
  const sign = value.charCodeAt(n - 3);
  if (value.charCodeAt(4) === HYPHEN && value.charCodeAt(10) === SPACE && (sign === PLUS || sign === HYPHEN)) {
    return new Date(`${value.slice(0, 10)}T${value.slice(11)}:00`);
  }
  return instantFromAnyPostgresText(value);
}

const HYPHEN = 45;
const SPACE = 32;
const PLUS = 43;

function instantFromAnyPostgresText(value: string): Date {
  const m = POSTGRES_INSTANT.exec(value);
  if (!m) {
    if (value === 'infinity') return new Date(LAST_DATE_MS);
    if (value === '-infinity') return new Date(-LAST_DATE_MS);
    return new Date(value);
  }
  const written = Number(m[1]);
  // PostgreSQL has no year 0: 1 BC is year 0 of the proleptic Gregorian calendar Date counts in.
  const year = m[12] ? 1 - written : written;
  const shifted = year >= 0 && year < 100;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const utc = Date.UTC(shifted ? year + 400 : year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms) - (shifted ? FOUR_CENTURIES_MS : 0);
  const offsetSeconds = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) : 0;
  return new Date(utc - offsetSeconds * 1000);
}

/** drizzle's timestamp column, read with instantFromPostgres; everything else (SQL type, defaults, writes) is drizzle's. */
class PgInstant extends PgTimestamp<ColumnBaseConfig<'date', 'PgTimestamp'>> {
  override mapFromDriverValue(value: Date | string): Date {
    return instantFromPostgres(value);
  }
}

class PgInstantBuilder extends PgTimestampBuilder<PgTimestampBuilderInitial<''>['_']> {
  /** drizzle builds a table's columns through this (internal in its typings). */
  build(table: AnyPgTable): PgInstant {
    return new PgInstant(table, this.config as never);
  }
}

/** A `timestamp(3) with time zone` column whose values round-trip the years 0001–9999 exactly. */
export function instantColumn(): PgTimestampBuilderInitial<''> {
  return new PgInstantBuilder('', true, 3) as PgTimestampBuilderInitial<''>;
}
