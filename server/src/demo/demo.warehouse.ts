import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { fenToYuan, yuanToFen } from '../lib/money.js';
import { HOUR_MS, MINUTE_MS } from '../lib/time.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { ingestEvents, type IngestOptions, type IngestResult } from '../modules/ingest/ingest.service.js';
import { orders } from '../modules/order/order.table.js';
import { pickCarrier } from '../simulator/traffic.orders.js';
import { createRandom } from './demo.random.js';

/**
 * The demo's warehouse finds what no event would ever ship: the generator's forgotten orders (the 0.5 %
 * the UNSHIPPED_OVERDUE rule is there to find), and the orders whose shipment was still ahead when the
 * demo's history was cut at its start or the demo was stopped. Without it they waited for ever, and a demo
 * left running for weeks said "最早一笔已 588 小时".
 *
 * Each is found 30–72 hours after payment, once the rule (24 hours by default) has flagged it for a shift
 * or two, at a time of its own drawn from its id: every instance and every restart agrees on it, and the
 * events' ids make a second look a replay. Found, it is shipped late, or refunded in full to a buyer who
 * stopped waiting (four in ten, when nothing of it was refunded yet).
 */
export const FOUND_FROM_MS = 30 * HOUR_MS;
export const FOUND_SPAN_MS = 42 * HOUR_MS;
export const GAVE_UP_REASON = '未按约定时间发货';
/** Orders looked at per sweep: the sweep runs once a minute, so a backlog clears in a few minutes. */
const SWEEP_LIMIT = 500;

export interface ForgottenOrder {
  shopId: string;
  externalId: string;
  channel: EventInput['channel'];
  paidAt: Date;
  amountFen: number;
  refundedFen: number;
}

export type WarehouseAction = { kind: 'SHIP'; at: Date; carrier: string; trackingNumber: string } | { kind: 'REFUND'; at: Date; amountFen: number };

/** FNV-1a of the order's shop and id: the order's own draw, the same wherever it is made. */
function seedOf(order: Pick<ForgottenOrder, 'shopId' | 'externalId'>): number {
  let hash = 0x811c9dc5;
  for (const ch of `${order.shopId}|${order.externalId}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return hash >>> 0;
}

/** When the warehouse finds this order, and what it then does. */
export function foundLate(order: ForgottenOrder): WarehouseAction {
  const random = createRandom(seedOf(order));
  const at = new Date(order.paidAt.getTime() + FOUND_FROM_MS + Math.floor(random.next() * (FOUND_SPAN_MS / MINUTE_MS)) * MINUTE_MS);
  const gaveUp = random.chance(0.4);
  if (gaveUp && order.refundedFen === 0 && order.amountFen > 0) return { kind: 'REFUND', at, amountFen: order.amountFen };
  return { kind: 'SHIP', at, ...pickCarrier(random) };
}

/** The event that says what the warehouse did. Its id is the order's, so sending it again is a replay. */
function eventOf(order: ForgottenOrder, action: WarehouseAction): EventInput {
  const common = { shopId: encodeGlobalID('Shop', order.shopId), channel: order.channel, orderId: order.externalId, occurredAt: action.at };
  return action.kind === 'SHIP'
    ? { ...common, id: `warehouse-ship-${order.externalId}`, type: 'ORDER_SHIPPED', carrier: action.carrier, trackingNumber: action.trackingNumber }
    : { ...common, id: `warehouse-refund-${order.externalId}`, type: 'ORDER_REFUNDED', amount: fenToYuan(action.amountFen), reason: GAVE_UP_REASON };
}

/**
 * The warehouse's events for a stream the generator made (the demo's history): for each paid order that
 * neither shipped nor was refunded in it, what the warehouse did by `now`, as the sweep would have done it
 * had it run all along. The history then starts with its forgotten orders found, as a shop's would be.
 */
export function foundInStream(events: readonly EventInput[], now: Date): EventInput[] {
  const byOrder = new Map<string, { paid?: EventInput; settled: boolean }>();
  for (const e of events) {
    if (!e.orderId) continue;
    const key = `${e.shopId}|${e.orderId}`;
    const order = byOrder.get(key) ?? { settled: false };
    if (e.type === 'ORDER_PAID') order.paid = e;
    if (e.type === 'ORDER_SHIPPED' || e.type === 'ORDER_REFUNDED') order.settled = true;
    byOrder.set(key, order);
  }
  const found: EventInput[] = [];
  for (const { paid, settled } of byOrder.values()) {
    if (!paid || settled || !paid.channel || !paid.amount) continue;
    const order: ForgottenOrder = {
      // The found time is drawn from the shop's own id, as the sweep draws it from the stored order.
      shopId: decodeGlobalID(paid.shopId).id,
      externalId: paid.orderId!,
      channel: paid.channel,
      paidAt: paid.occurredAt,
      amountFen: yuanToFen(paid.amount),
      refundedFen: 0,
    };
    const action = foundLate(order);
    if (action.at <= now) found.push(eventOf(order, action));
  }
  return found;
}

/**
 * One look through the paid, unshipped orders old enough to have been found by `now`; those whose time
 * has come are shipped or refunded through ingestion, as the platforms' own events would be.
 */
export async function sweepForgottenOrders(db: DbOrTx, now: Date, options: Pick<IngestOptions, 'announce'>): Promise<IngestResult> {
  const waiting = await db
    .select({
      shopId: orders.shopId,
      externalId: orders.externalId,
      channel: orders.channel,
      paidAt: orders.paidAt,
      amountFen: orders.amountFen,
      refundedFen: orders.refundedFen,
    })
    .from(orders)
    .where(and(eq(orders.status, 'PAID'), isNull(orders.shippedAt), lt(orders.paidAt, new Date(now.getTime() - FOUND_FROM_MS))))
    .orderBy(asc(orders.paidAt))
    .limit(SWEEP_LIMIT);
  const events = waiting.flatMap((row) => {
    const order = { ...row, paidAt: row.paidAt! };
    const action = foundLate(order);
    return action.at <= now ? [eventOf(order, action)] : [];
  });
  if (events.length === 0) return { accepted: 0, duplicates: 0, userErrors: [] };
  return ingestEvents(db, SYSTEM, events, now, options);
}
