import type { Channel, TrafficSource } from '../db/enums.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { discountFen, parseDiscount } from '../simulator/traffic.catalog.js';
import { paymentDelayMs, pickCarrier } from '../simulator/traffic.orders.js';
import { DOUBLE_11_DAY, SOURCE_MIX } from '../simulator/traffic.shape.js';
import type { DemoShop, DemoSku } from './demo.catalog.js';
import type { CampaignWindow } from './demo.campaigns.js';
import { WeightedTable, type Random } from './demo.random.js';


/** 达成率 the 618 lands on: a little short of its target, as most real 618s do. */
export const ACHIEVEMENT_618 = 0.964;
/**
 * 618 baskets lean on 形象款 (mattresses, robot vacuums, blenders) and 囤货 quantities: ~¥700 an
 * order where an ordinary day's is ~¥140, so ~4,100 orders carry the ¥3M target and the first
 * start's load stays short (every order is four or five events through ingestion).
 */
const ROLE_WEIGHT_618: Record<DemoSku['role'], number> = { IMAGE: 20, PROFIT: 2.5, TRAFFIC: 0.5 };
/** Day by day over 6.1–6.18: the 开门红 opening, a mid-campaign lull, the 6.16–6.18 climb to the final night. */
const DAY_WEIGHTS = [2.4, 1.3, 1.0, 0.9, 0.9, 0.95, 1.0, 0.9, 0.85, 0.9, 1.0, 1.1, 1.0, 1.0, 1.05, 1.3, 1.7, 3.6];
/** Share of the shops in the 618's GMV: Tmall and JD lead the appliance-heavy festival. */
const SHOP_WEIGHT: Record<Channel, number> = { TMALL: 34, JD: 30, DOUYIN: 20, PINDUODUO: 16, TAOBAO: 10, XIAOHONGSHU: 5, OWN_SITE: 3 };
/** Douyin's 618 is a live-stream festival: half its orders come through 直播 (SOCIAL). */
const DOUYIN_MIX: Record<TrafficSource, number> = { SOCIAL: 50, CAMPAIGN: 18, SEARCH: 12, RECOMMENDATION: 12, PAID: 4, DIRECT: 3, OTHER: 1 };
/** Buyers of the 618 who had bought before June (老客), by orders. */
const RETURNING_SHARE = 0.38;
/** Orders before June: customers' first purchases, spread over the five months before the 618. */
const PRIOR_DAYS = 145;
const PRIOR_ORDERS = 1_600;

/** One order as the shop's producer would report it, with its whole life (payment, shipping, refund). */
export interface PlannedOrder {
  shopId: string;
  orderId: string;
  customerId: string;
  source: TrafficSource;
  /** Attributed to the 618; false for the customers' earlier orders. */
  inCampaign: boolean;
  lines: { sku: DemoSku; quantity: number }[];
  amountFen: number;
  placedAt: number;
  paidAt: number;
  shippedAt: number | null;
  carrier: { carrier: string; trackingNumber: string } | null;
  deliveredAt: number | null;
  refund: { at: number; amountFen: number; reason: string } | null;
}

export interface OrdersInput {
  shops: readonly DemoShop[];
  skus: readonly DemoSku[];
  /** The demo's members with the day they joined: nobody buys before joining. */
  members: readonly { shopId: string; externalId: string; joinedAt: Date }[];
  campaign: CampaignWindow & { gmvTargetFen: number };
  random: Random;
  scale: number;
}

/** The incidents the 618's alerts, milestones and lessons tell of. */
export const INCIDENTS_618 = {
  /** A bad batch of 四件套 on Pinduoduo: orders paid on 6.5 and 6.6 came back as 质量问题. */
  refundSpike: { platform: 'PINDUODUO' as Channel, days: [4, 5], rate: 0.3, reason: '质量问题' },
  /** 爆仓: from 6.16 20:00 to 6.18 14:00 Tmall and JD could not ship a share of orders within a day. */
  backlog: { platforms: ['TMALL', 'JD'] as Channel[], fromHours: 15 * 24 + 20, toHours: 17 * 24 + 14, share: 0.45 },
};

const REFUND_REASONS = new WeightedTable([
  ['七天无理由退货', 34],
  ['尺码不符', 22],
  ['质量问题', 16],
  ['商品破损', 10],
  ['价保补差', 12],
  ['拍错/不想要了', 6],
] as const);

/**
 * Orders of the customers' first months (January–May) and of the 618 itself, hour by hour along
 * the 618's day and hour curve until the GMV planned for that moment is sold, so the campaign ends
 * at ACHIEVEMENT_618 of its target (times `scale`).
 */
export function plan618Orders({ shops, skus, members, campaign, random, scale }: OrdersInput): PlannedOrder[] {
  const start = campaign.startsAt.getTime();
  const discount = parseDiscount(campaign.theme);
  const state = new Map(shops.map((shop) => [shop.id, newBuyers(shop, members)]));
  const shopTable = new WeightedTable(shops.map((s) => [s, SHOP_WEIGHT[s.platform]] as const));
  const tables = new Map<string, { anchor: WeightedTable<DemoSku>; addOn: WeightedTable<DemoSku> } | null>();
  /** Before June everyday weights, SKUs listed by the month's start; in the 618 the premium lean. */
  const skuTables = (shopId: string, at: number) => {
    const inCampaign = at >= start;
    const month = inCampaign ? null : shanghaiDate(new Date(at)).slice(0, 7);
    const key = `${shopId}|${month}`;
    if (!tables.has(key)) {
      const listedBy = month === null ? start : startOfShanghaiDay(`${month}-01`).getTime();
      const list = skus.filter((s) => s.shopId === shopId && s.onSale && s.listedAt.getTime() <= listedBy);
      const addOns = list.filter((s) => s.role !== 'IMAGE');
      tables.set(
        key,
        list.length === 0 || addOns.length === 0
          ? null
          : {
              anchor: new WeightedTable(list.map((s) => [s, s.popularity * (inCampaign ? ROLE_WEIGHT_618[s.role] : 1)] as const)),
              addOn: new WeightedTable(addOns.map((s) => [s, s.popularity] as const)),
            },
      );
    }
    return tables.get(key)!;
  };

  const orders: PlannedOrder[] = [];
  /** An order of `shop` at `at`; null when the shop had nothing listed yet. */
  const order = (shop: DemoShop, at: number, inCampaign: boolean): PlannedOrder | null => {
    const s = state.get(shop.id)!;
    const table = skuTables(shop.id, at);
    if (!table) return null;
    const { anchor, addOn } = table;
    const source = sourceOf(shop.platform, inCampaign, random);
    const first = anchor.sample(random);
    const lines = [{ sku: first, quantity: quantity(first, inCampaign, random) }];
    for (const p of inCampaign ? [0.45, 0.15] : [0.2]) {
      if (!random.chance(p)) break;
      const sku = addOn.sample(random);
      if (!lines.some((l) => l.sku === sku)) lines.push({ sku, quantity: quantity(sku, inCampaign, random) });
    }
    const total = lines.reduce((sum, l) => sum + l.quantity * l.sku.priceFen, 0);
    const customerId = inCampaign ? s.campaignBuyer(at, random) : s.priorBuyer(at, random);
    const paidAt = Math.min(at + paymentDelayMs(random), inCampaign ? campaign.endsAt.getTime() - 1000 : at + HOUR_MS);
    const placed: PlannedOrder = {
      shopId: shop.id,
      orderId: `${shop.orderPrefix}${shanghaiDate(new Date(at)).replaceAll('-', '')}${String(s.orderNumber()).padStart(7, '0')}`,
      customerId,
      source,
      inCampaign,
      lines,
      amountFen: total - (inCampaign ? discountFen(total, discount) : 0),
      placedAt: at,
      paidAt,
      shippedAt: null,
      carrier: null,
      deliveredAt: null,
      refund: null,
    };
    fulfil(placed, shop.platform, start, random);
    orders.push(placed);
    return placed;
  };

  // In time order, so a member's first order always follows the day they joined.
  const priorTimes = Array.from({ length: Math.round(PRIOR_ORDERS * scale) }, () => start - Math.floor((4 + random.next() * (PRIOR_DAYS - 4)) * DAY_MS));
  for (const at of priorTimes.sort((a, b) => a - b)) order(shopTable.sample(random), at, false);

  const weights = DAY_WEIGHTS.flatMap((d, day) => DOUBLE_11_DAY.map((h, hour) => d * h * (day === 17 && hour === 0 ? 1.6 : 1)));
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  const plannedFen = campaign.gmvTargetFen * ACHIEVEMENT_618 * scale;
  let soldFen = 0;
  let cumulative = 0;
  weights.forEach((w, hour) => {
    cumulative += (plannedFen * w) / totalWeight;
    const from = start + hour * HOUR_MS;
    while (soldFen < cumulative) {
      const at = from + Math.floor(random.next() * HOUR_MS);
      const placed = order(shopTable.sample(random), at, true);
      if (placed) soldFen += placed.amountFen;
      else if (shops.every((shop) => skuTables(shop.id, at) === null)) return;
    }
  });
  return orders;
}

function sourceOf(platform: Channel, inCampaign: boolean, random: Random): TrafficSource {
  const mix = platform === 'DOUYIN' && inCampaign ? DOUYIN_MIX : { ...SOURCE_MIX, CAMPAIGN: SOURCE_MIX.CAMPAIGN * (inCampaign ? 2 : 0.2) };
  return random.weighted(Object.entries(mix) as [TrafficSource, number][]);
}

/** 形象款 one at a time; 618 buyers stock up (囤货) on the cheap ones. */
function quantity(sku: DemoSku, inCampaign: boolean, random: Random): number {
  if (sku.role === 'IMAGE') return random.chance(0.1) ? 2 : 1;
  if (sku.role === 'PROFIT') return random.int(1, inCampaign ? 3 : 2);
  return random.int(inCampaign ? 2 : 1, inCampaign ? 8 : 3);
}

/**
 * One shop's buyers: who had bought before June (老客), who was won during the 618, and when each
 * last bought. A newcomer is a member who joined before the order and has not bought yet, or else
 * a new customer id (not a member).
 */
function newBuyers(shop: DemoShop, members: OrdersInput['members']) {
  const joined = members.filter((m) => m.shopId === shop.id).sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  const prior: string[] = [];
  const won: string[] = [];
  const bought = new Set<string>();
  const last = new Map<string, number>();
  let minted = 0;
  let orders = 0;
  const newcomer = (at: number, random: Random): string => {
    let eligible = 0;
    while (eligible < joined.length && joined[eligible]!.joinedAt.getTime() < at) eligible++;
    for (let attempt = 0; attempt < 4 && eligible > 0; attempt++) {
      const id = joined[random.int(0, eligible - 1)]!.externalId;
      if (!bought.has(id)) return id;
    }
    return `c618-${shop.orderPrefix}${String(++minted).padStart(5, '0')}`;
  };
  const bought1 = (id: string, at: number, list: string[]) => {
    if (!bought.has(id)) list.push(id);
    bought.add(id);
    last.set(id, at);
    return id;
  };
  const rested = (id: string, at: number) => at - (last.get(id) ?? -Infinity) >= DAY_MS;
  return {
    orderNumber: () => ++orders,
    /** Before June a fifth of the orders are someone's second purchase. */
    priorBuyer(at: number, random: Random): string {
      if (prior.length > 0 && random.chance(0.2)) return bought1(random.pick(prior), at, prior);
      return bought1(newcomer(at, random), at, prior);
    },
    /** A 老客 who has not bought in the last day, a 618 newcomer coming back, or a new buyer. */
    campaignBuyer(at: number, random: Random): string {
      const pool = random.chance(RETURNING_SHARE) ? prior : random.chance(0.12) ? won : [];
      for (let attempt = 0; attempt < 4 && pool.length > 0; attempt++) {
        const id = random.pick(pool);
        if (rested(id, at)) return bought1(id, at, won);
      }
      return bought1(newcomer(at, random), at, won);
    },
  };
}

/**
 * Shipping, delivery and refunds. The warehouse ships within hours, except in the 爆仓 of the last
 * two days on Tmall and JD; refunds come for the usual reasons, for 质量问题 on Pinduoduo's bad day,
 * and as 发货太慢 from buyers whose parcel had not left after a day.
 */
function fulfil(o: PlannedOrder, platform: Channel, start: number, random: Random) {
  const { refundSpike, backlog } = INCIDENTS_618;
  const hour = (o.paidAt - start) / HOUR_MS;
  const late = o.inCampaign && backlog.platforms.includes(platform) && hour >= backlog.fromHours && hour < backlog.toHours && random.chance(backlog.share);
  const shipDelay = late ? random.int(26 * 60, 52 * 60) * MINUTE_MS : random.int(30, 10 * 60) * MINUTE_MS;
  const spike = o.inCampaign && platform === refundSpike.platform && refundSpike.days.includes(Math.floor(hour / 24));

  if (late && random.chance(0.1)) {
    o.refund = { at: o.paidAt + random.int(24 * 60, 26 * 60) * MINUTE_MS, amountFen: o.amountFen, reason: '发货太慢' };
    return;
  }
  if (!spike && random.chance(0.012)) {
    o.refund = { at: o.paidAt + random.int(5, 120) * MINUTE_MS, amountFen: o.amountFen, reason: '拍错/不想要了' };
    return;
  }
  o.shippedAt = o.paidAt + shipDelay;
  o.carrier = pickCarrier(random);
  o.deliveredAt = o.shippedAt + Math.round(18 * HOUR_MS + random.next() ** 1.5 * 54 * HOUR_MS);
  if (spike && random.chance(refundSpike.rate)) {
    o.refund = { at: o.deliveredAt + random.int(2, 20) * HOUR_MS, amountFen: o.amountFen, reason: refundSpike.reason };
    return;
  }
  if (!random.chance(o.inCampaign ? 0.055 : 0.03)) return;
  const reason = REFUND_REASONS.sample(random);
  if (reason === '价保补差') {
    o.refund = { at: o.paidAt + random.int(1, 6) * DAY_MS, amountFen: Math.max(1, Math.round(o.amountFen * random.between(0.05, 0.15))), reason };
  } else if (reason !== '拍错/不想要了') {
    o.refund = { at: o.deliveredAt + random.int(6, 5 * 24) * HOUR_MS, amountFen: o.amountFen, reason };
  }
}
