import { getTableName, sql, type Column, type InferSelectModel } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { shopVisiblePlaceholder, visibleShopIds, type Viewer } from '../auth/viewer.js';
import type { DbOrTx } from './client.js';
import { genericPlanDb } from './generic-plans.js';
import { rowFromValues } from './json-row.js';
import { builtOnce } from './built-once.js';
import { prepareRows } from './prepared-rows.js';

/** A table whose rows each belong to one shop, addressed by a uuid id. */
type ShopOwnedTable = PgTable & { id: Column; shopId: Column };

/**
 * Rows of a shop-owned table by id, only those of shops the viewer sees — what
 * `and(inArray(table.id, ids), shopVisible(viewer, table.shopId))` reads — through a statement drizzle
 * builds and prepares once per database handle, table and kind of viewer (every shop / some), run with
 * the ids and the viewer's shops as two uuid[] parameters, its rows mapped by rowFromValues (prepared-rows.ts).
 * Built per call with one parameter per id, the SKU loader's statement was ~10 % of the server's CPU on
 * the orders page (drizzle typing each parameter), and postgres.js sent an unprepared statement with
 * parameters in two round trips (describe, then bind).
 */
export function visibleRowsById<T extends ShopOwnedTable>(anyDb: DbOrTx, table: T, viewer: Viewer, ids: readonly string[]): Promise<InferSelectModel<T>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const db = genericPlanDb(anyDb);
  const visible = shopVisiblePlaceholder(viewer, table.shopId);
  const name = `${getTableName(table)}_by_id_${visible ? 'shops' : 'all'}`;
  const statement = builtOnce(db, name, () => {
    const byId = sql`${table.id} = any(${sql.placeholder('ids')}::uuid[])`;
    const query = db
      .select()
      .from(table as PgTable)
      .where(visible ? sql`${byId} and ${visible}` : byId);
    return prepareRows(db, name, query, (values) => rowFromValues(table, values));
  });
  return statement.execute({ ids: [...ids], shops: visibleShopIds(viewer) }) as Promise<InferSelectModel<T>[]>;
}
