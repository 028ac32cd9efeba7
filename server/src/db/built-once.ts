import type { DbOrTx } from './client.js';

/**
 * A statement drizzle builds once per database handle and key, then runs with values: building a select
 * and rendering its SQL costs more of our CPU per request than reading a few rows (docs/BENCHMARKS.md).
 * The key must name everything the statement's text depends on; values travel as placeholders.
 */
const built = new WeakMap<DbOrTx, Map<string, unknown>>();

export function builtOnce<S>(db: DbOrTx, key: string, build: () => S): S {
  let byKey = built.get(db);
  if (!byKey) built.set(db, (byKey = new Map()));
  let statement = byKey.get(key) as S | undefined;
  if (statement === undefined) byKey.set(key, (statement = build()));
  return statement;
}
