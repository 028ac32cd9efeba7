import { shanghaiDate } from '../src/lib/time.js';

/**
 * A seeded random stream of producer events with its expected totals computed independently of
 * PeakOps' code, straight from the metric definitions in DOMAIN.md.
 */
export interface StreamShop {
  gid: string;
  skus: { gid: string; priceFen: number }[];
  campaignGid: string | null;
}

export interface Expected {
  gmvFen: number;
  netGmvFen: number;
  orders: number;
  ordersPlaced: number;
  refundedOrders: number;
  refundedFen: number;
  visits: number;
  pageViews: number;
  addToCarts: number;
  unitsSold: number;
  visitors: Set<string>;
  carters: Set<string>;
  buyers: Set<string>;
  gmvByDay: Map<string, number>;
  gmvBySource: Map<string, number>;
}

export interface Stream {
  /** Valid events, each exactly once. */
  events: Record<string, unknown>[];
  /** Events that must be rejected, with the reason. */
  invalid: Record<string, unknown>[];
  expected: Expected;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['SEARCH', 'RECOMMENDATION', 'CAMPAIGN', 'PAID', 'SOCIAL', 'DIRECT', 'OTHER'] as const;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

export function buildStream(options: { seed: number; sessions: number; shops: StreamShop[]; start: Date; hours: number }): Stream {
  const random = mulberry32(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: Record<string, unknown>[] = [];
  const invalid: Record<string, unknown>[] = [];
  const expected: Expected = {
    gmvFen: 0, netGmvFen: 0, orders: 0, ordersPlaced: 0, refundedOrders: 0, refundedFen: 0, visits: 0, pageViews: 0,
    addToCarts: 0, unitsSold: 0, visitors: new Set(), carters: new Set(), buyers: new Set(), gmvByDay: new Map(), gmvBySource: new Map(),
  };
  let n = 0;
  const id = () => `ev-${options.seed}-${n++}`;
  const span = options.hours * 3_600_000;
  for (let s = 0; s < options.sessions; s++) {
    const shop = pick(options.shops);
    const source = pick(SOURCES);
    const campaignId = shop.campaignGid && random() < 0.7 ? shop.campaignGid : null;
    const visitor = `v${Math.floor(random() * options.sessions * 0.7)}`;
    const t = options.start.getTime() + Math.floor(random() * span);
    const base = { shopId: shop.gid, source, campaignId };
    const at = (offset: number) => new Date(t + offset).toISOString();
    events.push({ ...base, id: id(), type: 'VISIT', occurredAt: at(0), visitorId: visitor });
    expected.visits++;
    expected.pageViews++;
    expected.visitors.add(`${shop.gid}:${visitor}`);
    if (random() < 0.6) {
      const sku = pick(shop.skus);
      events.push({ ...base, id: id(), type: 'PRODUCT_VIEW', occurredAt: at(20_000), visitorId: visitor, skuId: sku.gid });
      expected.pageViews++;
      if (random() < 0.3) {
        events.push({ ...base, id: id(), type: 'ADD_TO_CART', occurredAt: at(40_000), visitorId: visitor, skuId: sku.gid });
        expected.addToCarts++;
        expected.carters.add(`${shop.gid}:${visitor}`);
      }
    }
    if (random() < 0.08) {
      const orderId = `o-${options.seed}-${s}`;
      const customer = `c${Math.floor(random() * options.sessions * 0.05)}`;
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const sku = pick(shop.skus);
        return { skuId: sku.gid, quantity: 1 + Math.floor(random() * 3), unitPrice: yuan(sku.priceFen), fen: sku.priceFen };
      });
      const total = items.reduce((sum, i) => sum + i.quantity * i.fen, 0);
      const wire = items.map(({ fen: _fen, ...i }) => i);
      const order = { ...base, orderId };
      events.push({ ...order, id: id(), type: 'ORDER_PLACED', occurredAt: at(60_000), items: wire, customerId: customer });
      expected.ordersPlaced++;
      if (random() < 0.9) {
        const paidAt = t + 90_000;
        // A discount makes the paid amount differ from the items total, as 满300减50 does.
        const paid = total >= 30_000 ? total - 5_000 : total;
        events.push({ ...order, id: id(), type: 'ORDER_PAID', occurredAt: new Date(paidAt).toISOString(), amount: yuan(paid), customerId: customer });
        expected.orders++;
        expected.gmvFen += paid;
        expected.unitsSold += items.reduce((sum, i) => sum + i.quantity, 0);
        expected.buyers.add(`${shop.gid}:${customer}`);
        const day = shanghaiDate(new Date(paidAt));
        expected.gmvByDay.set(day, (expected.gmvByDay.get(day) ?? 0) + paid);
        expected.gmvBySource.set(source, (expected.gmvBySource.get(source) ?? 0) + paid);
        if (random() < 0.1) {
          const first = random() < 0.5 ? paid : Math.max(1, Math.floor(paid / 3));
          events.push({ ...order, id: id(), type: 'ORDER_REFUNDED', occurredAt: at(3_600_000), amount: yuan(first), reason: '七天无理由' });
          expected.refundedOrders++;
          expected.refundedFen += first;
          if (first < paid && random() < 0.5) {
            // A second, later partial refund: the order still counts once as refunded.
            const second = paid - first;
            events.push({ ...order, id: id(), type: 'ORDER_REFUNDED', occurredAt: at(7_200_000), amount: yuan(second), reason: '质量问题' });
            expected.refundedFen += second;
          }
        }
      }
    }
    if (random() < 0.01) invalid.push({ ...base, id: id(), type: 'VISIT', occurredAt: at(0) });
    if (random() < 0.005) invalid.push({ ...base, id: id(), type: 'ORDER_PAID', occurredAt: at(0), orderId: `bad-${s}`, amount: '1.001', customerId: 'c' });
  }
  expected.netGmvFen = expected.gmvFen - expected.refundedFen;
  return { events, invalid, expected };
}

export function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export function chunks<T>(list: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
}
