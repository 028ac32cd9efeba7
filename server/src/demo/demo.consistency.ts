import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { rows } from '../db/rows.js';

/**
 * The figures that must agree because the demo's orders came through ingestion: what a user lists
 * (orders, customers) and what the metrics read (rollups). Tests of the loader and of `npm start`
 * check them on a loaded database.
 */
export interface DemoConsistency {
  /** GMV of every paid order, in fen. */
  paidOrdersGmvFen: number;
  /** GMV summed over the DAY rollup rows, in fen. */
  rollupGmvFen: number;
  paidOrders: number;
  rollupOrdersPaid: number;
  /** Customers whose spend is not the sum of their paid orders. */
  spendMismatches: number;
  /** Orders with no event in the raw log: they did not come through ingestion. */
  ordersWithoutEvents: number;
  /** Customers whose points balance is not the sum of their points ledger. */
  pointsMismatches: number;
  /** Orders with refunds but no payment. */
  unpaidButRefunded: number;
  /** Orders with a shipment / a delivery, and the same counted over the DAY rollup rows. */
  shippedOrders: number;
  rollupOrdersShipped: number;
  deliveredOrders: number;
  rollupOrdersDelivered: number;
}

export async function demoConsistency(db: DbOrTx): Promise<DemoConsistency> {
  const [figures] = await rows<Record<string, string | number>>(
    db,
    sql`select
      (select coalesce(sum(amount_fen), 0) from orders where paid_at is not null) as paid_gmv,
      (select count(*) from orders where paid_at is not null) as paid_orders,
      (select coalesce(sum(gmv_fen), 0) from metric_rollups where granularity = 'DAY') as rollup_gmv,
      (select coalesce(sum(orders_paid), 0) from metric_rollups where granularity = 'DAY') as rollup_orders,
      (select count(*) from customers c where c.spend_fen <> coalesce(
        (select sum(o.amount_fen) from orders o where o.customer_id = c.id and o.paid_at is not null), 0)) as spend_mismatches,
      (select count(*) from customers c where c.points <> coalesce(
        (select sum(l.points) from points_ledger l where l.customer_id = c.id), 0)) as points_mismatches,
      (select count(*) from orders o where not exists (
        select 1 from events e where e.shop_id = o.shop_id and e.payload->>'orderId' = o.external_id)) as without_events,
      (select count(*) from orders where paid_at is null and refunded_fen > 0) as unpaid_refunded,
      (select count(*) from orders where shipped_at is not null) as shipped,
      (select coalesce(sum(orders_shipped), 0) from metric_rollups where granularity = 'DAY') as rollup_shipped,
      (select count(*) from orders where delivered_at is not null) as delivered,
      (select coalesce(sum(orders_delivered), 0) from metric_rollups where granularity = 'DAY') as rollup_delivered`,
  );
  const n = (key: string) => Number(figures?.[key] ?? 0);
  return {
    paidOrdersGmvFen: n('paid_gmv'),
    rollupGmvFen: n('rollup_gmv'),
    paidOrders: n('paid_orders'),
    rollupOrdersPaid: n('rollup_orders'),
    spendMismatches: n('spend_mismatches'),
    ordersWithoutEvents: n('without_events'),
    pointsMismatches: n('points_mismatches'),
    unpaidButRefunded: n('unpaid_refunded'),
    shippedOrders: n('shipped'),
    rollupOrdersShipped: n('rollup_shipped'),
    deliveredOrders: n('delivered'),
    rollupOrdersDelivered: n('rollup_delivered'),
  };
}
