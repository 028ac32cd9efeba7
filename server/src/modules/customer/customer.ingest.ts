import { sql, type SQL } from 'drizzle-orm';
import { jsonRecords } from '../../db/rows.js';

/** What one ingest batch adds to a customer: its payments (a customer whose points may change comes with zeros). */
export interface CustomerPurchases {
  shopId: string;
  externalId: string;
  paidOrders: number;
  spendFen: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export const customerKey = (shopId: string, externalId: string) => `${shopId}|${externalId}`;

/**
 * The statement that creates the batch's new customers and adds its payments to the known ones, for
 * the whole batch (null when it has none). Rows are written in (shop, external id) order, the order
 * points expiry locks them in too (points.ledger.ts), so concurrent batches cannot deadlock. Spend, paid
 * orders and first/last order dates accumulate; points follow from the ledger (orderPoints). Runs
 * inside the ingest transaction, which keeps the rows locked; the batch's orders find their customer by
 * external id afterwards (order.ingest.ts orderWrites).
 */
export function customerPurchases(purchases: CustomerPurchases[]): SQL | null {
  if (purchases.length === 0) return null;
  const records = [...purchases]
    .sort((a, b) => (customerKey(a.shopId, a.externalId) < customerKey(b.shopId, b.externalId) ? -1 : 1))
    .map((d) => ({ shop: d.shopId, ext: d.externalId, n: d.paidOrders, spend: d.spendFen, first: d.firstOrderAt?.toISOString() ?? null, last: d.lastOrderAt?.toISOString() ?? null }));
  return sql`
    insert into customers (shop_id, external_id, paid_orders, spend_fen, first_order_at, last_order_at)
    select shop, ext, n, spend, first, last
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(shop uuid, ext text, n int, spend bigint, first timestamptz, last timestamptz)
    on conflict (shop_id, external_id) do update set
      paid_orders = customers.paid_orders + excluded.paid_orders,
      spend_fen = customers.spend_fen + excluded.spend_fen,
      first_order_at = least(customers.first_order_at, excluded.first_order_at),
      last_order_at = greatest(customers.last_order_at, excluded.last_order_at),
      updated_at = now()`;
}
