import { and, count, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import type { ScopeConditions } from '../metrics/metrics.service.js';
import type { Window } from '../metrics/metrics.window.js';
import { orders } from '../order/order.table.js';
import { customers } from './customer.table.js';

/**
 * New vs returning buyers and repurchase over a window (DOMAIN.md: repurchase rate = customers with ≥ 2
 * paid orders in the period / customers with ≥ 1). Exact counts, not sketches. A paid order counts
 * whatever happened to it later: a fully refunded order was still a purchase (GMV does not deduct
 * refunds either), and `customers.first_order_at` keeps its payment.
 */
export interface BuyerMix {
  /** Distinct customers with a paid order of the scope in the window. */
  buyers: number;
  newBuyers: number;
  returningBuyers: number;
  /** newBuyers / buyers; null without buyers. */
  newBuyerShare: number | null;
  /** Customers with ≥ 2 paid orders of the scope in the window. */
  repurchasers: number;
  /** repurchasers / buyers; null without buyers. */
  repurchaseRate: number | null;
}

/** Paid orders of the scope whose payment falls in the window: read through orders(shop_id, paid_at, customer_id) WHERE paid_at IS NOT NULL. */
export function paidInWindow(scope: Pick<ScopeConditions, 'orders'>, window: Window): SQL {
  return and(isNotNull(orders.paidAt), gte(orders.paidAt, window.from), lt(orders.paidAt, window.to), scope.orders) ?? sql`true`;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * One statement over the window's paid orders, grouped by customer and joined to customers for the
 * first payment ever. New buyers come from customers(shop_id, first_order_at) when the scope is only
 * shops and channels; a scope with sources or a campaign counts, among its own buyers, those whose
 * first payment ever (through any source or campaign) falls in the window.
 */
export async function loadBuyerMix(db: DbOrTx, scope: ScopeConditions, window: Window): Promise<BuyerMix> {
  const from = window.from.toISOString();
  const [mix, fromCustomers] = await Promise.all([
    rows<{ buyers: string | number; repurchasers: string | number; returning: string | number; first_time: string | number }>(
      db,
      sql`with bought as (
            select ${orders.customerId} as customer_id, count(*) as paid
            from ${orders} where ${paidInWindow(scope, window)} and ${orders.customerId} is not null
            group by ${orders.customerId})
          select count(*) as buyers, count(*) filter (where bought.paid >= 2) as repurchasers,
            count(*) filter (where ${customers.firstOrderAt} < ${from}::timestamptz) as returning,
            count(*) filter (where ${customers.firstOrderAt} >= ${from}::timestamptz) as first_time
          from bought join ${customers} on ${customers.id} = bought.customer_id`,
    ),
    scope.customers
      ? db
          .select({ n: count() })
          .from(customers)
          .where(and(gte(customers.firstOrderAt, window.from), lt(customers.firstOrderAt, window.to), scope.customers.where))
      : null,
  ]);
  const row = mix[0];
  const buyers = Number(row?.buyers ?? 0);
  const newBuyers = fromCustomers ? (fromCustomers[0]?.n ?? 0) : Number(row?.first_time ?? 0);
  const repurchasers = Number(row?.repurchasers ?? 0);
  return {
    buyers,
    newBuyers,
    returningBuyers: Number(row?.returning ?? 0),
    newBuyerShare: ratio(newBuyers, buyers),
    repurchasers,
    repurchaseRate: ratio(repurchasers, buyers),
  };
}
