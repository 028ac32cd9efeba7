import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { executePrepared, jsonRecords } from '../../db/rows.js';

/**
 * Takes the units an ingest batch sold (units by SKU id) off stock, in one statement for the whole
 * batch, inside the ingest transaction.
 * Stock may go below zero: that is an oversell the war room must see, not something to hide.
 */
export async function applyStockSales(tx: Tx, unitsBySku: ReadonlyMap<string, number>): Promise<void> {
  if (unitsBySku.size === 0) return;
  const records = [...unitsBySku.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, sold]) => ({ sku, sold }));
  // One statement, locks first in key order: an UPDATE … FROM join may visit rows in any order, and
  // concurrent batches selling the same SKUs must not deadlock, so the materialised CTE takes the row
  // locks in SKU id order before (or, in a nested loop over it, as) the update reaches each row. NO KEY
  // UPDATE is what the stock update needs and, unlike FOR UPDATE, does not wait for the key-share
  // locks other batches' order_items hold.
  await executePrepared(tx, sql`
    with locked as materialized (
      select s.id, r.sold from skus s join jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(sku uuid, sold int) on s.id = r.sku
      order by s.id for no key update of s)
    update skus s set stock = s.stock - l.sold, updated_at = now() from locked l where s.id = l.id`);
}
