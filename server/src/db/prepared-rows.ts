import type { Query } from 'drizzle-orm';
import type { DbOrTx } from './client.js';

export interface PreparedRows<Row> {
  execute(values: Record<string, unknown>): Promise<Row[]>;
}

/**
 * A statement drizzle builds once and prepares (postgres.js names it per connection: after the first
 * run, one round trip and no parse or plan), its rows read in array mode and mapped by `mapRow` from their
 * values in select order (json-row.ts's rowFromValues for whole table rows). drizzle's own mapper walks
 * each column's path through iterators and type checks, allocating per column per row: on the orders page
 * that was a fifth of the server's allocations and ~8 % of its CPU (issue 12, docs/BENCHMARKS.md).
 */
export function prepareRows<Row>(db: DbOrTx, name: string, query: { toSQL(): Query }, mapRow: (values: unknown[]) => Row): PreparedRows<Row> {
  const prepared = db._.session.prepareQuery(query.toSQL(), undefined, name, true, (rows: unknown[][]) => rows.map(mapRow));
  return { execute: (values) => prepared.execute(values) as Promise<Row[]> };
}
