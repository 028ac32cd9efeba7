import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.js';

/**
 * Connections that run a prepared statement on its generic plan from the first execution
 * (`plan_cache_mode = force_generic_plan`), for the hot prepared statements whose best plan does not
 * depend on their parameters: rows by id (`id = any($ids)`, visible-by-id.ts) and the keyset first
 * page of orders. On an ordinary connection PostgreSQL plans those again on every execution: with
 * `limit $n` or `shop_id = any($shops)` as parameters the generic plan is costed for a tenth of the
 * table, so the custom plan always looks cheaper although it is the same backward index scan —
 * 0.13–0.35 ms of planning per orders page against 0.4 ms of execution (docs/BENCHMARKS.md, bench:peer).
 * The mode is per session in PostgreSQL, never per statement, and every other statement keeps its
 * custom plans (a metrics window's partition pruning, a range's selectivity), hence a pool of its own.
 */
export const GENERIC_PLAN_SESSION = {
  plan_cache_mode: 'force_generic_plan',
  // A generic plan is costed for a tenth of the table (`limit $n`): 76,540 for 50,000 orders, so past ~65,000 the first page's
  // cost passes jit_above_cost, and JIT would compile the cached plan again at every execution
  // (~18 ms each, measured with EXPLAIN ANALYZE). Index lookups of a few rows never gain from JIT.
  jit: 'off',
} as const;

/**
 * The same mode for one transaction on an ordinary connection (set_config's `true`: SET LOCAL, undone at
 * its end), for a transaction of bulk statements whose text is the same every time and whose values
 * travel as one array or jsonb parameter — ingestion's. Their plans cannot depend on the values, yet
 * PostgreSQL planned each again at every bind: 5.6 ms of a 1,000-event batch's ~30 ms, 2.2 ms with
 * generic plans (docs/BENCHMARKS.md, Ingest round 14). The settings are GENERIC_PLAN_SESSION's.
 */
export const GENERIC_PLANS_IN_TRANSACTION = sql`select ${sql.join(
  Object.entries(GENERIC_PLAN_SESSION).map(([name, value]) => sql`set_config(${name}, ${value}, true)`),
  sql`, `,
)}`;

/** The generic-plan pool's size beside an ordinary pool of `max`: half of it, at least 2. */
export function genericPoolSize(max: number): number {
  return Math.max(2, Math.ceil(max / 2));
}

const pairs = new WeakMap<DbOrTx, Db>();

export function pairGenericPlanDb(db: Db, generic: Db): void {
  pairs.set(db, generic);
}

/**
 * The generic-plan handle paired with `db`, or `db` itself: a transaction must keep its own connection,
 * and PGlite (one session in this process) has no pool to pair.
 */
export function genericPlanDb(db: DbOrTx): DbOrTx {
  return pairs.get(db) ?? db;
}
