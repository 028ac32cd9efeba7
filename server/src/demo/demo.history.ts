import { randomUUID } from 'node:crypto';
import type { Channel, TrafficSource } from '../db/enums.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import type { OrderStatus, orderItems, refunds } from '../modules/order/order.table.js';
import type { DemoShop, DemoSku } from './demo.catalog.js';
import { CustomerPool, type DemoCustomer } from './demo.customers.js';
import { INCIDENTS } from './demo.incidents.js';
import { WeightedTable, type Random } from './demo.random.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Complete Asia/Shanghai days before today; today is generated up to `now` on top of them. */
export const HISTORY_DAYS = 30;

export interface CampaignWindow {
  id: string;
  startsAt: Date;
  endsAt: Date;
  shopIds: readonly string[];
}

/** Exactly the order columns we set, all required, so the array goes to insert() as is. */
export interface DemoOrder {
  id: string;
  shopId: string;
  externalId: string;
  customerId: string;
  channel: Channel;
  source: TrafficSource;
  campaignId: string | null;
  status: OrderStatus;
  amountFen: number;
  refundedFen: number;
  placedAt: Date;
  paidAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  refundedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface History {
  orders: DemoOrder[];
  items: (typeof orderItems.$inferInsert)[];
  refunds: (typeof refunds.$inferInsert)[];
}

/** Shanghai hour-of-day weights: late-morning and evening peaks, quiet small hours, a tail after midnight. */
const HOUR_WEIGHTS = [
  3, 1.8, 0.8, 0.4, 0.3, 0.3, 0.5, 1.2, 2.2, 3.5, 5.5, 6,
  5, 4.2, 4, 4.2, 4.3, 4, 4, 5, 6.8, 7.5, 7.2, 5,
];
const NORMAL_HOURS = new WeightedTable(HOUR_WEIGHTS.map((w, h) => [h, w] as const));
/** The campaign's last day opens with the 零点 rush: the first hour outsells any other. */
const FINAL_DAY_HOURS = new WeightedTable(HOUR_WEIGHTS.map((w, h) => [h, h === 0 ? w * 10 : w] as const));

function sourceTable(platform: Channel, inCampaign: boolean): WeightedTable<TrafficSource> {
  // 抖音 sells through content and live streams, so SOCIAL takes share from search there.
  const douyin = platform === 'DOUYIN';
  return new WeightedTable<TrafficSource>([
    ['SEARCH', douyin ? 22 : 35],
    ['RECOMMENDATION', 20],
    ['CAMPAIGN', inCampaign ? 32 : 15],
    ['PAID', 12],
    ['SOCIAL', douyin ? 23 : 10],
    ['DIRECT', 5],
    ['OTHER', 3],
  ]);
}

const ITEM_COUNTS = new WeightedTable([[1, 60], [2, 30], [3, 10]] as const);
const CHEAP_QUANTITY = new WeightedTable([[1, 60], [2, 30], [3, 10]] as const);
const DEAR_QUANTITY = new WeightedTable([[1, 92], [2, 8]] as const);
const REFUND_BEFORE_SHIPPING = ['拍错了/不想要了', '未按约定时间发货', '协商一致退款'];
const REFUND_AFTER_SHIPPING = new WeightedTable([
  ['七天无理由退货', 40],
  ['质量问题', 22],
  ['发错货', 10],
  ['商品破损', 14],
  ['尺寸/规格与描述不符', 14],
] as const);
const PARTIAL_REFUND_REASONS = ['价保补差', '部分商品破损', '赠品未发', '少发配件'];

export interface HistoryInput {
  shops: readonly DemoShop[];
  skus: readonly DemoSku[];
  customers: readonly DemoCustomer[];
  campaigns: readonly CampaignWindow[];
  now: Date;
  random: Random;
}

export function buildHistory({ shops, skus, customers, campaigns, now, random }: HistoryInput): History {
  const history: History = { orders: [], items: [], refunds: [] };
  const nowMs = now.getTime();
  const today = shanghaiDate(now);
  const sources = new Map<string, WeightedTable<TrafficSource>>();
  const campaignAt = (shopId: string, at: number) =>
    campaigns.find((c) => c.shopIds.includes(shopId) && c.startsAt.getTime() <= at && at < c.endsAt.getTime());

  const perShop = new Map(
    shops.map((shop) => [
      shop.id,
      {
        skus: new WeightedTable(
          skus.filter((s) => s.shopId === shop.id && s.onSale).map((s) => [s, s.popularity] as const),
        ),
        customers: new CustomerPool(customers.filter((c) => c.shopId === shop.id)),
      },
    ]),
  );

  for (let daysAgo = HISTORY_DAYS; daysAgo >= 0; daysAgo--) {
    const date = addDays(today, -daysAgo);
    const dayStart = startOfShanghaiDay(date).getTime();
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    for (const shop of shops) {
      const { skus: shopSkus, customers: state } = perShop.get(shop.id)!;
      const campaign = campaignAt(shop.id, dayStart + 12 * HOUR_MS);
      const finalDay = campaign !== undefined && campaign.endsAt.getTime() === dayStart + DAY_MS;
      let volume = shop.baseDailyOrders * (weekday === 0 || weekday === 6 ? 1.12 : 1) * random.between(0.9, 1.1);
      if (campaign) volume *= finalDay ? 2.1 : 1.35;
      const drop = INCIDENTS.conversionDrop;
      if (shop.platform === drop.platform && daysAgo === drop.daysAgo) volume *= drop.orderFactor;
      const spike = INCIDENTS.refundSpike;
      const badBatch = shop.platform === spike.platform && daysAgo === spike.daysAgo;
      const refundRisk: RefundRisk = { fullRate: badBatch ? spike.fullRefundRate : 0.03, badBatch };

      const times: number[] = [];
      for (let i = Math.round(volume); i > 0; i--) {
        const hour = (finalDay ? FINAL_DAY_HOURS : NORMAL_HOURS).sample(random);
        // The 零点 rush is front-loaded into the first minutes after midnight.
        const second = finalDay && hour === 0 ? Math.floor(3600 * random.next() ** 3) : random.int(0, 3599);
        const at = dayStart + hour * HOUR_MS + second * 1000;
        if (at <= nowMs) times.push(at);
      }
      times.sort((a, b) => a - b);
      const compactDate = date.replaceAll('-', '');
      times.forEach((placedMs, index) => {
        const orderCampaign = campaignAt(shop.id, placedMs);
        const inCampaign = orderCampaign !== undefined;
        const sourceKey = `${shop.platform}:${inCampaign}`;
        let sourceWeights = sources.get(sourceKey);
        if (!sourceWeights) sources.set(sourceKey, (sourceWeights = sourceTable(shop.platform, inCampaign)));
        const customer = state.next(random, inCampaign);
        const order = buildOrder(random, nowMs, refundRisk, history, shopSkus, {
          id: randomUUID(),
          shopId: shop.id,
          externalId: `${shop.orderPrefix}${compactDate}${String(10000 + index)}`,
          customerId: customer.id,
          channel: shop.platform,
          source: sourceWeights.sample(random),
          campaignId: orderCampaign?.id ?? null,
          placedAt: new Date(placedMs),
        });
        history.orders.push(order);
      });
    }
  }
  return history;
}

type OrderBasics = Pick<
  DemoOrder,
  'id' | 'shopId' | 'externalId' | 'customerId' | 'channel' | 'source' | 'campaignId' | 'placedAt'
>;

/** A day's refund odds; a bad batch shipped that day comes back mostly as 质量问题. */
interface RefundRisk {
  fullRate: number;
  badBatch: boolean;
}

function buildOrder(
  random: Random,
  nowMs: number,
  risk: RefundRisk,
  history: History,
  shopSkus: WeightedTable<DemoSku>,
  basics: OrderBasics,
): DemoOrder {
  const placedMs = basics.placedAt.getTime();
  const lines: { sku: DemoSku; quantity: number }[] = [];
  const wanted = ITEM_COUNTS.sample(random);
  // Rejection sampling: skip duplicates and products not yet listed when the order was placed.
  for (let attempt = 0; lines.length < wanted && attempt < 100; attempt++) {
    const sku = shopSkus.sample(random);
    if (sku.listedAt.getTime() > placedMs || lines.some((l) => l.sku === sku)) continue;
    lines.push({ sku, quantity: (sku.role === 'TRAFFIC' ? CHEAP_QUANTITY : DEAR_QUANTITY).sample(random) });
  }
  if (lines.length === 0) throw new Error(`no listed SKU for order ${basics.externalId}`);
  for (const line of lines) {
    const { sku, quantity } = line;
    history.items.push({ orderId: basics.id, skuId: sku.id, quantity, unitPriceFen: sku.priceFen });
  }
  const amountFen = lines.reduce((sum, l) => sum + l.quantity * l.sku.priceFen, 0);
  const order: DemoOrder = {
    ...basics,
    status: 'PLACED',
    amountFen,
    refundedFen: 0,
    paidAt: null,
    shippedAt: null,
    deliveredAt: null,
    refundedAt: null,
    createdAt: basics.placedAt,
    updatedAt: basics.placedAt,
  };

  // Abandoned at the cashier (未付款), or placed so recently that payment has not arrived yet.
  const paidMs = placedMs + random.int(20, 900) * 1000;
  if (random.chance(0.04) || paidMs > nowMs) return order;
  const shippedMs = paidMs + random.int(4 * 3600, 40 * 3600) * 1000;
  const deliveredMs = shippedMs + random.int(18 * 3600, 96 * 3600) * 1000;
  order.paidAt = new Date(paidMs);
  if (shippedMs <= nowMs) order.shippedAt = new Date(shippedMs);
  if (deliveredMs <= nowMs) order.deliveredAt = new Date(deliveredMs);
  order.status = order.deliveredAt ? 'DELIVERED' : order.shippedAt ? 'SHIPPED' : 'PAID';

  const roll = random.next();
  if (roll < risk.fullRate) {
    // Refunds land within a week of payment, never in the future.
    const latest = Math.min(nowMs, paidMs + 7 * DAY_MS);
    const refundedMs = Math.round(paidMs + (latest - paidMs) * random.between(0.05, 1));
    if (order.shippedAt && order.shippedAt.getTime() > refundedMs) order.shippedAt = null;
    if (order.deliveredAt && order.deliveredAt.getTime() > refundedMs) order.deliveredAt = null;
    const reason = !order.shippedAt
      ? random.pick(REFUND_BEFORE_SHIPPING)
      : risk.badBatch && random.chance(0.8)
        ? '质量问题'
        : REFUND_AFTER_SHIPPING.sample(random);
    refund(history, order, amountFen, reason, refundedMs);
    order.status = 'REFUNDED';
  } else if (roll < risk.fullRate + 0.01 && order.shippedAt) {
    // A partial refund leaves the order SHIPPED/DELIVERED: one cheap item sent back, or a 补差 on a single line.
    const cheapestItem = Math.min(...lines.map((l) => l.sku.priceFen));
    const partFen = lines.length > 1 ? cheapestItem : Math.max(1, Math.round(amountFen * random.between(0.1, 0.3)));
    const sentMs = order.shippedAt.getTime();
    const refundedMs = Math.round(sentMs + (Math.min(nowMs, sentMs + 7 * DAY_MS) - sentMs) * random.next());
    refund(history, order, partFen, random.pick(PARTIAL_REFUND_REASONS), refundedMs);
  }
  order.updatedAt = new Date(
    Math.max(...[order.paidAt, order.shippedAt, order.deliveredAt, order.refundedAt].map((d) => d?.getTime() ?? 0)),
  );
  return order;
}

function refund(history: History, order: DemoOrder, amountFen: number, reason: string, refundedMs: number) {
  const refundedAt = new Date(refundedMs);
  order.refundedFen = amountFen;
  order.refundedAt = refundedAt;
  const row = { orderId: order.id, amountFen, reason, refundedAt, createdAt: refundedAt, updatedAt: refundedAt };
  history.refunds.push(row);
}
