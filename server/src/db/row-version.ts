import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * The `updatedAt` a write stamps on a row whose `updatedAt` doubles as its version: the value an editor
 * loaded and sends back as `expectedUpdatedAt`, compared with `=` in the write's WHERE. Now, but never
 * less than 1 ms after the previous stamp: two writes within one millisecond (a coarse or frozen clock,
 * two instances whose clocks disagree) would otherwise leave the version as it was, and an editor who
 * loaded it before the first write would pass the check of the second and overwrite it unseen.
 *
 * The column must be `instant()` (timestamptz(3)): the stored value then has exactly JavaScript's
 * millisecond precision, so what the API returns compares equal when it is sent back.
 */
export function nextUpdatedAt(column: PgColumn, now: Date): SQL {
  return sql`greatest(${now.toISOString()}::timestamptz, ${column} + interval '1 millisecond')`;
}
