import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { fromRow, ProductRef, SkuRef } from './product.schema.js';
import {
  DEFAULT_SALES_DAYS,
  inventoryDays,
  isSlowMover,
  judgedForSlowMoving,
  MAX_SALES_DAYS,
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

const unitsLoader = perDays((ctx, ids, days) => unitsSoldBySku(ctx.db, ctx.viewer, ids, salesWindow(ctx.now(), days)));
const sellThroughLoader = perDays<ProductSellThrough>((ctx, ids, days) => sellThroughByProduct(ctx.db, ctx.viewer, ids, salesWindow(ctx.now(), days)));

const DAYS_DESCRIPTION = `Complete Asia/Shanghai days before today (today is left out), 1 to ${MAX_SALES_DAYS}.`;

/** The units sold in the window, checking the window first so a bad `days` is refused before any read. */
function unitsSold(ctx: Context, skuId: string, days: number): Promise<number> {
  salesWindow(ctx.now(), days);
  return unitsLoader(ctx, days).load(skuId);
}

builder.objectFields(SkuRef, (t) => ({
  unitsSold: t.int({
    description: 'Units sold in paid orders over the last `days` complete days, every channel and source.',
    args: { days: t.arg.int({ defaultValue: DEFAULT_SALES_DAYS, description: DAYS_DESCRIPTION }) },
    resolve: (s, { days }, ctx) => unitsSold(ctx, s.id, days ?? DEFAULT_SALES_DAYS),
  }),
  averageDailyUnitsSold: t.float({
    description: 'unitsSold / days.',
    args: { days: t.arg.int({ defaultValue: DEFAULT_SALES_DAYS, description: DAYS_DESCRIPTION }) },
    resolve: async (s, { days }, ctx) => {
      const window = days ?? DEFAULT_SALES_DAYS;
      return (await unitsSold(ctx, s.id, window)) / window;
    },
  }),
  inventoryDays: t.float({
    nullable: true,
    description:
      '库存周转天数 (DOMAIN.md): units in stock / average daily units sold over the last `days` complete days. 0 when nothing is in stock; null when nothing sold in the window (stock that does not move never turns over).',
    args: { days: t.arg.int({ defaultValue: DEFAULT_SALES_DAYS, description: DAYS_DESCRIPTION }) },
    resolve: async (s, { days }, ctx) => {
      const window = days ?? DEFAULT_SALES_DAYS;
      const [units, stock] = await Promise.all([unitsSold(ctx, s.id, window), fromRow(s, ctx, (sku) => sku.stock)]);
      return inventoryDays(stock, units, window);
    },
  }),
}));

function sellThrough(ctx: Context, productId: string, days: number): Promise<ProductSellThrough> {
  salesWindow(ctx.now(), days);
  return sellThroughLoader(ctx, days).load(productId);
}

builder.objectFields(ProductRef, (t) => ({
  sellThrough: t.float({
    nullable: true,
    description:
      '动销率 of this product: its SKUs with a sale over the last `days` complete days / its SKUs. Null for a product without SKUs.',
    args: { days: t.arg.int({ defaultValue: DEFAULT_SALES_DAYS, description: DAYS_DESCRIPTION }) },
    resolve: async (p, { days }, ctx) => (await sellThrough(ctx, p.id, days ?? DEFAULT_SALES_DAYS)).rate,
  }),
  slowMoving: t.boolean({
    nullable: true,
    description: `滞销 (the manuals' rule): no sale in the last ${SLOW_MOVER_DAYS} complete days, or at most 5 % of its SKUs selling in them. Null when the rule cannot judge it: off sale, without SKUs, or listed within those ${SLOW_MOVER_DAYS} days (a new product).`,
    resolve: async (p, _args, ctx) => {
      if (!judgedForSlowMoving(p, salesWindow(ctx.now(), SLOW_MOVER_DAYS))) return null;
      const figures = await sellThrough(ctx, p.id, SLOW_MOVER_DAYS);
      return figures.rate === null ? null : isSlowMover(figures);
    },
  }),
}));
