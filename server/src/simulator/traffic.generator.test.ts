import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import type { TrafficSource } from '../db/enums.js';
import { yuanToFen } from '../lib/money.js';
import { parseEvent, type EventInput } from '../modules/ingest/ingest.parse.js';
import type { TrafficCatalog } from './traffic.catalog.js';
import { TrafficGenerator } from './traffic.generator.js';
import { PaidTally, type GeneratorOptions } from './traffic.options.js';
import { SOURCE_MIX } from './traffic.shape.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const shop = (n: number) => encodeGlobalID('Shop', uuid(n));
const sku = (n: number) => encodeGlobalID('Sku', uuid(100 + n));
const CAMPAIGN = encodeGlobalID('Campaign', uuid(900));
/** Midnight, Asia/Shanghai, on 2026-11-01. */
const DAY_ONE = new Date('2026-11-01T00:00:00+08:00').getTime();

function catalog(withCampaign: boolean): TrafficCatalog {
  const prices = [990, 2990, 6900, 16900, 39900, 129900];
  return {
    shops: [
      { id: shop(1), platform: 'TMALL', orderPrefix: 'TM', skus: prices.map((p, i) => ({ id: sku(i), priceFen: p })), customers: ['c-1', 'c-2', 'c-3'] },
      { id: shop(2), platform: 'JD', orderPrefix: 'JD', skus: prices.map((p, i) => ({ id: sku(10 + i), priceFen: p })) },
      { id: shop(3), platform: 'PINDUODUO', orderPrefix: 'PDD', skus: prices.map((p, i) => ({ id: sku(20 + i), priceFen: p })) },
    ],
    campaigns: withCampaign
      ? [{ id: CAMPAIGN, shopIds: [shop(1), shop(2)], startsAt: new Date(DAY_ONE), endsAt: new Date(DAY_ONE + 3 * DAY), theme: '满300减50' }]
      : [],
  };
}

/** Three days in hourly slices, then a week more with no new traffic so every refund comes due. */
function run(options: Partial<GeneratorOptions> & { withCampaign?: boolean } = {}, eventsPerHour = 4_000): EventInput[][] {
  const generator = new TrafficGenerator({ catalog: catalog(options.withCampaign ?? false), seed: 7, ...options });
  const slices: EventInput[][] = [];
  for (let t = DAY_ONE; t < DAY_ONE + 3 * DAY; t += HOUR) {
    slices.push(generator.slice(new Date(t), new Date(t + HOUR), eventsPerHour * generator.curveFactor(new Date(t), new Date(t + HOUR))));
  }
  slices.push(generator.slice(new Date(DAY_ONE + 3 * DAY), new Date(DAY_ONE + 10 * DAY), 0));
  return slices;
}

const uniqueEvents = (events: EventInput[]) => [...new Map(events.map((e) => [`${e.shopId}|${e.id}`, e])).values()];
const count = (events: EventInput[], type: EventInput['type']) => events.filter((e) => e.type === type).length;

describe('traffic generator', () => {
  const flat = uniqueEvents(run().flat());

  it('follows the funnel: views, carts, orders, payments and refunds at the configured rates', () => {
    const visits = count(flat, 'VISIT');
    expect(visits).toBeGreaterThan(100_000);
    expect(count(flat, 'PRODUCT_VIEW') / visits).toBeCloseTo(0.6 * 1.8, 1);
    expect(count(flat, 'ADD_TO_CART') / visits).toBeGreaterThan(0.6 * 0.14);
    expect(count(flat, 'ADD_TO_CART') / visits).toBeLessThan(0.6 * 0.14 * 1.25);
    const placed = count(flat, 'ORDER_PLACED');
    expect(placed / visits).toBeGreaterThan(0.025);
    expect(placed / visits).toBeLessThan(0.036);
    expect(count(flat, 'ORDER_PAID') / placed).toBeCloseTo(0.9, 1);
    expect(count(flat, 'ORDER_REFUNDED') / count(flat, 'ORDER_PAID')).toBeGreaterThan(0.02);
    expect(count(flat, 'ORDER_REFUNDED') / count(flat, 'ORDER_PAID')).toBeLessThan(0.045);
  });

  it('ships almost every paid order 10–60 minutes after payment and delivers it a day or three later; a few stay unshipped', () => {
    const byOrder = new Map<string, Partial<Record<EventInput['type'], EventInput>>>();
    for (const e of flat.filter((e) => e.orderId)) {
      const key = `${e.shopId}|${e.orderId}`;
      byOrder.set(key, { ...byOrder.get(key), [e.type]: e });
    }
    const paid = [...byOrder.values()].filter((o) => o.ORDER_PAID);
    const shipped = paid.filter((o) => o.ORDER_SHIPPED);
    expect(shipped.length / paid.length).toBeGreaterThan(0.97);
    expect(paid.length - shipped.length).toBeGreaterThan(0);
    for (const o of shipped) {
      const waited = o.ORDER_SHIPPED!.occurredAt.getTime() - o.ORDER_PAID!.occurredAt.getTime();
      expect(waited).toBeGreaterThanOrEqual(10 * 60_000);
      expect(waited).toBeLessThanOrEqual(60 * 60_000);
      expect(o.ORDER_SHIPPED!.carrier).toBeTruthy();
      expect(o.ORDER_SHIPPED!.trackingNumber).toMatch(/^[A-Z0-9]{13,15}$/);
      const onTheRoad = o.ORDER_DELIVERED!.occurredAt.getTime() - o.ORDER_SHIPPED!.occurredAt.getTime();
      expect(onTheRoad).toBeGreaterThanOrEqual(18 * HOUR);
      expect(onTheRoad).toBeLessThanOrEqual(3 * DAY);
    }
    // Nothing ships that was never paid.
    expect([...byOrder.values()].filter((o) => (o.ORDER_SHIPPED || o.ORDER_DELIVERED) && !o.ORDER_PAID)).toEqual([]);
  });

  it('converts 2–4 % of visitors into buyers, as the manuals’ figures do', () => {
    const firstDay = flat.filter((e) => e.occurredAt.getTime() < DAY_ONE + DAY);
    const visitors = new Set(firstDay.filter((e) => e.type === 'VISIT').map((e) => `${e.shopId}|${e.visitorId}`));
    const buyers = new Set(firstDay.filter((e) => e.type === 'ORDER_PAID').map((e) => `${e.shopId}|${e.customerId}`));
    expect(buyers.size / visitors.size).toBeGreaterThan(0.02);
    expect(buyers.size / visitors.size).toBeLessThan(0.04);
  });

  it('mixes traffic sources and platforms as configured', () => {
    const visits = flat.filter((e) => e.type === 'VISIT');
    const total = Object.values(SOURCE_MIX).reduce((s, w) => s + w, 0);
    for (const [source, weight] of Object.entries(SOURCE_MIX) as [TrafficSource, number][]) {
      expect(visits.filter((e) => e.source === source).length / visits.length, source).toBeCloseTo(weight / total, 1);
    }
    const share = (id: string) => visits.filter((e) => e.shopId === id).length / visits.length;
    expect(share(shop(1))).toBeCloseTo(30 / 77, 1);
    expect(share(shop(3))).toBeCloseTo(21 / 77, 1);
    expect(new Set(visits.map((e) => e.channel))).toEqual(new Set(['TMALL', 'JD', 'PINDUODUO']));
  });

  it('keeps every order consistent: one source, campaign and customer, exact money, payment after placing', () => {
    const events = uniqueEvents(run({ withCampaign: true }).flat());
    const byOrder = new Map<string, EventInput[]>();
    for (const e of events.filter((e) => e.orderId)) byOrder.set(`${e.shopId}|${e.orderId}`, [...(byOrder.get(`${e.shopId}|${e.orderId}`) ?? []), e]);
    let discounted = 0;
    for (const [key, orderEvents] of byOrder) {
      const placed = orderEvents.find((e) => e.type === 'ORDER_PLACED')!;
      expect(placed, key).toBeDefined();
      for (const e of orderEvents) {
        expect([e.source, e.campaignId ?? null, e.channel], key).toEqual([placed.source, placed.campaignId ?? null, placed.channel]);
        if (e.customerId) expect(e.customerId).toBe(placed.customerId);
        if (e.amount) expect(e.amount).toMatch(/^\d+\.\d{2}$/);
      }
      const itemsFen = placed.items!.reduce((sum, i) => sum + i.quantity * yuanToFen(i.unitPrice), 0);
      const expected = placed.campaignId && itemsFen >= 30_000 ? itemsFen - 5_000 : itemsFen;
      if (expected !== itemsFen) discounted++;
      expect(yuanToFen(placed.amount!), key).toBe(expected);
      const paid = orderEvents.find((e) => e.type === 'ORDER_PAID');
      if (!paid) continue;
      expect(paid.amount).toBe(placed.amount);
      expect(paid.customerId).toBeTruthy();
      expect(paid.occurredAt.getTime()).toBeGreaterThan(placed.occurredAt.getTime());
      const refunds = orderEvents.filter((e) => e.type === 'ORDER_REFUNDED');
      const refundedFen = refunds.reduce((sum, r) => sum + yuanToFen(r.amount!), 0);
      expect(refundedFen).toBeLessThanOrEqual(yuanToFen(paid.amount!));
      for (const r of refunds) expect(r.occurredAt.getTime()).toBeGreaterThan(paid.occurredAt.getTime());
    }
    expect(discounted).toBeGreaterThan(0);
    // Only the campaign's shops, and only inside its window, are attributed to it.
    const attributed = events.filter((e) => e.campaignId === CAMPAIGN && e.type === 'VISIT');
    expect(attributed.length).toBeGreaterThan(0);
    expect(attributed.every((e) => e.shopId !== shop(3))).toBe(true);
  });

  it('counts an order for the campaign live when it is placed, even when its shopper arrived before the campaign opened', () => {
    // A 返场 opening at noon: shoppers browsing at 11:58 who check out at 12:03 buy in it, with its 满减.
    const opens = DAY_ONE + 12 * HOUR;
    const base = catalog(false);
    const generator = new TrafficGenerator({
      catalog: { ...base, campaigns: [{ id: CAMPAIGN, shopIds: [shop(1), shop(2)], startsAt: new Date(opens), endsAt: new Date(DAY_ONE + DAY), theme: '满300减50' }] },
      seed: 11,
    });
    const events: EventInput[] = [];
    for (let t = opens - HOUR; t < opens + HOUR; t += 10_000) events.push(...generator.slice(new Date(t), new Date(t + 10_000), 15 * generator.curveFactor(new Date(t), new Date(t + 10_000))));
    const inShops = uniqueEvents(events).filter((e) => e.shopId !== shop(3));
    const placed = inShops.filter((e) => e.type === 'ORDER_PLACED');
    const after = placed.filter((e) => e.occurredAt.getTime() >= opens);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((e) => e.campaignId === CAMPAIGN)).toBe(true);
    expect(placed.filter((e) => e.occurredAt.getTime() < opens).every((e) => !e.campaignId)).toBe(true);
    // Among them, orders whose shopper's visit began before noon: the case a visit's own campaign got wrong.
    const visitAt = new Map(inShops.filter((e) => e.type === 'VISIT').map((e) => [e.visitorId, e.occurredAt.getTime()]));
    const early = inShops.filter((e) => (e.type === 'PRODUCT_VIEW' || e.type === 'ADD_TO_CART') && e.occurredAt.getTime() >= opens && (visitAt.get(e.visitorId) ?? Infinity) < opens);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((e) => e.campaignId === CAMPAIGN)).toBe(true);
    expect(inShops.filter((e) => e.occurredAt.getTime() < opens).every((e) => !e.campaignId)).toBe(true);
  });

  it('makes only events that pass ingestion’s own input checks', () => {
    const events = run({ withCampaign: true }, 300).flat();
    const now = new Date(DAY_ONE + 30 * DAY);
    const issues = events.flatMap((e, i) => {
      const parsed = parseEvent(e, i, now);
      return 'issues' in parsed ? [{ id: e.id, issues: parsed.issues }] : [];
    });
    expect(issues).toEqual([]);
  });

  it('gives the same events for the same seed and slices, and other events for another seed', () => {
    const a = run({}, 500);
    expect(run({}, 500)).toEqual(a);
    expect(run({ seed: 8 }, 500)).not.toEqual(a);
    expect(a[0]![0]!.id).toMatch(/^sim-7-\d+$/);
  });

  it('delivers about 1 % of events twice, as exact copies, and every other id once', () => {
    const events = run().flat();
    const seen = new Map<string, EventInput>();
    let repeats = 0;
    for (const e of events) {
      const first = seen.get(e.id);
      if (first) {
        repeats++;
        expect(e).toEqual(first);
      } else seen.set(e.id, e);
    }
    expect(repeats / seen.size).toBeGreaterThan(0.007);
    expect(repeats / seen.size).toBeLessThan(0.013);
  });

  it('sorts a slice by time unless it shuffles it, and sometimes a payment arrives before its order', () => {
    const sorted = run({ shuffleRate: 0 }, 500);
    for (const slice of sorted) {
      const times = slice.map((e) => e.occurredAt.getTime());
      // Late deliveries (a repeat, a late ORDER_PLACED) carry their original time.
      const inversions = times.filter((t, i) => i > 0 && t < times[i - 1]!).length;
      expect(inversions).toBeLessThanOrEqual(Math.max(2, slice.length * 0.05));
    }
    const delivered = run({ latePlacementRate: 0.2 }, 500).flat();
    const position = new Map(delivered.map((e, i) => [`${e.type}|${e.orderId}`, i]));
    const paidFirst = delivered.filter((e) => e.type === 'ORDER_PAID' && position.get(`ORDER_PLACED|${e.orderId}`)! > position.get(`ORDER_PAID|${e.orderId}`)!);
    expect(paidFirst.length).toBeGreaterThan(0);
  });

  it('carries payments and refunds that fall after a slice into the slice they belong to', () => {
    const generator = new TrafficGenerator({ catalog: catalog(false), seed: 3, shuffleRate: 0 });
    const first = generator.slice(new Date(DAY_ONE), new Date(DAY_ONE + 10 * 60_000), 20_000);
    expect(first.every((e) => e.occurredAt.getTime() < DAY_ONE + 10 * 60_000)).toBe(true);
    expect(generator.pending).toBeGreaterThan(0);
    const rest = generator.slice(new Date(DAY_ONE + 10 * 60_000), new Date(DAY_ONE + 30 * DAY), 0);
    expect(rest.some((e) => e.type === 'ORDER_PAID')).toBe(true);
    expect(rest.some((e) => e.type === 'ORDER_REFUNDED')).toBe(true);
    expect(generator.pending).toBe(0);
    expect(() => generator.slice(new Date(DAY_ONE), new Date(DAY_ONE + 1), 1)).toThrow(/move forward/);
  });

  it('after a warm-up, payments flow from the first minute, and only orders at the cashier come from before it', () => {
    const generator = new TrafficGenerator({ catalog: catalog(false), seed: 5 });
    const start = new Date(DAY_ONE + 12 * HOUR);
    generator.warmUp(start, 15 * 60_000, 15 * 60 * 50);
    const firstMinute = generator.slice(start, new Date(start.getTime() + 60_000), 50 * 60);
    const all = [...firstMinute, ...generator.slice(new Date(start.getTime() + 60_000), new Date(DAY_ONE + 20 * DAY), 0)];
    // At 50 events/s about 0.6 orders are paid each second once traffic flows.
    expect(count(uniqueEvents(firstMinute), 'ORDER_PAID')).toBeGreaterThan(15);
    expect(all.filter((e) => e.occurredAt < start).every((e) => e.type === 'ORDER_PLACED')).toBe(true);
    const placed = new Set(all.filter((e) => e.type === 'ORDER_PLACED').map((e) => e.orderId));
    expect(all.filter((e) => e.orderId && !placed.has(e.orderId))).toEqual([]);
    const paid = new Set(all.filter((e) => e.type === 'ORDER_PAID').map((e) => e.orderId));
    expect(all.filter((e) => e.occurredAt < start && !paid.has(e.orderId))).toEqual([]);
  });

  it('shapes a Double 11 day: the 零点 rush, a night trough and the evening peak', () => {
    const events = uniqueEvents(run({ withCampaign: true }).slice(0, 24).flat()).filter((e) => e.type === 'VISIT');
    const inHour = (h: number) => events.filter((e) => e.occurredAt.getTime() >= DAY_ONE + h * HOUR && e.occurredAt.getTime() < DAY_ONE + (h + 1) * HOUR).length;
    expect(inHour(0) / inHour(4)).toBeGreaterThan(6);
    expect(inHour(21)).toBeGreaterThan(inHour(15));
    expect(inHour(0)).toBeGreaterThan(inHour(21));
  });

  it('draws buyers from the shop’s members first, with repeat buyers', () => {
    const paid = uniqueEvents(run().flat()).filter((e) => e.type === 'ORDER_PAID' && e.shopId === shop(1));
    const customers = paid.map((e) => e.customerId!);
    expect(customers).toContain('c-1');
    expect(new Set(customers).size).toBeLessThan(customers.length);
  });

  it('sells no more of a SKU than its stock, as a platform does, and sells it again once restocked', () => {
    const stocked = catalog(false);
    const bestSeller = stocked.shops[0]!.skus[0]!; // the cheapest: sells most
    bestSeller.stock = 5;
    const generator = new TrafficGenerator({ catalog: stocked, seed: 11 });
    // Ingestion's rule for stock, as the demo's database applies it: an order's lines are taken off once it
    // is both placed and paid, whichever of the two arrives last, and a copy of an event changes nothing.
    const stock = new Map([[bestSeller.id, 5]]);
    const placedItems = new Map<string, EventInput['items']>();
    const paidOrders = new Set<string>();
    const taken = new Set<string>();
    const ingest = (events: EventInput[]) => {
      for (const e of events) {
        if (e.type === 'ORDER_PLACED') placedItems.set(e.orderId!, e.items);
        if (e.type === 'ORDER_PAID') paidOrders.add(e.orderId!);
        const items = placedItems.get(e.orderId ?? '');
        if (!items || !paidOrders.has(e.orderId!) || taken.has(e.orderId!)) continue;
        taken.add(e.orderId!);
        for (const item of items) if (stock.has(item.skuId)) stock.set(item.skuId, stock.get(item.skuId)! - item.quantity);
      }
    };
    const cartsOfBestSeller: number[] = [];
    const lowest: number[] = [];
    for (let hour = 0; hour < 48; hour++) {
      if (hour === 24) stock.set(bestSeller.id, stock.get(bestSeller.id)! + 20); // the restock lands
      const from = new Date(DAY_ONE + hour * HOUR);
      const to = new Date(from.getTime() + HOUR);
      const events = generator.slice(from, to, 4_000 * generator.curveFactor(from, to));
      cartsOfBestSeller.push(events.filter((e) => e.type === 'ADD_TO_CART' && e.skuId === bestSeller.id).length);
      ingest(events);
      lowest.push(stock.get(bestSeller.id)!);
      generator.updateStock(stock);
    }
    expect(Math.min(...lowest)).toBe(0); // sold out, never oversold
    expect(lowest[23]).toBe(0);
    expect(lowest[47]).toBe(0); // the 20 restocked units sold too
    expect(cartsOfBestSeller.slice(0, 24).some((n) => n > 0)).toBe(true);
    const soldOutHour = lowest.indexOf(0);
    // Once none is left, nobody puts it in a cart until the restock.
    expect(cartsOfBestSeller.slice(soldOutHour + 1, 24).every((n) => n === 0)).toBe(true);
    expect(cartsOfBestSeller.slice(24).some((n) => n > 0)).toBe(true);
    // The other SKUs (stock not given) sell as before.
    expect(taken.size).toBeGreaterThan(100);
  });

  it('tallies paid orders and GMV once per payment, however often it is delivered', () => {
    const slices = run({}, 500);
    const paid = uniqueEvents(slices.flat()).filter((e) => e.type === 'ORDER_PAID');
    const tally = new PaidTally();
    for (const slice of slices) tally.add(slice);
    expect(tally.ordersPaid).toBe(paid.length);
    expect(tally.gmvFen).toBe(paid.reduce((sum, e) => sum + yuanToFen(e.amount!), 0));
  });
});
