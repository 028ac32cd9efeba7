import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { fromRow, ProductRef, SkuRef, type SkuSource } from './product.schema.js';
import {
  averageDailyUnits,
  DEFAULT_SALES_DAYS,
  inventoryDays,
  listedDaysInWindow,
  isSlowMover,
  judgedForSlowMoving,
  MAX_SALES_DAYS,
  onSaleSince,
  salesWindow,
  sellThroughByProduct,
  SLOW_MOVER_DAYS,
  unitsSoldBySku,
  type ProductSellThrough,
} from './turnover.js';

/**
 * One loader per window length asked for in a request, so a page of SKUs (or products) reads its sales in
 * one statement whatever the page's size.
 */
function perDays<T>(load: (ctx: Context, ids: readonly string[], days: number) => Promise<T[]>) {
  const cache = createContextCache((_ctx: Context) => new Map<number, DataLoader<string, T>>());
  return (ctx: Context, days: number): DataLoader<string, T> => {
    const loaders = cache(ctx);
    let loader = loaders.get(days);
    if (!loader) {
      loader = new DataLoader<string, T>((ids) => load(ctx, ids, days));
      loaders.set(days, loader);
    }
    return loader;
  };
}

const unitsLoader = perDays(async (ctx, ids, days) => {
  const units = await unitsSoldBySku(ctx.db, ctx.viewer, ids, salesWindow(ctx.now(), days));
  return ids.map((id) => units.get(id) ?? 0);
});
const sellThroughLoader = perDays<ProductSellThrough>((ctx, ids, days) => sellThroughByProduct(ctx.db, ctx.viewer, ids, salesWindow(ctx.now(), days)));

/** The `days` argument every turnover field takes: the window's length. */
const daysArg = builder.args((t) => ({
  days: t.int({ defaultValue: DEFAULT_SALES_DAYS, description: `Complete Asia/Shanghai days before today (today is left out), 1 to ${MAX_SALES_DAYS}.` }),
}));

/** The units sold in the window, checking the window first so a bad `days` is refused before any read. */
function unitsSold(ctx: Context, skuId: string, days: number): Promise<number> {
  salesWindow(ctx.now(), days);
  return unitsLoader(ctx, days).load(skuId);
}

/** A SKU's units sold in the window, the days of it the SKU was listed in, and its stock. */
async function salesOf(ctx: Context, sku: SkuSource, days: number) {
  const window = salesWindow(ctx.now(), days);
  const [units, row] = await Promise.all([unitsLoader(ctx, days).load(sku.id), fromRow(sku, ctx, (r) => r)]);
  return { units, listedDays: listedDaysInWindow(window, row.createdAt), stock: row.stock };
}

builder.objectFields(SkuRef, (t) => ({
  unitsSold: t.int({
    // Sales figures need READ however they are reached: a SKU in updateSku's answer runs under MANAGE alone.
    authScopes: { read: true },
    description: 'Units sold in paid orders over the last `days` complete days, every channel and source.',
    args: daysArg,
    resolve: (s, { days }, ctx) => unitsSold(ctx, s.id, days ?? DEFAULT_SALES_DAYS),
  }),
  averageDailyUnitsSold: t.float({
    nullable: true,
    authScopes: { read: true },
    description:
      'unitsSold / the days of the window the SKU was listed in (its listing day counts whole): a SKU listed last week is averaged over its week. Null for a SKU listed today.',
    args: daysArg,
    resolve: async (s, { days }, ctx) => {
      const { units, listedDays } = await salesOf(ctx, s, days ?? DEFAULT_SALES_DAYS);
      return averageDailyUnits(units, listedDays);
    },
  }),
  inventoryDays: t.float({
    nullable: true,
    authScopes: { read: true },
    description:
      '库存周转天数 (DOMAIN.md): units in stock / averageDailyUnitsSold over the same days. 0 when nothing is in stock; null when nothing sold in the window (stock that does not move never turns over) or the SKU was listed today.',
    args: daysArg,
    resolve: async (s, { days }, ctx) => {
      const { units, listedDays, stock } = await salesOf(ctx, s, days ?? DEFAULT_SALES_DAYS);
      return inventoryDays(stock, units, listedDays);
    },
  }),
}));

function sellThrough(ctx: Context, productId: string, days: number): Promise<ProductSellThrough> {
  salesWindow(ctx.now(), days);
  return sellThroughLoader(ctx, days).load(productId);
}

builder.objectFields(ProductRef, (t) => ({
  onSaleSince: t.field({
    type: 'DateTime',
    nullable: true,
    description: 'When it last went on sale: its creation, or when it was put back on sale. Null while off sale. The slow-mover rule counts its 30 days from here.',
    resolve: (p) => (p.status === 'ON_SALE' ? onSaleSince(p) : null),
  }),
  sellThrough: t.float({
    nullable: true,
    // As the SKUs' figures: a product in createProduct's or updateProduct's answer runs under MANAGE alone.
    authScopes: { read: true },
    description:
      '动销率 of this product: its SKUs with a sale over the last `days` complete days / its SKUs. Null for a product off sale or without SKUs.',
    args: daysArg,
    resolve: async (p, { days }, ctx) => {
      const figures = await sellThrough(ctx, p.id, days ?? DEFAULT_SALES_DAYS);
      // As Metrics.sellThrough: a delisted product's SKUs are not on sale, so it has no rate.
      return p.status === 'ON_SALE' ? figures.rate : null;
    },
  }),
  slowMoving: t.boolean({
    nullable: true,
    authScopes: { read: true },
    description: `滞销 (the manuals' rule): no sale in the last ${SLOW_MOVER_DAYS} complete days, or at most 5 % of its SKUs selling in them. Null when the rule cannot judge it: off sale, without SKUs, every SKU out of stock (sold out is not slow), or on sale only within those ${SLOW_MOVER_DAYS} days (listed or back on sale: new).`,
    resolve: async (p, _args, ctx) => {
      if (!judgedForSlowMoving(p, salesWindow(ctx.now(), SLOW_MOVER_DAYS))) return null;
      return isSlowMover(await sellThrough(ctx, p.id, SLOW_MOVER_DAYS));
    },
  }),
}));
