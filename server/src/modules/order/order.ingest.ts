import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { jsonRecords, rows } from '../../db/rows.js';
import type { EventIssue } from '../event/event.input.js';
import type { ValidEvent } from '../event/event.validate.js';
import { applyOrderPoints } from '../customer/points.ledger.js';
import type { RollupBatch, RollupDims } from '../metrics/rollup.writer.js';
import { applyDelivery, applyShipment, orderStatus, timeShipment } from './order.shipping.js';

type Item = { skuId: string; quantity: number; unitPriceFen: number };

interface OrderState {
  id: string;
  shopId: string;
  externalId: string;
  dims: RollupDims;
  customerExternalId: string | null;
  amountFen: number;
  refundedFen: number;
  placedAt: Date;
  placedEventAt: Date | null;
  paidAt: Date | null;
  refundedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  items: Item[] | null;
  newItems: Item[] | null;
  /** Paid or refunded in this batch: its points (EARN / REVERSE) may change. */
  pointsTouched: boolean;
}

export interface CustomerDelta {
  shopId: string;
  externalId: string;
  paidOrders: number;
  spendFen: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface OrderOutcome {
  /** Order events that change state and must be appended to the raw log. */
  accepted: ValidEvent[];
  duplicates: number;
  rejected: { index: number; issues: EventIssue[] }[];
}

const TYPE_RANK = { ORDER_PLACED: 0, ORDER_PAID: 1, ORDER_REFUNDED: 2, ORDER_SHIPPED: 3, ORDER_DELIVERED: 4 } as Record<string, number>;
const orderKey = (shopId: string, externalId: string) => `${shopId}|${externalId}`;

/**
 * Materialises orders from their events, whatever order the events arrive in: each order's events
 * are applied in time order onto its locked row, and every contribution to the rollups is placed in
 * the bucket of the moment it belongs to (a payment's GMV at the payment, an order's first refund at
 * the earliest refund, its shipment and delivery at the earliest of each: order.shipping.ts), so the
 * final state and every metric are the same for any arrival order.
 * Must run inside the ingest transaction; `hashes` are the canonical payload hashes by event index.
 */
export async function applyOrderEvents(
  tx: Tx,
  events: ValidEvent[],
  hashes: Map<number, string>,
  rollups: RollupBatch,
): Promise<OrderOutcome> {
  const outcome: OrderOutcome = { accepted: [], duplicates: 0, rejected: [] };
  if (events.length === 0) return outcome;
  const orders = await lockOrders(tx, events);
  // One connection, two independent reads: postgres-js pipelines them instead of waiting twice.
  const [logged, existingItems] = await Promise.all([loggedHashes(tx, events), itemsOf(tx, [...orders.values()].map((o) => o.id))]);
  for (const order of orders.values()) order.items = existingItems.get(order.id) ?? null;

  const customerDeltas = new Map<string, CustomerDelta>();
  const refundsToInsert: { orderId: string; amountFen: number; reason: string; refundedAt: Date }[] = [];
  const stock = new Map<string, number>();
  const sorted = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || TYPE_RANK[a.type]! - TYPE_RANK[b.type]! || (a.eventId < b.eventId ? -1 : 1),
  );
  for (const event of sorted) {
    const known = logged.get(orderKey(event.shopId, event.eventId));
    if (known !== undefined) {
      if (known === hashes.get(event.index)) outcome.duplicates++;
      else outcome.rejected.push({ index: event.index, issues: [reusedId(event)] });
      continue;
    }
    const order = orders.get(orderKey(event.shopId, event.orderId!))!;
    const issue = apply(order, event, rollups, customerDeltas, refundsToInsert, stock);
    if (issue) outcome.rejected.push({ index: event.index, issues: [issue] });
    else {
      outcome.accepted.push(event);
      // A second event with the same id later in this very batch is a replay of this one.
      logged.set(orderKey(event.shopId, event.eventId), hashes.get(event.index)!);
    }
  }
  const customerIds = await upsertCustomers(tx, [...customerDeltas.values()]);
  // An order row seeded by this batch whose every event was refused (a reused id, say) must not
  // survive as an empty order. Any order that ever accepted an event has one of these moments.
  const untouched = [...orders.values()].filter((o) => !o.placedEventAt && !o.paidAt && !o.refundedAt && !o.shippedAt && !o.deliveredAt);
  const live = [...orders.values()].filter((o) => !untouched.includes(o));
  if (untouched.length > 0) {
    await tx.execute(sql`delete from orders where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(untouched.map((o) => o.id))}::jsonb))`);
  }
  await writeOrders(tx, live, customerIds, refundsToInsert, stock);
  // After the orders and refunds are written, under the customer locks upsertCustomers took.
  await applyOrderPoints(tx, live.filter((o) => o.pointsTouched).map((o) => o.id));
  return outcome;
}

function reusedId(event: ValidEvent): EventIssue {
  return { path: ['id'], message: `event id ${event.eventId} was already used for a different event`, code: 'CONFLICT' };
}

function apply(
  order: OrderState,
  e: ValidEvent,
  rollups: RollupBatch,
  customers: Map<string, CustomerDelta>,
  refunds: { orderId: string; amountFen: number; reason: string; refundedAt: Date }[],
  stock: Map<string, number>,
): EventIssue | null {
  if (e.source !== order.dims.source || (e.campaignId ?? null) !== order.dims.campaignId) {
    return { path: ['source'], message: `order ${order.externalId} is attributed to ${order.dims.source}${order.dims.campaignId ? ' and a campaign' : ''}; its events must agree`, code: 'CONFLICT' };
  }
  if (e.customerId && order.customerExternalId && e.customerId !== order.customerExternalId) {
    return { path: ['customerId'], message: `order ${order.externalId} belongs to another customer`, code: 'CONFLICT' };
  }
  const t = e.occurredAt;
  if (e.type === 'ORDER_PLACED') {
    if (order.placedEventAt) return { path: ['type'], message: `order ${order.externalId} was already placed`, code: 'CONFLICT' };
    order.placedEventAt = t;
    if (!order.paidAt) order.amountFen = e.amountFen ?? 0;
    rollups.add(t, order.dims, { ordersPlaced: 1 });
  } else if (e.type === 'ORDER_PAID') {
    if (order.paidAt) return { path: ['type'], message: `order ${order.externalId} was already paid`, code: 'CONFLICT' };
    order.paidAt = t;
    order.amountFen = e.amountFen!;
    order.pointsTouched = true;
    rollups.add(t, order.dims, { ordersPaid: 1, gmvFen: e.amountFen! }, { buyers: `${e.shopId}:${e.customerId}` });
    const delta = customers.get(orderKey(e.shopId, e.customerId!)) ?? { shopId: e.shopId, externalId: e.customerId!, paidOrders: 0, spendFen: 0, firstOrderAt: null, lastOrderAt: null };
    delta.paidOrders += 1;
    delta.spendFen += e.amountFen!;
    delta.firstOrderAt = delta.firstOrderAt && delta.firstOrderAt < t ? delta.firstOrderAt : t;
    delta.lastOrderAt = delta.lastOrderAt && delta.lastOrderAt > t ? delta.lastOrderAt : t;
    customers.set(orderKey(e.shopId, e.customerId!), delta);
    if (order.items) recordItemsSold(order, order.items, rollups, stock);
    // A shipment that arrived first gets its paid-to-shipped time now that both moments are known.
    timeShipment(order, rollups, 1);
  } else if (e.type === 'ORDER_SHIPPED') {
    applyShipment(order, e, rollups);
  } else if (e.type === 'ORDER_DELIVERED') {
    applyDelivery(order, t, rollups);
  } else {
    const knownAmount = order.paidAt || order.placedEventAt ? order.amountFen : null;
    if (knownAmount !== null && order.refundedFen + e.amountFen! > knownAmount) {
      return { path: ['amount'], message: `refunds would exceed the order amount of ${knownAmount} fen`, code: 'INVALID_AMOUNT' };
    }
    order.refundedFen += e.amountFen!;
    order.pointsTouched = true;
    refunds.push({ orderId: order.id, amountFen: e.amountFen!, reason: e.reason!, refundedAt: t });
    rollups.add(t, order.dims, { refundedFen: e.amountFen! });
    // The order counts as refunded once, at its earliest refund, even if an earlier refund arrives late.
    if (!order.refundedAt || t < order.refundedAt) {
      if (order.refundedAt) rollups.add(order.refundedAt, order.dims, { refundedOrders: -1 });
      rollups.add(t, order.dims, { refundedOrders: 1 });
      order.refundedAt = t;
    }
  }
  const learnt = e.customerId !== null && !order.customerExternalId;
  if (learnt) order.customerExternalId = e.customerId;
  // Every customer whose points may change gets a row in the upsert, which locks it in key order.
  const moneyMoved = e.type === 'ORDER_PAID' || e.type === 'ORDER_REFUNDED';
  if (order.customerExternalId && (learnt || moneyMoved) && !customers.has(orderKey(e.shopId, order.customerExternalId))) {
    customers.set(orderKey(e.shopId, order.customerExternalId), { shopId: e.shopId, externalId: order.customerExternalId, paidOrders: 0, spendFen: 0, firstOrderAt: null, lastOrderAt: null });
  }
  if (t < order.placedAt) order.placedAt = t;
  if (!order.items && e.items?.length) {
    order.items = e.items;
    order.newItems = e.items;
    // Items learnt with or after the payment: the sale belongs to the payment's moment.
    if (order.paidAt) recordItemsSold(order, e.items, rollups, stock);
  }
  return null;
}

function recordItemsSold(order: OrderState, items: Item[], rollups: RollupBatch, stock: Map<string, number>) {
  const paidAt = order.paidAt!;
  for (const item of items) {
    rollups.addSku(paidAt, order.dims, item.skuId, { ordersPaid: 1, unitsSold: item.quantity, gmvFen: item.quantity * item.unitPriceFen });
    rollups.add(paidAt, order.dims, { unitsSold: item.quantity });
    stock.set(item.skuId, (stock.get(item.skuId) ?? 0) + item.quantity);
  }
}

/** Creates missing orders from their earliest event, then locks every order of the batch in key order. */
async function lockOrders(tx: Tx, events: ValidEvent[]): Promise<Map<string, OrderState>> {
  const first = new Map<string, ValidEvent>();
  for (const e of events) {
    const key = orderKey(e.shopId, e.orderId!);
    const seen = first.get(key);
    if (!seen || e.occurredAt < seen.occurredAt || (e.occurredAt.getTime() === seen.occurredAt.getTime() && TYPE_RANK[e.type]! < TYPE_RANK[seen.type]!)) {
      first.set(key, e);
    }
  }
  const seeds = [...first.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, e]) => ({ shop: e.shopId, ext: e.orderId, ch: e.channel, src: e.source, camp: e.campaignId, at: e.occurredAt.toISOString() }));
  await tx.execute(sql`
    insert into orders (shop_id, external_id, channel, source, campaign_id, status, amount_fen, placed_at)
    select shop, ext, ch::channel, src::traffic_source, camp, 'PLACED', 0, at
    from jsonb_to_recordset(${jsonRecords(seeds)}::jsonb) as r(shop uuid, ext text, ch text, src text, camp uuid, at timestamptz)
    on conflict (shop_id, external_id) do nothing`);
  const locked = await rows<{
    id: string; shop_id: string; external_id: string; channel: RollupDims['channel']; source: RollupDims['source'];
    campaign_id: string | null; customer_external_id: string | null; amount_fen: string | number; refunded_fen: string | number;
    placed_at: string | Date; placed_event_at: string | Date | null; paid_at: string | Date | null; refunded_at: string | Date | null;
    shipped_at: string | Date | null; delivered_at: string | Date | null; carrier: string | null; tracking_number: string | null;
  }>(
    tx,
    sql`
    select o.id, o.shop_id, o.external_id, o.channel, o.source, o.campaign_id, c.external_id as customer_external_id,
      o.amount_fen, o.refunded_fen, o.placed_at, o.placed_event_at, o.paid_at, o.refunded_at,
      o.shipped_at, o.delivered_at, o.carrier, o.tracking_number
    from orders o
    join jsonb_to_recordset(${jsonRecords(seeds.map(({ shop, ext }) => ({ shop, ext })))}::jsonb) as k(shop uuid, ext text)
      on o.shop_id = k.shop and o.external_id = k.ext
    left join customers c on c.id = o.customer_id
    order by o.shop_id, o.external_id
    for update of o`,
  );
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
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
        placedAt: new Date(o.placed_at),
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

/** Payload hashes of events of this batch that are already in the raw log (safe: their orders are locked). */
async function loggedHashes(tx: Tx, events: ValidEvent[]): Promise<Map<string, string>> {
  const keys = events.map((e) => ({ shop: e.shopId, id: e.eventId }));
  const found = await rows<{ shop_id: string; event_id: string; payload_hash: string }>(
    tx,
    sql`select e.shop_id, e.event_id, e.payload_hash from events e
        join jsonb_to_recordset(${jsonRecords(keys)}::jsonb) as k(shop uuid, id text) on e.shop_id = k.shop and e.event_id = k.id`,
  );
  return new Map(found.map((r) => [orderKey(r.shop_id, r.event_id), r.payload_hash]));
}

async function itemsOf(tx: Tx, orderIds: string[]): Promise<Map<string, Item[]>> {
  const found = await rows<{ order_id: string; sku_id: string; quantity: number; unit_price_fen: string | number }>(
    tx,
    sql`select order_id, sku_id, quantity, unit_price_fen from order_items
        where order_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(orderIds)}::jsonb))
        order by order_id, id`,
  );
  const byOrder = new Map<string, Item[]>();
  for (const r of found) {
    const list = byOrder.get(r.order_id) ?? [];
    list.push({ skuId: r.sku_id, quantity: r.quantity, unitPriceFen: Number(r.unit_price_fen) });
    byOrder.set(r.order_id, list);
  }
  return byOrder;
}

/** Spend, paid orders and first/last order dates accumulate per customer; points follow from the ledger (points.ledger.ts). */
async function upsertCustomers(tx: Tx, deltas: CustomerDelta[]): Promise<Map<string, string>> {
  if (deltas.length === 0) return new Map();
  const records = deltas
    .sort((a, b) => (orderKey(a.shopId, a.externalId) < orderKey(b.shopId, b.externalId) ? -1 : 1))
    .map((d) => ({ shop: d.shopId, ext: d.externalId, n: d.paidOrders, spend: d.spendFen, first: d.firstOrderAt?.toISOString() ?? null, last: d.lastOrderAt?.toISOString() ?? null }));
  const upserted = await rows<{ id: string; shop_id: string; external_id: string }>(
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
  return new Map(upserted.map((c) => [orderKey(c.shop_id, c.external_id), c.id]));
}

async function writeOrders(
  tx: Tx,
  orders: OrderState[],
  customerIds: Map<string, string>,
  refunds: { orderId: string; amountFen: number; reason: string; refundedAt: Date }[],
  stock: Map<string, number>,
) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const updates = orders.map((o) => ({
    id: o.id,
    cust: o.customerExternalId ? (customerIds.get(orderKey(o.shopId, o.customerExternalId)) ?? null) : null,
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
  }));
  await tx.execute(sql`
    update orders o set
      customer_id = coalesce(r.cust, o.customer_id), status = r.status::order_status, amount_fen = r.amount,
      refunded_fen = r.refunded, placed_at = r.placed, placed_event_at = r."placedEvent", paid_at = r.paid,
      refunded_at = r."refundedAt", shipped_at = r.shipped, delivered_at = r.delivered, carrier = r.carrier,
      tracking_number = r.tracking, updated_at = now()
    from jsonb_to_recordset(${jsonRecords(updates)}::jsonb) as r(id uuid, cust uuid, status text, amount bigint, refunded bigint,
      placed timestamptz, "placedEvent" timestamptz, paid timestamptz, "refundedAt" timestamptz, shipped timestamptz,
      delivered timestamptz, carrier text, tracking text)
    where o.id = r.id`);
  const items = orders.flatMap((o) => (o.newItems ?? []).map((i) => ({ ord: o.id, sku: i.skuId, q: i.quantity, p: i.unitPriceFen })));
  if (items.length > 0) {
    await tx.execute(sql`
      insert into order_items (order_id, sku_id, quantity, unit_price_fen)
      select ord, sku, q, p from jsonb_to_recordset(${jsonRecords(items)}::jsonb) as r(ord uuid, sku uuid, q int, p bigint)`);
  }
  if (refunds.length > 0) {
    const records = refunds.map((r) => ({ ord: r.orderId, amount: r.amountFen, reason: r.reason, at: r.refundedAt.toISOString() }));
    await tx.execute(sql`
      insert into refunds (order_id, shop_id, campaign_id, amount_fen, reason, refunded_at)
      select r.ord, o.shop_id, o.campaign_id, r.amount, r.reason, r.at
      from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(ord uuid, amount bigint, reason text, at timestamptz)
      join orders o on o.id = r.ord`);
  }
  if (stock.size > 0) {
    // Stock may go below zero: that is an oversell the war room must see, not something to hide.
    const records = [...stock.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, sold]) => ({ sku, sold }));
    // Lock in key order first: an UPDATE … FROM join may visit rows in any order, and concurrent
    // batches selling the same SKUs must not deadlock. NO KEY UPDATE is what the stock update needs
    // and, unlike FOR UPDATE, does not wait for the key-share locks other batches' order_items hold.
    await tx.execute(sql`
      select s.id from skus s join jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(sku uuid, sold int) on s.id = r.sku
      order by s.id for no key update of s`);
    await tx.execute(sql`
      update skus s set stock = s.stock - r.sold, updated_at = now()
      from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(sku uuid, sold int) where s.id = r.sku`);
  }
}
