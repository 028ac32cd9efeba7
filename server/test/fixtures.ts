import { shopsOf, SYSTEM, type Viewer } from '../src/auth/viewer.js';
import type { Db } from '../src/db/client.js';
import type { Channel, TrafficSource } from '../src/db/enums.js';
import { campaigns } from '../src/modules/campaign/campaign.table.js';
import { customers } from '../src/modules/customer/customer.table.js';
import { orderItems, orders, type OrderStatus } from '../src/modules/order/order.table.js';
import { products, skus } from '../src/modules/product/product.table.js';
import { shops } from '../src/modules/shop/shop.table.js';
import { hllEntry } from '../src/lib/hll.js';

// Direct inserts for test set-up: faster than going through the API, and independent of ingestion.

/** A partner's API key as a service sees it: SYSTEM's permissions, but only these shops' data. */
export const partnerViewer = (shopIds: readonly string[]): Viewer => ({ ...SYSTEM, id: 'key:partner', kind: 'API_KEY', displayName: 'partner', shops: shopsOf(shopIds) });

let shopSerial = 0;

/**
 * Shops get ids that are the same on every run of a file (the nth shop it inserts), not random ones:
 * visitor and buyer counts are HyperLogLog estimates over keys holding the shop's id, and a random id
 * made two of a test's few customers share a register about once in a thousand runs (4 buyers read 3).
 * With fixed ids a test's figures are the same every run. Never reused within a file, so nothing a
 * server cached for an earlier test's shop can answer for a later one. `id` fixes it outright.
 */
export async function insertShop(db: Db, name: string, platform: Channel = 'TMALL', id?: string) {
  id ??= `5a0b0000-0000-4000-8000-${(++shopSerial).toString(16).padStart(12, '0')}`;
  const [shop] = await db.insert(shops).values({ name, platform, id }).returning();
  return shop!;
}

export async function insertSku(db: Db, shopId: string, code: string, priceFen = 9_900) {
  const [product] = await db.insert(products).values({ shopId, name: `商品 ${code}`, category: '家居', role: 'TRAFFIC' }).returning();
  const [sku] = await db
    .insert(skus)
    .values({ productId: product!.id, shopId, code, priceFen, costFen: Math.floor(priceFen / 2), stock: 100 })
    .returning();
  return { product: product!, sku: sku! };
}

export async function insertCustomer(db: Db, shopId: string, externalId: string) {
  const [customer] = await db.insert(customers).values({ shopId, externalId }).returning();
  return customer!;
}

export async function insertCampaign(db: Db, shopIds: string[], name = '双11', window = { startsAt: new Date('2026-11-01T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') }) {
  const [campaign] = await db.insert(campaigns).values({ name, ...window, gmvTargetFen: 100_000_000, shopIds }).returning();
  return campaign!;
}

export interface OrderFixture {
  shopId: string;
  externalId: string;
  placedAt: Date;
  status?: OrderStatus;
  channel?: Channel;
  source?: TrafficSource;
  campaignId?: string | null;
  customerId?: string | null;
  items?: { skuId: string; quantity: number; unitPriceFen: number }[];
}

export async function insertOrder(db: Db, fixture: OrderFixture) {
  const items = fixture.items ?? [];
  const amountFen = items.reduce((sum, item) => sum + item.quantity * item.unitPriceFen, 0);
  const status = fixture.status ?? 'PAID';
  const [order] = await db
    .insert(orders)
    .values({
      shopId: fixture.shopId,
      externalId: fixture.externalId,
      channel: fixture.channel ?? 'TMALL',
      source: fixture.source ?? 'SEARCH',
      campaignId: fixture.campaignId ?? null,
      customerId: fixture.customerId ?? null,
      status,
      amountFen,
      placedAt: fixture.placedAt,
      paidAt: status === 'PLACED' ? null : new Date(fixture.placedAt.getTime() + 60_000),
    })
    .returning();
  if (items.length > 0) await db.insert(orderItems).values(items.map((item) => ({ ...item, orderId: order!.id })));
  return order!;
}

/** The Relay global id clients use for a row (base64 of "Type:uuid"). */
export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

/** `how` customer ids of `shopId` whose buyer keys (`shopId:customerId`) fall in one HyperLogLog register: a sketch counts them as one. */
export function customersSharingARegister(shopId: string, how: number): string[] {
  const byRegister = new Map<number, string[]>();
  for (let i = 0; ; i++) {
    const name = `buyer-${i}`;
    const { register } = hllEntry(`${shopId}:${name}`);
    const names = byRegister.get(register) ?? [];
    names.push(name);
    byRegister.set(register, names);
    if (names.length === how) return names;
  }
}
