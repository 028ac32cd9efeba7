import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

/**
 * Runs raw SQL and returns its rows. postgres-js resolves to an array of rows, PGlite to
 * `{ rows }`; bulk statements (jsonb_to_recordset) need raw SQL on both.
 */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Bulk values travel as ONE jsonb parameter expanded with jsonb_to_recordset: the statement text
 * and its plan stay the same whatever the batch size, instead of 5,000 rows × N bind parameters.
 */
export function jsonRecords(records: readonly object[]): string {
  return JSON.stringify(records);
}
