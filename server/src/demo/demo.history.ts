import { encodeGlobalID } from '@pothos/plugin-relay';
import { addDays, DAY_MS, HOUR_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import type { TrafficIncident } from '../simulator/traffic.catalog.js';
import { TrafficGenerator } from '../simulator/traffic.generator.js';
import { foundInStream } from './demo.warehouse.js';
import type { DemoShop, DemoSku } from './demo.catalog.js';
import type { CampaignWindow } from './demo.campaigns.js';
import type { DemoCustomer } from './demo.customers.js';
import { INCIDENTS } from './demo.incidents.js';
import type { Random } from './demo.random.js';

/** Complete Asia/Shanghai days before today; today is generated up to `now` on top of them. */
export const HISTORY_DAYS = 30;
/**
 * Events on an ordinary weekday across the four shops: about 1,800 visits and 50 paid orders
 * (campaign days more). Every event goes through ingestion, at about 7,000 events a second on the
 * embedded database, so this sets how long a first start keeps loading: the month is ~146,000
 * events, ~20 s on PGlite and ~13 s on PostgreSQL, in the background (see README).
 */
export const DAILY_EVENTS = 4_000;

export interface HistoryInput {
  shops: readonly DemoShop[];
  skus: readonly DemoSku[];
  customers: readonly DemoCustomer[];
  campaigns: readonly CampaignWindow[];
  now: Date;
  /** Day-to-day volume (weekends, noise). */
  random: Random;
  /** Seed of the traffic itself. */
  seed: number;
  /** Multiplies the volume; tests load a fraction of the month. */
  scale?: number;
}

export interface History {
  /** Every event of the month in delivery order, as the shops' producers sent them. */
  events: EventInput[];
  /** Units each SKU (by id) sells over the history: paid orders whose items have arrived by `now`. */
  unitsSold: Map<string, number>;
}

/**
 * A month of traffic and orders as events, from the same generator the simulator uses, so the
 * demo's past goes through ingestion exactly as live traffic does. Event ids are fixed
 * (`demo-<n>`) and everything is seeded, so the same `now` regenerates the same month.
 */
export function buildHistory({ shops, skus, customers, campaigns, now, random, seed, scale = 1 }: HistoryInput): History {
  const nowMs = now.getTime();
  const today = shanghaiDate(now);
  const shopGid = new Map(shops.map((s) => [s.id, encodeGlobalID('Shop', s.id)]));
  const skuOf = new Map(skus.map((s) => [encodeGlobalID('Sku', s.id), s.id]));
  const generator = new TrafficGenerator({
    seed,
    tag: 'demo',
    // Order ids as the platforms' exports look: TM2026103000042.
    orderId: (shop, at, n) => `${shop.orderPrefix}${shanghaiDate(at).replaceAll('-', '')}${String(n).padStart(5, '0')}`,
    catalog: {
      shops: shops.map((shop) => ({
        id: shopGid.get(shop.id)!,
        platform: shop.platform,
        weight: shop.baseDailyOrders,
        orderPrefix: shop.orderPrefix,
        skus: skus
          .filter((s) => s.shopId === shop.id && s.onSale)
          .map((s) => ({ id: encodeGlobalID('Sku', s.id), priceFen: s.priceFen, weight: s.popularity, listedAt: s.listedAt })),
        customers: customers.filter((c) => c.shopId === shop.id).map((c) => c.externalId),
      })),
      campaigns: campaigns.map((c) => ({
        id: encodeGlobalID('Campaign', c.id),
        shopIds: c.shopIds.map((id) => shopGid.get(id)!),
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        theme: c.theme,
      })),
    },
    incidents: incidents(shops, today, shopGid),
  });

  const events: EventInput[] = [];
  for (let daysAgo = HISTORY_DAYS; daysAgo >= 0; daysAgo--) {
    const date = addDays(today, -daysAgo);
    const from = startOfShanghaiDay(date);
    const to = new Date(Math.min(from.getTime() + DAY_MS, nowMs));
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const campaign = campaigns.find((c) => c.startsAt <= from && from < c.endsAt);
    const finalDay = campaign !== undefined && campaign.endsAt.getTime() === from.getTime() + DAY_MS;
    let volume = DAILY_EVENTS * scale * (weekday === 0 || weekday === 6 ? 1.12 : 1) * random.between(0.9, 1.1);
    if (campaign) volume *= finalDay ? 2.1 : 1.35;
    // Today is cut at `now`: only the part of the day curve already behind us.
    const share = ((to.getTime() - from.getTime()) / DAY_MS) * generator.curveFactor(from, to);
    events.push(...generator.slice(from, to, volume * share));
  }
  events.push(...foundInStream(events, now));
  return { events, unitsSold: unitsSold(events, skuOf) };
}

function incidents(shops: readonly DemoShop[], today: string, shopGid: Map<string, string>): TrafficIncident[] {
  const day = (daysAgo: number) => ({ from: startOfShanghaiDay(addDays(today, -daysAgo)), to: startOfShanghaiDay(addDays(today, 1 - daysAgo)) });
  const shopOf = (platform: string) => shopGid.get(shops.find((s) => s.platform === platform)!.id)!;
  const { conversionDrop: drop, refundSpike: spike } = INCIDENTS;
  return [
    { shopId: shopOf(drop.platform), ...day(drop.daysAgo), source: drop.source, conversionFactor: drop.conversionFactor },
    { shopId: shopOf(spike.platform), ...day(spike.daysAgo), refundRate: spike.refundRate, refundReason: spike.reason },
  ];
}

/** Ingestion takes stock off when an order is both paid and its items are known; the same rule here. */
function unitsSold(events: readonly EventInput[], skuOf: Map<string, string>): Map<string, number> {
  const items = new Map<string, { skuId: string; quantity: number }[]>();
  const paid = new Set<string>();
  for (const e of events) {
    const key = `${e.shopId}|${e.orderId}`;
    if (e.type === 'ORDER_PLACED' && e.items) items.set(key, e.items);
    if (e.type === 'ORDER_PAID') paid.add(key);
  }
  const sold = new Map<string, number>();
  for (const key of paid) {
    for (const item of items.get(key) ?? []) {
      const id = skuOf.get(item.skuId)!;
      sold.set(id, (sold.get(id) ?? 0) + item.quantity);
    }
  }
  return sold;
}
