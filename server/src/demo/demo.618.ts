import { encodeGlobalID } from '@pothos/plugin-relay';
import { fenToYuan } from '../lib/money.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { plan618Orders, type OrdersInput, type PlannedOrder } from './demo.618.orders.js';
import type { DemoShop } from './demo.catalog.js';
import type { History } from './demo.history.js';
import { createRandom } from './demo.random.js';
import { MINUTE_MS } from '../lib/time.js';

const SEED = 0x618_2026;
/**
 * Visits that end in no order, per paid 618 order (on average). Each visit is one event through
 * ingestion; 15 land the 618 at ~5 % conversion (a real 618 converts 3–8 %), which costs the first
 * start no time that shows (235k events in 26.6 s against 180k in 26.9 s with 2, the 26 % of before).
 */
const VISITS_PER_ORDER = 15;

export interface Demo618 {
  campaign: OrdersInput['campaign'] & { name: string };
  shops: readonly DemoShop[];
  /** The customers' orders before June and the 618's own, with their whole life. */
  orders: PlannedOrder[];
  /** Every event of those orders (and the 618's visits) up to `now`, in time order. */
  events: EventInput[];
  /** Paid units per SKU id, as ingestion will take them off stock. */
  unitsSold: Map<string, number>;
  now: Date;
}

export interface Build618Input extends Omit<OrdersInput, 'random' | 'campaign' | 'members'> {
  campaign: Demo618['campaign'];
  /** Member rows as inserted: external id, shop and the day they joined. */
  members: readonly { shopId: string; externalId: string; createdAt?: Date | null }[];
  now: Date;
}

/**
 * The ended 618年中大促 with everything its 复盘 reads: the customers' earlier orders (so some 618
 * buyers are 老客), the 618's orders and visits as events for the ingestion, and, once those are
 * in, spend, milestones with their history, alerts and lessons (record618).
 */
export function build618({ shops, skus, members, campaign, now, scale }: Build618Input): Demo618 {
  const random = createRandom(SEED);
  const orders = plan618Orders({
    shops,
    skus,
    members: members.map((m) => ({ shopId: m.shopId, externalId: m.externalId, joinedAt: m.createdAt ?? now })),
    campaign,
    random,
    scale,
  });
  const events = orderEvents(orders, shops, campaign.id, random).filter((e) => e.occurredAt <= now);
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return { campaign, shops, orders, events, unitsSold: unitsSold(orders, now), now };
}

/** The month's history with the 618 sent after it: the war room's own days come in first. */
export function withCampaign618(history: History, the618: Demo618): History {
  const unitsSold = new Map(history.unitsSold);
  for (const [id, units] of the618.unitsSold) unitsSold.set(id, (unitsSold.get(id) ?? 0) + units);
  return { events: [...history.events, ...the618.events], unitsSold };
}

function orderEvents(orders: readonly PlannedOrder[], shops: readonly DemoShop[], campaignId: string, random: ReturnType<typeof createRandom>): EventInput[] {
  const shopOf = new Map(shops.map((s) => [s.id, { gid: encodeGlobalID('Shop', s.id), platform: s.platform }]));
  const campaignGid = encodeGlobalID('Campaign', campaignId);
  const events: EventInput[] = [];
  let n = 0;
  let visitors = 0;
  const push = (fields: Omit<EventInput, 'id' | 'occurredAt'>, at: number) => events.push({ id: `demo618-${++n}`, occurredAt: new Date(at), ...fields });
  for (const o of orders) {
    const shop = shopOf.get(o.shopId)!;
    const traffic = { shopId: shop.gid, channel: shop.platform, source: o.source, campaignId: o.inCampaign ? campaignGid : null };
    const base = { ...traffic, orderId: o.orderId };
    if (o.inCampaign) {
      // The buyer's own visit, and the visits around it that ended without an order.
      push({ ...traffic, type: 'VISIT', visitorId: `demo618-v${++visitors}` }, o.placedAt - random.int(1, 30) * MINUTE_MS);
      for (let i = random.int(0, 2 * VISITS_PER_ORDER); i > 0; i--) {
        push({ ...traffic, type: 'VISIT', visitorId: `demo618-v${++visitors}` }, o.placedAt - random.int(0, 3_599) * 1000);
      }
    }
    const items = o.lines.map((l) => ({ skuId: encodeGlobalID('Sku', l.sku.id), quantity: l.quantity, unitPrice: fenToYuan(l.sku.priceFen) }));
    const amount = fenToYuan(o.amountFen);
    push({ ...base, type: 'ORDER_PLACED', customerId: o.customerId, items, amount }, o.placedAt);
    push({ ...base, type: 'ORDER_PAID', customerId: o.customerId, amount }, o.paidAt);
    if (o.shippedAt !== null) push({ ...base, type: 'ORDER_SHIPPED', ...o.carrier }, o.shippedAt);
    if (o.deliveredAt !== null) push({ ...base, type: 'ORDER_DELIVERED' }, o.deliveredAt);
    if (o.refund) push({ ...base, type: 'ORDER_REFUNDED', amount: fenToYuan(o.refund.amountFen), reason: o.refund.reason }, o.refund.at);
  }
  return events;
}

/** Ingestion takes stock off an order once it is both placed and paid. */
function unitsSold(orders: readonly PlannedOrder[], now: Date): Map<string, number> {
  const sold = new Map<string, number>();
  for (const o of orders) {
    if (Math.max(o.placedAt, o.paidAt) > now.getTime()) continue;
    for (const l of o.lines) sold.set(l.sku.id, (sold.get(l.sku.id) ?? 0) + l.quantity);
  }
  return sold;
}
