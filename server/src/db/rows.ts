import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

/**
 * Runs raw SQL and returns its rows. postgres-js resolves to an array of rows, PGlite to
 * `{ rows }`; bulk statements (jsonb_to_recordset) need raw SQL on both.
 */
export async function rows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return resultRows<T>(await db.execute(query));
}

/** The rows of a raw statement's result: an array from postgres-js, `{ rows }` from PGlite. */
function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Bulk values travel as ONE jsonb parameter expanded with jsonb_to_recordset: the statement text
 * and its plan stay the same whatever the batch size, instead of 5,000 rows × N bind parameters.
 */
export function jsonRecords(records: readonly object[]): string {
  return JSON.stringify(records);
}

/** drizzle keeps the session's dialect internal; it is what db.execute renders raw SQL with. */
function dialectOf(db: DbOrTx): PgDialect {
  return (db._.session as unknown as { dialect: PgDialect }).dialect;
}

/**
 * rows() through a statement the driver prepares by name (postgres.js keeps one per connection, keyed
 * by its text), for the bulk statements a batch runs every time: one round trip where an unnamed
 * statement with parameters takes two (postgres.js describes it first), no parse, and PostgreSQL may
 * keep a generic plan instead of planning each batch. Only for statements whose text is the same for
 * every call — bulk values as arrays or one jsonb parameter, never a parameter per value — or every
 * variant would stay prepared on every connection.
 */
export async function preparedRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const { session } = db._;
  return resultRows<T>(await session.prepareQuery(dialectOf(db).sqlToQuery(query), undefined, 'bulk', false).execute());
}

/**
 * The rendered text and parameters of a fragment, as a string that is equal for equal fragments: a key
 * for what a statement built around it would read.
 */
export function statementKey(db: DbOrTx, fragment: SQL | undefined): string {
  if (!fragment) return '';
  const { sql, params } = dialectOf(db).sqlToQuery(fragment);
  return `${sql}\u0000${JSON.stringify(params)}`;
}

/** preparedRows for a statement whose rows are not read. */
export async function executePrepared(db: DbOrTx, query: SQL): Promise<void> {
  await preparedRows(db, query);
}

/**
 * Sends statements (each as preparedRows would) without waiting for each answer: one round trip for all,
 * where awaiting each would take one apiece. A connection runs its statements in the order they were
 * sent, on postgres.js and on PGlite, so a statement still reads what an earlier one of the list wrote.
 * Answers come back aligned with `statements`; an absent statement (null) answers [] and is not sent.
 */
export function pipelined(db: DbOrTx, statements: readonly (SQL | null)[]): Promise<unknown[][]> {
  return Promise.all(statements.map((statement) => (statement ? preparedRows<unknown>(db, statement) : Promise.resolve([]))));
}
