import { and, eq, gte, inArray, lt, sql, sum, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../../lib/time.js';
import { skuRollups } from '../metrics/metrics.table.js';
import { products, skus } from './product.table.js';

/**
 * How fast stock turns over (DOMAIN.md: 库存周转天数 = units in stock / average daily units sold) and the
 * manuals' slow-mover rule (滞销: no sale for 30 days, or sell-through ≤ 5 %). Sales come from the SKU day
 * rollups, which ingestion writes in the same transaction as the orders and history keeps whole.
 */
export const DEFAULT_SALES_DAYS = 30;
export const MAX_SALES_DAYS = 365;
/** The manuals' slow-mover rule: judged over 30 days, at or under 5 % of a product's SKUs selling. */
export const SLOW_MOVER_DAYS = 30;
export const SLOW_MOVER_SELL_THROUGH = 0.05;

export interface SalesWindow {
  days: number;
  from: Date;
  to: Date;
}

/**
 * The last `days` complete Asia/Shanghai days before `now`'s day. Today is left out: half a day's sales
 * would pull the average down every morning.
 */
export function salesWindow(now: Date, days: number): SalesWindow {
  if (!Number.isInteger(days) || days < 1 || days > MAX_SALES_DAYS) {
    throw new DomainError('INVALID_INPUT', `days must be a whole number from 1 to ${MAX_SALES_DAYS}`, ['days']);
  }
  const today = shanghaiDate(now);
  return { days, from: startOfShanghaiDay(addDays(today, -days)), to: startOfShanghaiDay(today) };
}

/** Units each SKU sold in the window (0 for none), over every channel, source and campaign. */
export async function unitsSoldBySku(db: DbOrTx, viewer: Viewer, skuIds: readonly string[], window: SalesWindow): Promise<number[]> {
  if (skuIds.length === 0) return [];
  const rows = await db
    .select({ skuId: skuRollups.skuId, units: sum(skuRollups.unitsSold).mapWith(Number) })
    .from(skuRollups)
    .where(
      and(
        eq(skuRollups.granularity, 'DAY'),
        inArray(skuRollups.skuId, [...skuIds]),
        gte(skuRollups.bucket, window.from),
        lt(skuRollups.bucket, window.to),
        shopVisible(viewer, skuRollups.shopId),
      ),
    )
    .groupBy(skuRollups.skuId);
  const units = new Map(rows.map((r) => [r.skuId, r.units]));
  return skuIds.map((id) => units.get(id) ?? 0);
}

/**
 * 库存周转天数: days the stock lasts at the window's average daily sales. 0 when nothing is in stock (an
 * oversell too); null when nothing sold, since stock that does not move never turns over.
 */
export function inventoryDays(stock: number, unitsSold: number, days: number): number | null {
  if (stock <= 0) return 0;
  if (unitsSold <= 0) return null;
  return stock / (unitsSold / days);
}

export interface ProductSellThrough {
  skus: number;
  skusSold: number;
  /** skusSold / skus; null for a product without SKUs. */
  rate: number | null;
}

const instant = (at: Date): SQL => sql`${at.toISOString()}::timestamptz`;

/** A product's SKUs with a sale in the window, as an SQL count over `skus` rows in scope. */
function soldSkuCount(window: SalesWindow): SQL<number> {
  return sql<number>`count(*) filter (where exists (
    select 1 from ${skuRollups}
    where ${skuRollups.granularity} = 'DAY' and ${skuRollups.skuId} = ${skus.id}
      and ${skuRollups.bucket} >= ${instant(window.from)} and ${skuRollups.bucket} < ${instant(window.to)} and ${skuRollups.unitsSold} > 0))`.mapWith(Number);
}

/** Sell-through (动销率) of each product's own SKUs over the window, in the order of the ids given. */
export async function sellThroughByProduct(
  db: DbOrTx,
  viewer: Viewer,
  productIds: readonly string[],
  window: SalesWindow,
): Promise<ProductSellThrough[]> {
  if (productIds.length === 0) return [];
  const rows = await db
    .select({ productId: skus.productId, skus: sql<number>`count(*)`.mapWith(Number), sold: soldSkuCount(window) })
    .from(skus)
    .where(and(inArray(skus.productId, [...productIds]), shopVisible(viewer, skus.shopId)))
    .groupBy(skus.productId);
  const byProduct = new Map(rows.map((r) => [r.productId, r]));
  return productIds.map((id) => {
    const row = byProduct.get(id);
    if (!row || row.skus === 0) return { skus: 0, skusSold: 0, rate: null };
    return { skus: row.skus, skusSold: row.sold, rate: row.sold / row.skus };
  });
}

/**
 * The slow-mover rule can judge a product that is on sale, has SKUs and was listed before its 30 days
 * began: a product listed last week has not gone 30 days without a sale, it is new (the new-product rule's).
 */
export function judgedForSlowMoving(product: { status: string; createdAt: Date }, window: SalesWindow): boolean {
  return product.status === 'ON_SALE' && product.createdAt.getTime() <= window.from.getTime();
}

export function isSlowMover(sellThrough: ProductSellThrough): boolean {
  return sellThrough.rate !== null && sellThrough.rate <= SLOW_MOVER_SELL_THROUGH;
}

/** `products.slowMoving` as a condition on `products` rows, for the list filter. */
export function slowMovingCondition(now: Date): SQL {
  const window = salesWindow(now, SLOW_MOVER_DAYS);
  const counts = sql`select count(*) as skus, ${soldSkuCount(window)} as sold from ${skus} where ${skus.productId} = ${products.id}`;
  return sql`(${products.status} = 'ON_SALE' and ${products.createdAt} <= ${instant(window.from)}
    and exists (select 1 from (${counts}) c where c.skus > 0 and c.sold <= c.skus * ${SLOW_MOVER_SELL_THROUGH}::numeric))`;
}
