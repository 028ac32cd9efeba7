import { and, asc, count, desc, eq, gte, inArray, lt, min, sql, type SQL } from 'drizzle-orm';
import { shopVisible, shopVisiblePlaceholder, visibleShopIds, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { genericPlanDb } from '../../db/generic-plans.js';
import { builtOnce } from '../../db/built-once.js';
import { columnCount, rowFromJson, rowFromValues } from '../../db/json-row.js';
import { prepareRows, type PreparedRows } from '../../db/prepared-rows.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { visibleRowsById } from '../../db/visible-by-id.js';
import { DomainError } from '../../errors.js';
import { groupByKeys } from '../../lib/group.js';
import { orderItems, orders, refunds, type OrderItemRow, type OrderRow, type OrderStatus, type RefundRow } from './order.table.js';

export interface OrderFilter {
  shopIds?: readonly string[] | null;
  statuses?: readonly OrderStatus[] | null;
  channels?: readonly Channel[] | null;
  sources?: readonly TrafficSource[] | null;
  campaignId?: string | null;
  customerId?: string | null;
  /** Placed at or after this instant. */
  from?: Date | null;
  /** Placed strictly before this instant: [from, to) windows tile without overlap. */
  to?: Date | null;
}

export function loadOrders(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<OrderRow[]> {
  return visibleRowsById(db, orders, viewer, ids);
}

const prefetched = new WeakMap<OrderRow, OrderItemRow[]>();

/** The items listOrders read with this order row (`include.items`), or undefined when it did not. */
export function prefetchedItems(order: OrderRow): OrderItemRow[] | undefined {
  return prefetched.get(order);
}

/**
 * Each order's items (by id, as itemsOfOrders) as one JSON array column of the order's own row: a page
 * of orders with their items is one statement instead of two. Their SKUs are left to the SKU loader (one
 * statement for the page): read per item here, PostgreSQL scanned the SKUs once per order (measured:
 * items in the order's row 0.36 ms per page, with each item's SKU row 1.3–2.2 ms, the loader's
 * statement well under that).
 */
const ITEMS = sql<JsonItems>`coalesce((select json_agg(to_json(i) order by i.id) from order_items i where i.order_id = "orders"."id"), '[]'::json)`;

/**
 * Newest first. Keyset on (placedAt, id) so paging deep into millions of orders stays cheap. `include`
 * reads the page's items in the same statement; prefetchedItems(row) hands them out.
 */
export function listOrders(db: DbOrTx, viewer: Viewer, filter: OrderFilter, args: ConnectionArgs, include: { items?: boolean } = {}) {
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new DomainError('INVALID_WINDOW', { en: '"from" must be before "to"', zh: '"from" 必须早于 "to"' }, ['filter', 'to']);
  }
  const conditions: (SQL | undefined)[] = [
    shopVisible(viewer, orders.shopId),
    filter.shopIds?.length ? inArray(orders.shopId, [...filter.shopIds]) : undefined,
    filter.statuses?.length ? inArray(orders.status, [...filter.statuses]) : undefined,
    filter.channels?.length ? inArray(orders.channel, [...filter.channels]) : undefined,
    filter.sources?.length ? inArray(orders.source, [...filter.sources]) : undefined,
    filter.campaignId ? eq(orders.campaignId, filter.campaignId) : undefined,
    filter.customerId ? eq(orders.customerId, filter.customerId) : undefined,
    filter.from ? gte(orders.placedAt, filter.from) : undefined,
    filter.to ? lt(orders.placedAt, filter.to) : undefined,
  ];
  const where = and(...conditions);
  return paginate<OrderRow>(
    args,
    { column: orders.placedAt, type: 'timestamptz', direction: 'desc', value: (o) => o.placedAt, idColumn: orders.id, id: (o) => o.id },
    async ({ bounds, orderBy, limit }) => {
      const unfiltered = conditions.slice(1).every((c) => c === undefined);
      if (unfiltered && !args.after && !args.before && args.last == null) return firstPage(db, viewer, { items: include.items ?? false, limit });
      if (!include.items) return db.select().from(orders).where(and(where, bounds)).orderBy(...orderBy).limit(limit);
      return withItems(await db.select({ order: orders, items: ITEMS }).from(orders).where(and(where, bounds)).orderBy(...orderBy).limit(limit));
    },
    async () => (await db.select({ n: count() }).from(orders).where(where))[0]?.n ?? 0,
  );
}

/** Order rows read with their items, which prefetchedItems hands out. */
function withItems(found: { order: OrderRow; items: JsonItems }[]): OrderRow[] {
  return found.map((row) => remember(row.order, row.items));
}

/** The ITEMS column as the driver gives it (postgres.js and PGlite parse json; text when not). */
type JsonItems = Record<string, unknown>[] | string;

function remember(order: OrderRow, items: JsonItems): OrderRow {
  const parsed = typeof items === 'string' ? (JSON.parse(items) as Record<string, unknown>[]) : items;
  prefetched.set(order, parsed.map((item) => rowFromJson(orderItems, item)));
  return order;
}

const ORDER_COLUMNS = columnCount(orders);

/**
 * The first page of every order the caller may see, newest first — what a partner polls — as a
 * statement drizzle builds once per database, kind of viewer and `items`, then runs with the caller's
 * shops and the page size (building it each time cost more of our CPU than reading its rows); its rows
 * are mapped by rowFromValues, the items column after the order's own (db/prepared-rows.ts says why).
 */
function firstPage(anyDb: DbOrTx, viewer: Viewer, { items, limit }: { items: boolean; limit: number }): Promise<OrderRow[]> {
  const db = genericPlanDb(anyDb);
  const name = `orders_first_page_${viewer.shops === 'ALL' ? 'all' : 'shops'}${items ? '_items' : ''}`;
  const statement = builtOnce(db, name, (): PreparedRows<OrderRow> => {
    const visible = shopVisiblePlaceholder(viewer, orders.shopId);
    const order = [desc(orders.placedAt), desc(orders.id)];
    return items
      ? prepareRows(db, name, db.select({ order: orders, items: ITEMS }).from(orders).where(visible).orderBy(...order).limit(sql.placeholder('limit')), (values) =>
          remember(rowFromValues(orders, values), values[ORDER_COLUMNS] as JsonItems),
        )
      : prepareRows(db, name, db.select().from(orders).where(visible).orderBy(...order).limit(sql.placeholder('limit')), (values) => rowFromValues(orders, values));
  });
  return statement.execute({ limit, shops: visibleShopIds(viewer) });
}

/** Items of orders the caller has already been allowed to load (the order is the unit of visibility). */
export async function itemsOfOrders(db: DbOrTx, orderIds: readonly string[]): Promise<OrderItemRow[][]> {
  if (orderIds.length === 0) return [];
  const rows = await db.select().from(orderItems).where(inArray(orderItems.orderId, [...orderIds])).orderBy(asc(orderItems.id));
  return groupByKeys(orderIds, rows, (item) => item.orderId);
}

export async function refundsOfOrders(db: DbOrTx, orderIds: readonly string[]): Promise<RefundRow[][]> {
  if (orderIds.length === 0) return [];
  const rows = await db.select().from(refunds).where(inArray(refunds.orderId, [...orderIds])).orderBy(asc(refunds.refundedAt));
  return groupByKeys(orderIds, rows, (refund) => refund.orderId);
}

/** A shop and the instant before which its paid, unshipped orders are overdue. */
export interface ShopCutoff {
  shopId: string;
  cutoff: Date;
}

export interface UnshippedOverdue {
  shopId: string;
  /** Paid orders of the shop not shipped, paid before the cutoff. */
  count: number;
  oldestPaidAt: Date;
}

/**
 * The latest payment of the shop named by `shopId` within the window, as a scalar subquery for an outer query
 * over shops: PostgreSQL answers `max(paid_at)` for one shop from the end of orders_shop_paid_idx, one index
 * probe per shop however many orders were paid (a grouped max would read the window's every order).
 * `shopId` must name its table (`"shops".id`): drizzle writes a lone table's columns unqualified, and inside
 * this subquery an unqualified `id` would be the order's.
 */
export function lastPaidAtOf(shopId: SQL, window: { from: Date; to: Date }): SQL<Date | null> {
  return sql<Date | null>`(select max(o.paid_at) from ${orders} o where o.shop_id = ${shopId} and o.paid_at > ${window.from.toISOString()}::timestamptz and o.paid_at <= ${window.to.toISOString()}::timestamptz)`.mapWith(
    orders.paidAt,
  );
}

/**
 * Paid orders still waiting for their shipment (status PAID, no shippedAt) whose payment is before
 * `cutoff` — one instant for every shop, or each listed shop's own (unshippedCutoffs in
 * alert/rules/settings-in-force.ts; a shop not listed is not counted) — per shop with any, by shop id.
 * A point-in-time count of the orders as they stand, read through the partial index
 * orders_unshipped_idx: its predicate is written out literally below so the planner can use the
 * index, and the rows read are only the overdue ones, however many orders were paid within the last day. `scope.orders` is a
 * condition on `orders` already narrowed to what the caller may see (metrics' scopeConditions gives
 * one); a shop outside it is neither counted nor named.
 */
export async function countUnshippedOverdue(db: DbOrTx, scope: { orders: SQL | undefined }, cutoff: Date | readonly ShopCutoff[]): Promise<UnshippedOverdue[]> {
  const query = db.select({ shopId: orders.shopId, count: count(), oldestPaidAt: min(orders.paidAt) }).from(orders).$dynamic();
  let paidBefore: SQL;
  if (cutoff instanceof Date) paidBefore = lt(orders.paidAt, cutoff);
  else {
    // Each shop against its own deadline (its UNSHIPPED_OVERDUE hours: the alert's and the fulfilment tile's), in one statement.
    const deadlines = JSON.stringify(cutoff.map((c) => ({ shop_id: c.shopId, cutoff: c.cutoff.toISOString() })));
    query.innerJoin(sql`jsonb_to_recordset(${deadlines}::jsonb) as deadline(shop_id uuid, cutoff timestamptz)`, sql`deadline.shop_id = ${orders.shopId}`);
    paidBefore = sql`${orders.paidAt} < deadline.cutoff`;
  }
  const found = await query
    .where(and(sql`${orders.status} = 'PAID' and ${orders.shippedAt} is null`, paidBefore, scope.orders))
    .groupBy(orders.shopId)
    .orderBy(orders.shopId);
  // min() over a non-empty group of paid orders is never null.
  return found.map((r) => ({ shopId: r.shopId, count: r.count, oldestPaidAt: r.oldestPaidAt! }));
}
