import { z } from 'zod';
import { CHANNELS, TRAFFIC_SOURCES, type Channel, type TrafficSource } from '../../db/enums.js';
import { said } from '../../lib/issue-words.js';
import { fenToYuanGrouped } from '../../lib/money.js';
import { globalId, itemIssues, moneyInput, NOT_EMPTY, storableString, type ItemIssue } from '../../lib/validate.js';
import { EVENT_TYPES, TRAFFIC_EVENT_TYPES, type EventType } from '../event/event.table.js';
import { MINUTE_MS } from '../../lib/time.js';

/** One event as a producer sends it (after GraphQL scalar parsing). */
export interface EventInput {
  id: string;
  type: EventType;
  occurredAt: Date;
  shopId: string;
  channel?: Channel | null;
  /** Required on traffic events; on an order event absent means "the order's" (order.ingest.ts). */
  source?: TrafficSource | null;
  visitorId?: string | null;
  customerId?: string | null;
  orderId?: string | null;
  campaignId?: string | null;
  skuId?: string | null;
  amount?: string | null;
  items?: { skuId: string; quantity: number; unitPrice: string }[] | null;
  reason?: string | null;
  /** ORDER_SHIPPED only: the carrier (顺丰, 中通 …) and its waybill number. */
  carrier?: string | null;
  trackingNumber?: string | null;
}

/** An event that passed the checks that need no database: ids decoded, money in fen. */
export interface ParsedEvent {
  index: number;
  eventId: string;
  type: EventType;
  occurredAt: Date;
  shopId: string;
  channel: Channel | null;
  /** Null only on an order event that takes its order's attribution (source, channel, campaign). */
  source: TrafficSource | null;
  visitorId: string | null;
  customerId: string | null;
  orderId: string | null;
  campaignId: string | null;
  skuId: string | null;
  amountFen: number | null;
  items: { skuId: string; quantity: number; unitPriceFen: number }[] | null;
  reason: string | null;
  carrier: string | null;
  trackingNumber: string | null;
}


const key = storableString().trim().min(1, NOT_EMPTY).max(128);

/**
 * The most one order, payment, refund or unit price may be: ¥10,000,000.00. Far above any real order,
 * and low enough that one order's points (whole yuan, an integer column) fit; past it one event failed
 * its whole batch's transaction. A customer's balance sums many orders and is bounded only by its column.
 */
export const MAX_ORDER_AMOUNT_FEN = 1_000_000_000;
const MAX_ORDER_AMOUNT = `¥${fenToYuanGrouped(MAX_ORDER_AMOUNT_FEN)}`;
const orderMoney = moneyInput.refine((fen) => fen <= MAX_ORDER_AMOUNT_FEN, {
  message: `at most ${MAX_ORDER_AMOUNT} per order`,
  params: { code: 'INVALID_AMOUNT', zh: `单笔订单最多 ${MAX_ORDER_AMOUNT}` },
});

/** Every field of an event, as one object schema: EventSchema checks them all, TrafficSchema a subset. */
const EventFields = z.object({
  id: key,
  type: z.enum(EVENT_TYPES),
  occurredAt: z.date(),
  shopId: globalId('Shop'),
  channel: z.enum(CHANNELS).nullish(),
  source: z.enum(TRAFFIC_SOURCES).nullish(),
  visitorId: key.nullish(),
  customerId: key.nullish(),
  orderId: key.nullish(),
  campaignId: globalId('Campaign').nullish(),
  skuId: globalId('Sku').nullish(),
  amount: orderMoney.nullish(),
  items: z
    .array(
      z.object({
        skuId: globalId('Sku'),
        quantity: z.number().int().min(1, said('quantity must be at least 1', '数量至少为 1')).max(100_000),
        unitPrice: orderMoney,
      }),
    )
    .max(200)
    .nullish(),
  reason: storableString().trim().max(500).nullish(),
  carrier: storableString().trim().min(1, NOT_EMPTY).max(64).nullish(),
  trackingNumber: storableString().trim().min(1, NOT_EMPTY).max(64).nullish(),
});

const EventSchema = EventFields.superRefine((e, ctx) => {
  if (TRAFFIC_EVENT_TYPES.includes(e.type)) {
    need(e, ctx, 'visitorId', 'a visitorId', '需要 visitorId');
    need(e, ctx, 'source', 'its traffic source', '需要流量来源');
  }
  if (e.type.startsWith('ORDER_')) need(e, ctx, 'orderId', 'an orderId', '需要 orderId');
  if (e.type === 'ORDER_PLACED') need(e, ctx, 'items', 'at least one item', '至少需要一个商品项');
  if (e.type === 'ORDER_PAID') {
    need(e, ctx, 'amount', 'the paid amount', '需要支付金额');
    need(e, ctx, 'customerId', 'a customerId (buyers are distinct paying customers)', '需要 customerId（买家按不同的付款客户计）');
  }
  if (e.type === 'ORDER_REFUNDED') {
    need(e, ctx, 'amount', 'the refunded amount', '需要退款金额');
    if (e.amount === 0) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a refund must be above zero', params: { code: 'INVALID_AMOUNT', zh: '退款金额必须大于零' } });
    }
  }
});

/**
 * Most events are traffic (a visit, a view, a cart) carrying none of the order fields. Those are checked
 * against their own fields only: zod runs each field's schema, present or not, and made ~2.2 KB of
 * short-lived objects per event for the 18 (docs/BENCHMARKS.md, Ingest round 16). An event this schema
 * refuses is checked again by EventSchema, whose issues are the ones reported.
 */
const TrafficSchema = EventFields.pick({ id: true, occurredAt: true, shopId: true, channel: true, source: true, campaignId: true, skuId: true }).extend({
  type: EventFields.shape.type.refine((type) => TRAFFIC_EVENT_TYPES.includes(type)),
  source: z.enum(TRAFFIC_SOURCES),
  visitorId: key,
});

/** The fields TrafficSchema does not know (it would drop them): derived, so that a field added to events counts. */
const NOT_TRAFFIC_FIELDS = Object.keys(EventFields.shape).filter((name) => !(name in TrafficSchema.shape)) as (keyof EventInput)[];

function isPlainTraffic(e: EventInput): boolean {
  for (let i = 0; i < NOT_TRAFFIC_FIELDS.length; i++) if (e[NOT_TRAFFIC_FIELDS[i]!] != null) return false;
  return true;
}

/**
 * A field the event's type requires. A module function, not a closure made per event (batches of 5,000);
 * its words are constants, joined with the type only when the field is missing.
 */
function need<E extends { type: EventType }>(e: E, ctx: z.RefinementCtx, field: keyof E & string, why: string, whyZh: string) {
  const value = e[field];
  if (value == null || (Array.isArray(value) && value.length === 0)) {
    ctx.addIssue({ code: 'custom', path: [field], message: `${e.type} needs ${why}`, params: { zh: `${e.type} 事件${whyZh}` } });
  }
}

export function parseEvent(
  input: EventInput,
  index: number,
  now: Date,
): { event: ParsedEvent } | { issues: ItemIssue[] } {
  const traffic = isPlainTraffic(input) ? TrafficSchema.safeParse(input) : null;
  const result = traffic?.success ? traffic : EventSchema.safeParse(input);
  if (!result.success) {
    return { issues: itemIssues(result.error) };
  }
  const e: z.output<typeof EventFields> = result.data;
  // A clock a few minutes fast is normal; an event from tomorrow is a producer bug.
  if (e.occurredAt.getTime() > now.getTime() + 5 * MINUTE_MS) {
    return { issues: [{ path: ['occurredAt'], message: 'occurredAt is in the future', messageZh: 'occurredAt 是未来时间', code: 'INVALID_INPUT' }] };
  }
  const items = e.items?.map((i) => ({ skuId: i.skuId, quantity: i.quantity, unitPriceFen: i.unitPrice })) ?? null;
  const itemsTotal = items?.reduce((sum, i) => sum + i.quantity * i.unitPriceFen, 0) ?? null;
  if (itemsTotal !== null && itemsTotal > MAX_ORDER_AMOUNT_FEN) {
    return {
      issues: [
        {
          path: ['items'],
          message: `the items come to more than ${MAX_ORDER_AMOUNT}, the most one order may be`,
          messageZh: `商品合计超过单笔订单上限 ${MAX_ORDER_AMOUNT}`,
          code: 'INVALID_AMOUNT',
        },
      ],
    };
  }
  return {
    event: {
      index,
      eventId: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      shopId: e.shopId,
      channel: e.channel ?? null,
      source: e.source ?? null,
      visitorId: e.visitorId ?? null,
      customerId: e.customerId ?? null,
      orderId: e.orderId ?? null,
      campaignId: e.campaignId ?? null,
      skuId: e.skuId ?? null,
      // A placed order without an explicit amount is worth its items.
      amountFen: e.amount ?? (e.type === 'ORDER_PLACED' ? itemsTotal : null),
      items: e.type === 'ORDER_PLACED' || e.type === 'ORDER_PAID' ? items : null,
      reason: e.type === 'ORDER_REFUNDED' ? (e.reason || '未说明') : null,
      // Like `reason` on other types, shipping details on anything but a shipment are ignored.
      carrier: e.type === 'ORDER_SHIPPED' ? (e.carrier ?? null) : null,
      trackingNumber: e.type === 'ORDER_SHIPPED' ? (e.trackingNumber ?? null) : null,
    },
  };
}

/** What the raw log stores of an event (and its hash covers); shipment fields only when present. */
type CanonicalPayload = Pick<ParsedEvent, 'type' | 'channel' | 'source' | 'visitorId' | 'customerId' | 'orderId' | 'campaignId' | 'skuId' | 'amountFen' | 'items' | 'reason'> & {
  occurredAt: string;
  carrier?: string;
  trackingNumber?: string;
};

/**
 * Canonical payload stored in the raw log; its hash tells a replay from a reused id. `occurredAt`: the
 * event's instant as ISO text, for a caller that has made it already (the log stores it too).
 */
export function canonicalPayload(e: ParsedEvent, occurredAt = e.occurredAt.toISOString()) {
  const payload: CanonicalPayload = {
    type: e.type,
    occurredAt,
    channel: e.channel,
    source: e.source,
    visitorId: e.visitorId,
    customerId: e.customerId,
    orderId: e.orderId,
    campaignId: e.campaignId,
    skuId: e.skuId,
    amountFen: e.amountFen,
    items: e.items,
    reason: e.reason,
  };
  // Only when present, and last: events logged before these fields existed must hash as they did, or
  // their replays would turn into conflicts. (Set in place: a spread per event costs a batch ~1 ms.)
  if (e.carrier !== null) payload.carrier = e.carrier;
  if (e.trackingNumber !== null) payload.trackingNumber = e.trackingNumber;
  return payload;
}
