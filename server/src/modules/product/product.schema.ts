import { createContextCache } from '@pothos/core';
import { canSeeShop } from '../../auth/viewer.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { fenToYuan } from '../../lib/money.js';
import { ShopRef } from '../shop/shop.schema.js';
import {
  createProduct,
  listProducts,
  loadProducts,
  loadSkus,
  skusOfProducts,
  updateProduct,
  updateSku,
} from './product.service.js';
import { lowStockLinesAt } from './low-stock.js';
import { skuFacts, type SkuFacts } from './product.facts.js';
import { PRODUCT_ROLES, PRODUCT_STATUSES, type ProductRow, type SkuRow } from './product.table.js';

const ProductRoleEnum = builder.enumType('ProductRole', {
  description: 'Role in the assortment: 引流款 TRAFFIC, 利润款 PROFIT, 形象款 IMAGE.',
  values: PRODUCT_ROLES,
});
const ProductStatusEnum = builder.enumType('ProductStatus', { values: PRODUCT_STATUSES });

/** The low-stock lines in force, read once per request (or live tick): never a settings read per SKU. */
const lowStockLinesOf = createContextCache((ctx: Context) => lowStockLinesAt(ctx.db, ctx.now()));

/** A SKU as a field may hand it over: its whole row, or only its facts from the cache (product.facts.ts). */
export type SkuSource = SkuRow | SkuFacts;

export const SkuRef = builder.loadableNode('Sku', {
  description: 'A sellable variant of a product, with its price and inventory.',
  id: uuidNodeId<SkuSource>(),
  load: async (ids: string[], ctx): Promise<SkuSource[]> => {
    const rows = await loadSkus(ctx.db, ctx.viewer, ids);
    skuFacts(ctx.db).remember(rows);
    return rows;
  },
  sort: (sku) => sku.id,
  fields: (t) => ({
    code: t.exposeString('code', { description: 'The merchant SKU code (货号), unique within a shop.' }),
    spec: t.string({ resolve: (s, _args, ctx) => fromRow(s, ctx, (sku) => sku.spec) }),
    price: t.field({ type: 'Decimal', resolve: (s, _args, ctx) => fromRow(s, ctx, (sku) => fenToYuan(sku.priceFen)) }),
    cost: t.field({ type: 'Decimal', resolve: (s, _args, ctx) => fromRow(s, ctx, (sku) => fenToYuan(sku.costFen)) }),
    stock: t.int({ resolve: (s, _args, ctx) => fromRow(s, ctx, (sku) => sku.stock) }),
    lowStockThreshold: t.int({
      description: 'The SKU’s own low-stock line (50 unless changed). A LOW_STOCK alert setting in force for its shop replaces it: lowStockLine.',
      resolve: (s, _args, ctx) => fromRow(s, ctx, (sku) => sku.lowStockThreshold),
    }),
    lowStockLine: t.int({
      description:
        'The line the SKU is low at, as the LOW_STOCK alert judges it: the rule’s threshold in force for its shop (a campaign under way, the shop, the installation), else lowStockThreshold.',
      resolve: async (s, _args, ctx) => (await lowStockLinesOf(ctx)).of(await fromRow(s, ctx, (sku) => sku)),
    }),
    lowStock: t.boolean({
      description: 'Stock at or below lowStockLine (库存≤预警线), the LOW_STOCK alert’s line, so a campaign does not oversell.',
      resolve: async (s, _args, ctx) => {
        const [lines, sku] = await Promise.all([lowStockLinesOf(ctx), fromRow(s, ctx, (row) => row)]);
        return sku.stock <= lines.of(sku);
      },
    }),
  }),
});

/**
 * A field of the SKU's whole row: at once when the source is the row, else read through the SKU loader,
 * so every SKU of a page that asks for more than its facts is still read in one statement, and fresh.
 */
export function fromRow<T>(source: SkuSource, ctx: Context, field: (sku: SkuRow) => T): T | Promise<T> {
  if (isWholeRow(source)) return field(source);
  return SkuRef.getDataloader(ctx)
    .load(source.id)
    .then((row) => {
      // The facts came from a SKU the caller may see (visibleSkuFacts), so the loader finds its row.
      if (!isWholeRow(row)) throw new Error(`SKU ${source.id} was read without its row`);
      return field(row);
    });
}

function isWholeRow(source: SkuSource): source is SkuRow {
  return 'priceFen' in source;
}

/**
 * A SKU's facts from the cache, without a query, when the caller may see its shop; else undefined and
 * the field hands over the id for the loader. For fields that name a SKU many times a page (order lines):
 * `sku { code }` then costs no statement once the SKUs were read once on this instance.
 */
export function visibleSkuFacts(ctx: Context, id: string): SkuFacts | undefined {
  const facts = skuFacts(ctx.db).get(id);
  return facts && canSeeShop(ctx.viewer, facts.shopId) ? facts : undefined;
}

export const ProductRef = builder.loadableNode('Product', {
  id: uuidNodeId<ProductRow>(),
  load: (ids: string[], ctx) => loadProducts(ctx.db, ctx.viewer, ids),
  sort: (product) => product.id,
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (p) => p.shopId }),
    name: t.exposeString('name'),
    category: t.exposeString('category'),
    role: t.expose('role', { type: ProductRoleEnum }),
    status: t.expose('status', { type: ProductStatusEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    skus: t.loadableList({
      type: SkuRef,
      load: (productIds: string[], ctx) => skusOfProducts(ctx.db, ctx.viewer, productIds),
      resolve: (p) => p.id,
    }),
  }),
});

builder.objectField(SkuRef, 'product', (t) => t.field({ type: ProductRef, resolve: (s) => s.productId }));

const ProductFilter = builder.inputType('ProductFilter', {
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef }),
    role: t.field({ type: ProductRoleEnum }),
    status: t.field({ type: ProductStatusEnum }),
    lowStock: t.boolean({ description: 'Only products with a SKU at or below its low-stock line (Sku.lowStockLine, the LOW_STOCK alert’s).' }),
    slowMoving: t.boolean({ description: 'true: only slow movers (Product.slowMoving is true); false: every product that is not one.' }),
    createdSince: t.field({ type: 'DateTime', description: 'Only products created at or after this instant: the new ones, with their trial in Product.launch.' }),
  }),
});

builder.queryField('products', (t) =>
  t.connection({
    type: ProductRef,
    args: { filter: t.arg({ type: ProductFilter }) },
    resolve: (_root, { filter, ...args }, ctx) =>
      listProducts(ctx.db, ctx.viewer, { ...filter, shopIds: filter?.shopIds?.map((id) => id.id) }, args, ctx.now()),
  },
    { name: 'ProductConnection' },
    { name: 'ProductEdge' },
  ),
);

const SkuInput = builder.inputType('SkuInput', {
  fields: (t) => ({
    code: t.string({ required: true }),
    spec: t.string(),
    price: t.field({ type: 'Decimal', required: true }),
    cost: t.field({ type: 'Decimal', required: true }),
    stock: t.int({ required: true }),
    lowStockThreshold: t.int({ description: 'Defaults to 50 (库存≤50 预警).' }),
  }),
});

const CreateProductInput = builder.inputType('CreateProductInput', {
  fields: (t) => ({
    shopId: t.globalID({ for: ShopRef, required: true }),
    name: t.string({ required: true }),
    category: t.string({ required: true }),
    role: t.field({ type: ProductRoleEnum, required: true }),
    skus: t.field({ type: [SkuInput], required: true }),
  }),
});

const UpdateProductInput = builder.inputType('UpdateProductInput', {
  fields: (t) => ({
    id: t.globalID({ for: ProductRef, required: true }),
    name: t.string(),
    category: t.string(),
    role: t.field({ type: ProductRoleEnum }),
    status: t.field({ type: ProductStatusEnum }),
  }),
});

const UpdateSkuInput = builder.inputType('UpdateSkuInput', {
  fields: (t) => ({
    id: t.globalID({ for: SkuRef, required: true }),
    spec: t.string(),
    price: t.field({ type: 'Decimal' }),
    cost: t.field({ type: 'Decimal' }),
    stock: t.int({ description: 'Sets the units in stock (a stocktake). Units sold by events ingested at the same moment are overwritten: use stockDelta for a restock.' }),
    stockDelta: t.int({
      description:
        'Adds (a restock, +500) or removes (damaged, −3) units relative to the stock at the moment of writing, so concurrent sales are kept. A removal may not take stock below zero (CONFLICT). Not with stock.',
    }),
    lowStockThreshold: t.int(),
  }),
});

builder.mutationFields((t) => ({
  createProduct: t.field({
    type: payloadType('CreateProductPayload', 'product', ProductRef),
    args: { input: t.arg({ type: CreateProductInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createProduct(ctx.db, ctx.viewer, { ...input, shopId: input.shopId.id })),
  }),
  updateProduct: t.field({
    type: payloadType('UpdateProductPayload', 'product', ProductRef),
    args: { input: t.arg({ type: UpdateProductInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateProduct(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now())),
  }),
  updateSku: t.field({
    type: payloadType('UpdateSkuPayload', 'sku', SkuRef),
    args: { input: t.arg({ type: UpdateSkuInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateSku(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now(), ctx.evaluateAlertsSoon)),
  }),
}));
