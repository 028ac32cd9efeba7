import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { TrafficSource } from '../../db/enums.js';
import { jsonRecords, pipelined } from '../../db/rows.js';
import type { ItemIssue } from '../../lib/validate.js';
import type { ValidEvent } from '../ingest/ingest.validate.js';
import type { RollupBatch, RollupDims } from '../metrics/rollup.writer.js';
import { applyOrderEvent, orderKey, TYPE_RANK, type Item, type OrderChanges, type OrderState } from './order.apply.js';
import { orderStatus } from './order.shipping.js';
import { instantFromPostgres } from '../../db/instant.js';

/** The order events of one ingest batch, applied in memory onto their locked orders, not yet written. */
export interface OrderBatch {
  /** Order events that change state and must be appended to the raw log. */
  accepted: ValidEvent[];
  /** Order events their order refuses (they contradict it). */
  rejected: { index: number; issues: ItemIssue[] }[];
  orders: OrderState[];
  /** Ids of the orders this batch creates: not in the database yet, inserted by orderWrites. */
  created: Set<string>;
  changes: OrderChanges;
}

/**
 * Materialises orders from their events, whatever order the events arrive in: takes every order key of
 * the batch (a transaction-scoped advisory lock per key, in one order for every batch, so an order that
 * does not exist yet is claimed as well as one that does), locks and reads the existing orders, then
 * applies each order's events in time order (order.apply.ts) onto them or onto a new order made from
 * its earliest event. The events are new: their keys were claimed in the log first (event.log.ts), so a
 * replay never gets here. Nothing is written to orders yet: the customers come first (orders name them),
 * then orderWrites, which inserts the new orders once, as they end up. Must run inside the ingest
 * transaction.
 */
export async function materialiseOrders(tx: Tx, events: ValidEvent[], rollups: RollupBatch): Promise<OrderBatch> {
  const changes: OrderChanges = { customers: new Map(), refunds: [], unitsSold: new Map(), sales: [] };
  const batch: OrderBatch = { accepted: [], rejected: [], orders: [], created: new Set(), changes };
  if (events.length === 0) return batch;
  // One round trip while other batches may be waiting for these orders: the keys' locks, the rows' locks
  // and the items are sent together and run in that order (db/rows.ts pipelined), so the reads come after
  // the wait for another batch's keys and see what it committed.
  const starts = orderStarts(events);
  const keys = jsonRecords([...starts.values()].map(({ first }) => ({ shop: first.shopId, ext: first.orderId })));
  const [, locked, itemRows] = await pipelined(tx, [lockOrderKeys(keys), lockOrders(keys), itemsOf(keys)]);
  const orders = orderStates(locked as LockedOrder[]);
  const existingItems = itemsByOrder(itemRows as ItemRow[]);
  for (const order of orders.values()) order.items = existingItems.get(order.id) ?? null;
  for (const [key, { first, attributed }] of starts) {
    // An order none of whose events names a source cannot be attributed: its events are refused (below)
    // until one does.
    if (orders.has(key) || !attributed) continue;
    const order = newOrder(first, attributed);
    orders.set(key, order);
    batch.created.add(order.id);
  }
  const sorted = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || TYPE_RANK[a.type]! - TYPE_RANK[b.type]! || (a.eventId < b.eventId ? -1 : 1),
  );
  for (const event of sorted) {
    const order = orders.get(orderKey(event.shopId, event.orderId!));
    const issue = order ? applyOrderEvent(order, event, rollups, changes) : unattributed(event);
    if (issue) batch.rejected.push({ index: event.index, issues: [issue] });
    else batch.accepted.push(event);
  }
  batch.orders = [...orders.values()];
  return batch;
}

/** Orders paid or refunded by the batch: their points (EARN / REVERSE) may change. (Such an order accepted an event, so it is written.) */
export function ordersWithPointChanges(batch: OrderBatch): string[] {
  return batch.orders.filter((o) => o.pointsTouched).map((o) => o.id);
}

/** A new order whose events were all refused (they contradicted it, say): never written. Any order that ever accepted an event has one of these moments. */
const untouched = (o: OrderState) => !o.placedEventAt && !o.paidAt && !o.refundedAt && !o.shippedAt && !o.deliveredAt;

/**
 * What a new order starts from, per order key of the batch: its earliest event (by time, then by type rank),
 * whose instant it is placed at, and its earliest event that names a source, whose source, channel and
 * campaign it takes (events without one take their order's); null when none does.
 */
interface OrderStart {
  first: ValidEvent;
  attributed: AttributedEvent | null;
}

function orderStarts(events: ValidEvent[]): Map<string, OrderStart> {
  const starts = new Map<string, OrderStart>();
  for (const e of events) {
    const key = orderKey(e.shopId, e.orderId!);
    const start = starts.get(key);
    if (!start) starts.set(key, { first: e, attributed: hasSource(e) ? e : null });
    else {
      if (isEarlier(e, start.first)) start.first = e;
      if (hasSource(e) && (!start.attributed || isEarlier(e, start.attributed))) start.attributed = e;
    }
  }
  return starts;
}

/** Whether `a` comes before `b` in an order's life: by time, then by type rank (placed before paid at one instant). */
const isEarlier = (a: ValidEvent, b: ValidEvent) =>
  a.occurredAt < b.occurredAt || (a.occurredAt.getTime() === b.occurredAt.getTime() && TYPE_RANK[a.type]! < TYPE_RANK[b.type]!);

type AttributedEvent = ValidEvent & { source: TrafficSource };
const hasSource = (e: ValidEvent): e is AttributedEvent => e.source !== null;

/** An event without a source for an order this installation has not seen, and no event of the batch names one. */
function unattributed(e: ValidEvent): ItemIssue {
  return {
    path: ['source'],
    message: `order ${e.orderId} is not known yet: the event that first makes an order known needs its source (and campaign, if any); later events may leave them out`,
    messageZh: `订单 ${e.orderId} 尚未登记：首个登记订单的事件需要带上流量来源（有活动时还需活动）；后续事件可省略`,
    code: 'INVALID_INPUT',
  };
}

/**
 * The class of the advisory locks on order keys (the two-key form: its keys never meet the one-key locks
 * of migrations and the demo). Two batches with events of one order, existing or not, take turns.
 */
const ORDER_KEY_LOCKS = 61811;

/**
 * Takes each order key of the batch (`keys`: shop and external id) for the transaction, in the order of
 * the keys' hashes, which every batch shares: no two batches can wait on each other. Two keys of one hash
 * share a lock, and their batches merely take turns.
 */
function lockOrderKeys(keys: string) {
  // PostgreSQL evaluates the volatile lock function after the sort (it postpones volatile target-list
  // expressions past ORDER BY), so the locks are taken in hash order.
  return sql`
    select pg_advisory_xact_lock(${ORDER_KEY_LOCKS}::int, h) from (
      select distinct hashtext(k.shop::text || '|' || k.ext) as h
      from jsonb_to_recordset(${keys}::jsonb) as k(shop uuid, ext text)) s
    order by h`;
}

/** An order not in the database yet, as its earliest event of the batch starts it, attributed as `attributed` says. */
function newOrder(first: ValidEvent, attributed: AttributedEvent): OrderState {
  return {
    id: randomUUID(),
    shopId: first.shopId,
    externalId: first.orderId!,
    dims: { shopId: first.shopId, channel: attributed.channel, source: attributed.source, campaignId: attributed.campaignId },
    customerExternalId: null,
    amountFen: 0,
    refundedFen: 0,
    placedAt: first.occurredAt,
    placedEventAt: null,
    paidAt: null,
    refundedAt: null,
    shippedAt: null,
    deliveredAt: null,
    carrier: null,
    trackingNumber: null,
    items: null,
    newItems: null,
    pointsTouched: false,
  };
}

interface LockedOrder {
  id: string; shop_id: string; external_id: string; channel: RollupDims['channel']; source: RollupDims['source'];
  campaign_id: string | null; customer_external_id: string | null; amount_fen: string | number; refunded_fen: string | number;
  placed_at: string | Date; placed_event_at: string | Date | null; paid_at: string | Date | null; refunded_at: string | Date | null;
  shipped_at: string | Date | null; delivered_at: string | Date | null; carrier: string | null; tracking_number: string | null;
}

/** Locks every order of the batch (`keys`: shop and external id) in key order and reads it. */
function lockOrders(keys: string) {
  return sql`
    select o.id, o.shop_id, o.external_id, o.channel, o.source, o.campaign_id, c.external_id as customer_external_id,
      o.amount_fen, o.refunded_fen, o.placed_at, o.placed_event_at, o.paid_at, o.refunded_at,
      o.shipped_at, o.delivered_at, o.carrier, o.tracking_number
    from orders o
    join jsonb_to_recordset(${keys}::jsonb) as k(shop uuid, ext text) on o.shop_id = k.shop and o.external_id = k.ext
    left join customers c on c.id = o.customer_id
    order by o.shop_id, o.external_id
    for update of o`;
}

function orderStates(locked: LockedOrder[]): Map<string, OrderState> {
  const date = (v: string | Date | null) => (v === null ? null : instantFromPostgres(v));
  return new Map(
    locked.map((o) => [
      orderKey(o.shop_id, o.external_id),
      {
        id: o.id,
        shopId: o.shop_id,
        externalId: o.external_id,
        dims: { shopId: o.shop_id, channel: o.channel, source: o.source, campaignId: o.campaign_id },
        customerExternalId: o.customer_external_id,
        amountFen: Number(o.amount_fen),
        refundedFen: Number(o.refunded_fen),
        placedAt: instantFromPostgres(o.placed_at),
        placedEventAt: date(o.placed_event_at),
        paidAt: date(o.paid_at),
        refundedAt: date(o.refunded_at),
        shippedAt: date(o.shipped_at),
        deliveredAt: date(o.delivered_at),
        carrier: o.carrier,
        trackingNumber: o.tracking_number,
        items: null,
        newItems: null,
        pointsTouched: false,
      },
    ]),
  );
}

type ItemRow = { order_id: string; sku_id: string; quantity: number; unit_price_fen: string | number };

/** The items of the batch's orders (`keys`: shop and external id), as their order's lock keeps them. */
function itemsOf(keys: string) {
  return sql`select i.order_id, i.sku_id, i.quantity, i.unit_price_fen from order_items i
    join orders o on o.id = i.order_id
    join jsonb_to_recordset(${keys}::jsonb) as k(shop uuid, ext text) on o.shop_id = k.shop and o.external_id = k.ext
    order by i.order_id, i.id`;
}

function itemsByOrder(found: ItemRow[]): Map<string, Item[]> {
  const byOrder = new Map<string, Item[]>();
  for (const r of found) {
    const list = byOrder.get(r.order_id) ?? [];
    list.push({ skuId: r.sku_id, quantity: r.quantity, unitPriceFen: Number(r.unit_price_fen) });
    byOrder.set(r.order_id, list);
  }
  return byOrder;
}

/**
 * The statement that writes the batch's orders — inserts the new ones as they end up, updates the others
 * — with their new items and refunds (refunds carry their order's shop and campaign). An order's customer
 * is found by its external id, so the customers' statement (customerPurchases) must run before this one.
 * For a pipeline under the locks materialiseOrders took.
 */
export function orderWrites(batch: OrderBatch): SQL {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const values = (o: OrderState) => ({
    id: o.id,
    cust: o.customerExternalId,
    status: orderStatus(o),
    amount: o.amountFen,
    refunded: o.refundedFen,
    placed: o.placedAt.toISOString(),
    placedEvent: iso(o.placedEventAt),
    paid: iso(o.paidAt),
    refundedAt: iso(o.refundedAt),
    shipped: iso(o.shippedAt),
    delivered: iso(o.deliveredAt),
    carrier: o.carrier,
    tracking: o.trackingNumber,
  });
  const inserts: (ReturnType<typeof values> & { shop: string; ext: string; ch: string; src: string; camp: string | null })[] = [];
  const updates: ReturnType<typeof values>[] = [];
  for (const o of batch.orders) {
    if (!batch.created.has(o.id)) updates.push(values(o));
    else if (!untouched(o)) inserts.push({ ...values(o), shop: o.shopId, ext: o.externalId, ch: o.dims.channel, src: o.dims.source, camp: o.dims.campaignId });
  }
  const items = batch.orders.flatMap((o) => (o.newItems ?? []).map((i) => ({ ord: o.id, sku: i.skuId, q: i.quantity, p: i.unitPriceFen })));
  const refunds = batch.changes.refunds.map((r) => ({ ord: r.orderId, shop: r.shopId, camp: r.campaignId, amount: r.amountFen, reason: r.reason, at: r.refundedAt.toISOString() }));
  // One statement for the four: the new items' and refunds' foreign keys are checked at its end, when
  // the new orders are in.
  return sql`
    with inserted as (
      insert into orders (id, shop_id, external_id, channel, source, campaign_id, customer_id, status, amount_fen,
        refunded_fen, placed_at, placed_event_at, paid_at, refunded_at, shipped_at, delivered_at, carrier, tracking_number)
      select r.id, r.shop, r.ext, r.ch::channel, r.src::traffic_source, r.camp,
        (select c.id from customers c where c.shop_id = r.shop and c.external_id = r.cust), r.status::order_status, r.amount,
        r.refunded, r.placed, r."placedEvent", r.paid, r."refundedAt", r.shipped, r.delivered, r.carrier, r.tracking
      from jsonb_to_recordset(${jsonRecords(inserts)}::jsonb) as r(id uuid, shop uuid, ext text, ch text, src text, camp uuid,
        cust text, status text, amount bigint, refunded bigint, placed timestamptz, "placedEvent" timestamptz, paid timestamptz,
        "refundedAt" timestamptz, shipped timestamptz, delivered timestamptz, carrier text, tracking text)
      returning id),
    updated as (
      update orders o set
        customer_id = coalesce((select c.id from customers c where c.shop_id = o.shop_id and c.external_id = r.cust), o.customer_id), status = r.status::order_status, amount_fen = r.amount,
        refunded_fen = r.refunded, placed_at = r.placed, placed_event_at = r."placedEvent", paid_at = r.paid,
        refunded_at = r."refundedAt", shipped_at = r.shipped, delivered_at = r.delivered, carrier = r.carrier,
        tracking_number = r.tracking, updated_at = now()
      from jsonb_to_recordset(${jsonRecords(updates)}::jsonb) as r(id uuid, cust text, status text, amount bigint, refunded bigint,
        placed timestamptz, "placedEvent" timestamptz, paid timestamptz, "refundedAt" timestamptz, shipped timestamptz,
        delivered timestamptz, carrier text, tracking text)
      where o.id = r.id
      returning o.id),
    new_items as (
      insert into order_items (order_id, sku_id, quantity, unit_price_fen)
      select ord, sku, q, p from jsonb_to_recordset(${jsonRecords(items)}::jsonb) as r(ord uuid, sku uuid, q int, p bigint)
      returning id),
    new_refunds as (
      insert into refunds (order_id, shop_id, campaign_id, amount_fen, reason, refunded_at)
      select ord, shop, camp, amount, reason, at
      from jsonb_to_recordset(${jsonRecords(refunds)}::jsonb) as r(ord uuid, shop uuid, camp uuid, amount bigint, reason text, at timestamptz)
      returning id)
    select (select count(*) from inserted) as created, (select count(*) from updated) as orders,
      (select count(*) from new_items) as items, (select count(*) from new_refunds) as refunds`;
}
