import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { jsonRecords, preparedRows } from '../../db/rows.js';

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
 * Creates the batch's new customers and adds its payments to the known ones, in ONE statement over the
 * whole batch. Rows are written in (shop, external id) order, the order points expiry locks them in too
 * (points.ledger.ts), so concurrent batches cannot deadlock. Spend, paid orders and first/last order
 * dates accumulate; points follow from the ledger (applyOrderPoints). Returns the customer ids by
 * customerKey(shop, external id). Runs inside the ingest transaction, which keeps the rows locked.
 */
export async function applyCustomerPurchases(tx: Tx, purchases: CustomerPurchases[]): Promise<Map<string, string>> {
  if (purchases.length === 0) return new Map();
  const records = [...purchases]
    .sort((a, b) => (customerKey(a.shopId, a.externalId) < customerKey(b.shopId, b.externalId) ? -1 : 1))
    .map((d) => ({ shop: d.shopId, ext: d.externalId, n: d.paidOrders, spend: d.spendFen, first: d.firstOrderAt?.toISOString() ?? null, last: d.lastOrderAt?.toISOString() ?? null }));
  const upserted = await preparedRows<{ id: string; shop_id: string; external_id: string }>(
    tx,
    sql`
    insert into customers (shop_id, external_id, paid_orders, spend_fen, first_order_at, last_order_at)
    select shop, ext, n, spend, first, last
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(shop uuid, ext text, n int, spend bigint, first timestamptz, last timestamptz)
    on conflict (shop_id, external_id) do update set
      paid_orders = customers.paid_orders + excluded.paid_orders,
      spend_fen = customers.spend_fen + excluded.spend_fen,
      first_order_at = least(customers.first_order_at, excluded.first_order_at),
      last_order_at = greatest(customers.last_order_at, excluded.last_order_at),
      updated_at = now()
    returning id, shop_id, external_id`,
  );
  return new Map(upserted.map((c) => [customerKey(c.shop_id, c.external_id), c.id]));
}
