import { sql, type SQL } from 'drizzle-orm';
import { jsonRecords } from '../../db/rows.js';

/** What one ingest batch adds to a customer: its payments (a customer whose points may change comes with zeros). */
export interface CustomerPurchases {
  shopId: string;
  externalId: string;
  paidOrders: number;
  spendFen: number;
  firstOrderAt: Date | null;
  /** The campaign of the order paid at firstOrderAt (null: none, or no payment in the batch). */
  firstOrderCampaignId: string | null;
  lastOrderAt: Date | null;
}

/** A customer the batch touches without a payment (its points may change, or its order learnt who bought). */
export function noPurchases(shopId: string, externalId: string): CustomerPurchases {
  return { shopId, externalId, paidOrders: 0, spendFen: 0, firstOrderAt: null, firstOrderCampaignId: null, lastOrderAt: null };
}

export const customerKey = (shopId: string, externalId: string) => `${shopId}|${externalId}`;

/**
 * The statement that creates the batch's new customers and adds its payments to the known ones, for
 * the whole batch (null when it has none). Rows are written in (shop, external id) order, the order
 * points expiry locks them in too (points.ledger.ts), so concurrent batches cannot deadlock. Spend, paid
 * orders and first/last order dates (with the first order's campaign) accumulate; points follow from the ledger (orderPoints). Runs
 * inside the ingest transaction, which keeps the rows locked; the batch's orders find their customer by
 * external id afterwards (order.ingest.ts orderWrites).
 */
export function customerPurchases(purchases: CustomerPurchases[]): SQL | null {
  if (purchases.length === 0) return null;
  const records = [...purchases]
    .sort((a, b) => (customerKey(a.shopId, a.externalId) < customerKey(b.shopId, b.externalId) ? -1 : 1))
    .map((d) => ({ shop: d.shopId, ext: d.externalId, n: d.paidOrders, spend: d.spendFen, first: d.firstOrderAt?.toISOString() ?? null, campaign: d.firstOrderCampaignId, last: d.lastOrderAt?.toISOString() ?? null }));
  return sql`
    insert into customers (shop_id, external_id, paid_orders, spend_fen, first_order_at, first_order_campaign_id, last_order_at)
    select shop, ext, n, spend, first, campaign, last
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(shop uuid, ext text, n int, spend bigint, first timestamptz, campaign uuid, last timestamptz)
    on conflict (shop_id, external_id) do update set
      paid_orders = customers.paid_orders + excluded.paid_orders,
      spend_fen = customers.spend_fen + excluded.spend_fen,
      -- An earlier payment arriving late moves the first order, and its campaign with it; a tie keeps the one known.
      first_order_campaign_id = case when excluded.first_order_at < customers.first_order_at or customers.first_order_at is null
        then excluded.first_order_campaign_id else customers.first_order_campaign_id end,
      first_order_at = least(customers.first_order_at, excluded.first_order_at),
      last_order_at = greatest(customers.last_order_at, excluded.last_order_at),
      updated_at = now()`;
}
