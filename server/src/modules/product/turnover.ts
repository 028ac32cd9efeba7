import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { DomainError } from '../../errors.js';
import { addDays, DAY_MS, shanghaiDate, startOfShanghaiDay } from '../../lib/time.js';
import { skuRollups } from '../metrics/metrics.table.js';
import { decomposeWindow, piecesCondition, type Window } from '../metrics/metrics.window.js';
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
    throw new DomainError(
      'INVALID_INPUT',
      { en: `days must be a whole number from 1 to ${MAX_SALES_DAYS}`, zh: `days 必须是 1 到 ${MAX_SALES_DAYS} 之间的整数` },
      ['days'],
    );
  }
  const today = shanghaiDate(now);
  return { days, from: startOfShanghaiDay(addDays(today, -days)), to: startOfShanghaiDay(today) };
}

/**
 * Units each SKU sold in the window, over every channel, source and campaign, from the SKU rollups (whole
 * days from DAY rows, whole hours from HOUR rows, the edges from minutes): the turnover fields' days and
 * the LOW_STOCK rule's last hours alike. SKUs without a sale are absent. The ids go as one array
 * parameter: a list of placeholders stops at 65,535, and the rule asks for every SKU near its line.
 */
export function unitsSoldQuery(db: DbOrTx, viewer: Viewer, skuIds: readonly string[], window: Window) {
  return db
    .select({ skuId: skuRollups.skuId, units: sql<number>`coalesce(sum(${skuRollups.unitsSold}), 0)`.mapWith(Number) })
    .from(skuRollups)
    .where(
      and(
        sql`${skuRollups.skuId} = any(${sql.param([...skuIds])}::uuid[])`,
        piecesCondition(skuRollups, decomposeWindow(window.from, window.to)),
        shopVisible(viewer, skuRollups.shopId),
      ),
    )
    .groupBy(skuRollups.skuId);
}

export async function unitsSoldBySku(db: DbOrTx, viewer: Viewer, skuIds: readonly string[], window: Window): Promise<Map<string, number>> {
  if (skuIds.length === 0) return new Map();
  return new Map((await unitsSoldQuery(db, viewer, skuIds, window)).map((r) => [r.skuId, r.units]));
}

/**
 * The days of the window a SKU was listed in: its listing day counts whole (上架天数), the days before it
 * not at all, so a SKU listed last week is averaged over its week, not over 30 days of which it missed 23.
 * 0 for a SKU listed today.
 */
export function listedDaysInWindow(window: SalesWindow, listedAt: Date): number {
  const listingDay = startOfShanghaiDay(shanghaiDate(listedAt)).getTime();
  return Math.max(0, Math.round((window.to.getTime() - Math.max(window.from.getTime(), listingDay)) / DAY_MS));
}

/** Units a day over the days the SKU was listed in the window; null for a SKU listed today (no complete day yet). */
export function averageDailyUnits(unitsSold: number, listedDays: number): number | null {
  return listedDays === 0 ? null : unitsSold / listedDays;
}

/**
 * 库存周转天数: days the stock lasts at the average daily sales. 0 when nothing is in stock (an oversell
 * too); null when nothing sold, since stock that does not move never turns over, or when the SKU was
 * listed today and has no day to average over.
 */
export function inventoryDays(stock: number, unitsSold: number, listedDays: number): number | null {
  if (stock <= 0) return 0;
  const average = averageDailyUnits(unitsSold, listedDays);
  return average === null || average === 0 ? null : stock / average;
}

export interface ProductSellThrough {
  skus: number;
  skusSold: number;
  /** Its SKUs with stock above 0: with none, nothing can sell, so the slow-mover rule does not judge it. */
  skusInStock: number;
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
    .select({
      productId: skus.productId,
      skus: sql<number>`count(*)`.mapWith(Number),
      sold: soldSkuCount(window),
      inStock: sql<number>`count(*) filter (where ${skus.stock} > 0)`.mapWith(Number),
    })
    .from(skus)
    .where(and(inArray(skus.productId, [...productIds]), shopVisible(viewer, skus.shopId)))
    .groupBy(skus.productId);
  const byProduct = new Map(rows.map((r) => [r.productId, r]));
  return productIds.map((id) => {
    const row = byProduct.get(id);
    if (!row || row.skus === 0) return { skus: 0, skusSold: 0, skusInStock: 0, rate: null };
    return { skus: row.skus, skusSold: row.sold, skusInStock: row.inStock, rate: row.sold / row.skus };
  });
}

/** When a product went (back) on sale: `onSaleSince`, or its creation when it never left. */
export function onSaleSince(product: { onSaleSince: Date | null; createdAt: Date }): Date {
  return product.onSaleSince ?? product.createdAt;
}

/**
 * The slow-mover rule judges a product on sale since before its 30 days began: one listed (or back on
 * sale) last week has not gone 30 days without a sale, it is new (the new-product rule's).
 */
export function judgedForSlowMoving(product: { status: string; onSaleSince: Date | null; createdAt: Date }, window: SalesWindow): boolean {
  return product.status === 'ON_SALE' && onSaleSince(product).getTime() <= window.from.getTime();
}

/**
 * 滞销: at most 5 % of its SKUs sold in the window (none sold is 0 %). Not judged without SKUs, nor with
 * every SKU out of stock: a product that sold out is not slow, it has nothing left to sell.
 */
export function isSlowMover(sellThrough: ProductSellThrough): boolean | null {
  if (sellThrough.rate === null || sellThrough.skusInStock === 0) return null;
  return sellThrough.rate <= SLOW_MOVER_SELL_THROUGH;
}

/** `products.slowMoving` as a condition on `products` rows, for the list filter: the same rule as isSlowMover. */
export function slowMovingCondition(now: Date): SQL {
  const window = salesWindow(now, SLOW_MOVER_DAYS);
  const counts = sql`select count(*) as skus, ${soldSkuCount(window)} as sold, count(*) filter (where ${skus.stock} > 0) as in_stock
    from ${skus} where ${skus.productId} = ${products.id}`;
  return sql`(${products.status} = 'ON_SALE' and coalesce(${products.onSaleSince}, ${products.createdAt}) <= ${instant(window.from)}
    and exists (select 1 from (${counts}) c where c.skus > 0 and c.in_stock > 0 and c.sold <= c.skus * ${SLOW_MOVER_SELL_THROUGH}::numeric))`;
}
