import { sql, type SQL } from 'drizzle-orm';
import { jsonRecords } from '../../db/rows.js';

/**
 * The statement that takes the units an ingest batch sold (units by SKU id) off stock, for the whole
 * batch (null when it sold none), inside the ingest transaction.
 * Stock may go below zero: that is an oversell the war room must see, not something to hide.
 */
export function stockSales(unitsBySku: ReadonlyMap<string, number>): SQL | null {
  if (unitsBySku.size === 0) return null;
  const records = [...unitsBySku.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, sold]) => ({ sku, sold }));
  // One statement, locks first in key order: an UPDATE … FROM join may visit rows in any order, and
  // concurrent batches selling the same SKUs must not deadlock, so the materialised CTE takes the row
  // locks in SKU id order before (or, in a nested loop over it, as) the update reaches each row. NO KEY
  // UPDATE is what the stock update needs and, unlike FOR UPDATE, does not wait for the key-share
  // locks other batches' order_items hold.
  return sql`
    with locked as materialized (
      select s.id, r.sold from skus s join jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(sku uuid, sold int) on s.id = r.sku
      order by s.id for no key update of s)
    update skus s set stock = s.stock - l.sold, updated_at = now() from locked l where s.id = l.id`;
}
