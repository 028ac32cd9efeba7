import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { campaigns, customers, products, shops, skuRollups, skus } from '../db/tables.js';
import { ORDER_PREFIX, type SimShop, type TrafficCatalog } from './traffic.catalog.js';
import { DAY_MS } from '../lib/time.js';

/** Enough members per shop for repeat buyers; more only slows the start. */
const CUSTOMERS_PER_SHOP = 5_000;

/**
 * The catalog as the in-process simulator sees it: active shops, SKUs of products on sale,
 * campaigns not yet over, and each shop's members, buyers first.
 */
export async function loadCatalog(db: DbOrTx, now: Date): Promise<TrafficCatalog> {
  const shopRows = await db.select({ id: shops.id, platform: shops.platform }).from(shops).where(eq(shops.active, true)).orderBy(asc(shops.createdAt), asc(shops.id));
  const skuRows = await db
    .select({ id: skus.id, shopId: skus.shopId, priceFen: skus.priceFen, stock: skus.stock, listedAt: products.createdAt })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(eq(products.status, 'ON_SALE'))
    .orderBy(asc(skus.shopId), asc(skus.code));
  // What sold over the last 30 days keeps selling: the live traffic keeps the shops' best sellers (Pareto).
  const sales = await db
    .select({ skuId: skuRollups.skuId, units: sql<number>`sum(${skuRollups.unitsSold})::int` })
    .from(skuRollups)
    .where(and(eq(skuRollups.granularity, 'DAY'), gte(skuRollups.bucket, new Date(now.getTime() - 30 * DAY_MS))))
    .groupBy(skuRollups.skuId);
  const unitsOf = new Map(sales.map((s) => [s.skuId, s.units]));
  const campaignRows = await db.select().from(campaigns).where(and(isNull(campaigns.cancelledAt), gt(campaigns.endsAt, now))).orderBy(asc(campaigns.startsAt));

  const catalog: TrafficCatalog = {
    shops: [],
    campaigns: campaignRows.map((c) => ({
      id: encodeGlobalID('Campaign', c.id),
      shopIds: c.shopIds.map((id) => encodeGlobalID('Shop', id)),
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      theme: c.theme,
    })),
  };
  for (const shop of shopRows) {
    const members = await db
      .select({ externalId: customers.externalId, paidOrders: customers.paidOrders })
      .from(customers)
      .where(eq(customers.shopId, shop.id))
      .orderBy(desc(customers.paidOrders), asc(customers.externalId))
      .limit(CUSTOMERS_PER_SHOP);
    const simShop: SimShop = {
      id: encodeGlobalID('Shop', shop.id),
      platform: shop.platform,
      orderPrefix: ORDER_PREFIX[shop.platform],
      skus: skuRows
        .filter((s) => s.shopId === shop.id)
        .map((s) => ({
          id: encodeGlobalID('Sku', s.id),
          priceFen: s.priceFen,
          listedAt: s.listedAt,
          stock: s.stock,
          // Unsold SKUs still get looked at now and then; without any sales data, cheaper sells more.
          ...(unitsOf.size > 0 ? { weight: (unitsOf.get(s.id) ?? 0) + 0.5 } : {}),
        })),
      customers: members.map((m) => m.externalId),
      repeatBuyers: members.filter((m) => m.paidOrders > 0).length,
    };
    catalog.shops.push(simShop);
  }
  return catalog;
}

/**
 * The stock of the catalog's SKUs as ingestion has it now (by global id, as the catalog names them):
 * the demo reads it again now and then, so a restock sells and a sold-out SKU stops selling.
 */
export async function loadStock(db: DbOrTx, catalog: TrafficCatalog): Promise<Map<string, number>> {
  const ids = catalog.shops.flatMap((shop) => shop.skus.map((sku) => decodeGlobalID(sku.id).id));
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: skus.id, stock: skus.stock }).from(skus).where(inArray(skus.id, ids));
  return new Map(rows.map((row) => [encodeGlobalID('Sku', row.id), row.stock]));
}
