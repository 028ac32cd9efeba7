import { and, count, eq, gte, inArray, not, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { visibleRowsById } from '../../db/visible-by-id.js';
import { DomainError, InputErrors, notFound } from '../../errors.js';
import { isUniqueViolation } from '../../db/errors.js';
import { groupByKeys } from '../../lib/group.js';
import { said } from '../../lib/issue-words.js';
import { shops } from '../shop/shop.table.js';
import { moneyInput, parseInput, text } from '../../lib/validate.js';
import type { RecheckAlerts } from '../alert/alert.service.js';
import { requireShop } from '../shop/shop.service.js';
import { lowStockLinesAt } from './low-stock.js';
import { slowMovingCondition } from './turnover.js';
import {
  DEFAULT_LOW_STOCK_THRESHOLD,
  PRODUCT_ROLES,
  PRODUCT_STATUSES,
  products,
  skus,
  type ProductRole,
  type ProductRow,
  type ProductStatus,
  type SkuRow,
} from './product.table.js';

export interface ProductFilter {
  shopIds?: readonly string[] | null;
  role?: ProductRole | null;
  status?: ProductStatus | null;
  /** Only products with at least one SKU at or below its low-stock line in force (库存预警, the LOW_STOCK alert's: low-stock.ts). */
  lowStock?: boolean | null;
  /** Only slow movers (true) or only products that are not (false): turnover.ts. */
  slowMoving?: boolean | null;
  /** Only products created at or after this instant: the new ones, whose trial `Product.launch` judges. */
  createdSince?: Date | null;
}

export function loadProducts(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<ProductRow[]> {
  return visibleRowsById(db, products, viewer, ids);
}

export function loadSkus(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<SkuRow[]> {
  return visibleRowsById(db, skus, viewer, ids);
}

/** Code and display name ("product · spec") of each visible SKU, for files that name SKUs (exports). */
export async function skuLabels(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<Map<string, { code: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: skus.id, code: skus.code, spec: skus.spec, product: products.name })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(inArray(skus.id, [...ids]), shopVisible(viewer, skus.shopId)));
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.spec ? `${r.product} · ${r.spec}` : r.product }]));
}

/** Names of the given products the viewer may see, and their shops' (one product is sold in several shops), for exports. */
export async function productLabels(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<Map<string, { name: string; shop: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: products.id, name: products.name, shop: shops.name })
    .from(products)
    .innerJoin(shops, eq(shops.id, products.shopId))
    .where(and(inArray(products.id, [...ids]), shopVisible(viewer, products.shopId)));
  return new Map(rows.map((r) => [r.id, { name: r.name, shop: r.shop }]));
}

/** SKUs of each given product (in the order given), for batching Product.skus across a page. */
export async function skusOfProducts(db: DbOrTx, viewer: Viewer, productIds: readonly string[]): Promise<SkuRow[][]> {
  if (productIds.length === 0) return [];
  const rows = await db
    .select()
    .from(skus)
    .where(and(inArray(skus.productId, [...productIds]), shopVisible(viewer, skus.shopId)))
    .orderBy(skus.code);
  return groupByKeys(productIds, rows, (sku) => sku.productId);
}

export async function listProducts(db: DbOrTx, viewer: Viewer, filter: ProductFilter, args: ConnectionArgs, now: Date) {
  // The lines the LOW_STOCK alert judges by (a shop's 20 or 200, not 50 everywhere), read once for the page.
  const lowStock = filter.lowStock ? (await lowStockLinesAt(db, now)).condition() : undefined;
  const conditions: (SQL | undefined)[] = [
    shopVisible(viewer, products.shopId),
    filter.shopIds?.length ? inArray(products.shopId, [...filter.shopIds]) : undefined,
    filter.role ? eq(products.role, filter.role) : undefined,
    filter.status ? eq(products.status, filter.status) : undefined,
    lowStock ? sql`exists (select 1 from ${skus} where ${skus.productId} = ${products.id} and ${lowStock})` : undefined,
    filter.slowMoving == null ? undefined : filter.slowMoving ? slowMovingCondition(now) : not(slowMovingCondition(now)),
    filter.createdSince ? gte(products.createdAt, filter.createdSince) : undefined,
  ];
  const where = and(...conditions);
  return paginate<ProductRow>(
    args,
    {
      column: products.createdAt,
      type: 'timestamptz',
      direction: 'asc',
      value: (p) => p.createdAt,
      idColumn: products.id,
      id: (p) => p.id,
    },
    ({ bounds, orderBy, limit }) =>
      db.select().from(products).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(products).where(where))[0]?.n ?? 0,
  );
}

const SkuFields = {
  code: text(64),
  spec: z.string().trim().max(200).nullish(),
  price: moneyInput.refine((fen) => fen > 0, { message: 'price must be above zero', params: { code: 'INVALID_AMOUNT', zh: '价格必须大于 0' } }),
  cost: moneyInput,
  stock: z.number().int().min(0, said('stock cannot be negative', '库存不能为负数')),
  lowStockThreshold: z.number().int().min(0).nullish(),
};

const CreateProductInput = z.object({
  shopId: z.string(),
  name: text(200),
  category: text(100),
  role: z.enum(PRODUCT_ROLES),
  skus: z.array(z.object(SkuFields)).min(1, said('a product needs at least one SKU', '商品至少需要一个 SKU')).max(100),
});

export async function createProduct(db: DbOrTx, viewer: Viewer, input: unknown): Promise<ProductRow> {
  const data = parseInput(CreateProductInput, input);
  const shop = await requireShop(db, viewer, data.shopId, ['input', 'shopId']);
  const codes = data.skus.map((s) => s.code);
  await assertCodesFree(db, shop.id, codes);
  try {
    return await insertProduct(db, shop.id, data);
  } catch (error) {
    // A concurrent request took one of the codes between the check and the insert: the unique
    // index caught it, so report it as the check would have instead of as an unexpected error.
    if (!isUniqueViolation(error, 'skus_shop_code_key')) throw error;
    await assertCodesFree(db, shop.id, codes);
    throw error;
  }
}

function insertProduct(db: DbOrTx, shopId: string, data: z.output<typeof CreateProductInput>): Promise<ProductRow> {
  return db.transaction(async (tx) => {
    const [product] = await tx
      .insert(products)
      .values({ shopId, name: data.name, category: data.category, role: data.role })
      .returning();
    await tx.insert(skus).values(
      data.skus.map((s) => ({
        productId: product!.id,
        shopId,
        code: s.code,
        spec: s.spec ?? '',
        priceFen: s.price,
        costFen: s.cost,
        stock: s.stock,
        lowStockThreshold: s.lowStockThreshold ?? DEFAULT_LOW_STOCK_THRESHOLD,
      })),
    );
    return product!;
  });
}


/** SKU codes (货号) are unique within a shop: reports and partners' ERPs key on them. */
async function assertCodesFree(db: DbOrTx, shopId: string, codes: string[]) {
  const errors = codes.flatMap((code, i) =>
    codes.indexOf(code) !== i
      ? [{ field: ['input', 'skus', String(i), 'code'], message: `SKU code ${code} is repeated`, messageZh: `SKU 货号 ${code} 重复`, code: 'CONFLICT' as const }]
      : [],
  );
  const taken = new Set(
    (
      await db
        .select({ code: skus.code })
        .from(skus)
        .where(and(eq(skus.shopId, shopId), inArray(skus.code, codes)))
    ).map((r) => r.code),
  );
  codes.forEach((code, i) => {
    if (taken.has(code)) {
      errors.push({ field: ['input', 'skus', String(i), 'code'], message: `SKU code ${code} already exists in this shop`, messageZh: `本店铺已存在 SKU 货号 ${code}`, code: 'CONFLICT' });
    }
  });
  if (errors.length > 0) throw new InputErrors(errors);
}

const UpdateProductInput = z.object({
  id: z.string(),
  name: text(200).nullish(),
  category: text(100).nullish(),
  role: z.enum(PRODUCT_ROLES).nullish(),
  status: z.enum(PRODUCT_STATUSES).nullish(),
});

export async function updateProduct(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<ProductRow> {
  const data = parseInput(UpdateProductInput, input);
  const [product] = await loadProducts(db, viewer, [data.id]);
  if (!product) throw notFound('Product', ['input', 'id']);
  const [row] = await db
    .update(products)
    .set({
      ...(data.name != null && { name: data.name }),
      ...(data.category != null && { category: data.category }),
      ...(data.role != null && { role: data.role }),
      ...(data.status != null && { status: data.status }),
      // Back on sale: the slow-mover rule's 30 days start again (read against the row as it is written).
      ...(data.status === 'ON_SALE' && { onSaleSince: sql`case when ${products.status} = 'ON_SALE' then ${products.onSaleSince} else ${now.toISOString()}::timestamptz end` }),
      updatedAt: now,
    })
    .where(eq(products.id, product.id))
    .returning();
  return row!;
}

const UpdateSkuInput = z.object({
  id: z.string(),
  spec: z.string().trim().max(200).nullish(),
  price: SkuFields.price.nullish(),
  cost: SkuFields.cost.nullish(),
  stock: SkuFields.stock.nullish(),
  stockDelta: z.number().int().nullish(),
  lowStockThreshold: z.number().int().min(0).nullish(),
}).refine((d) => d.stock == null || d.stockDelta == null, {
  message: said('give stock (a count) or stockDelta (a change), not both', 'stock（库存数）和 stockDelta（库存增减量）只能填写其一'),
  path: ['stockDelta'],
});

/** A column `integer` holds; a change that would leave stock outside it is refused, not an overflow. */
const MAX_STOCK = 2_147_483_647;

/**
 * Updates a SKU; once written, the alert rules look again (stock or its line changed: LOW_STOCK may open or clear).
 * `stock` sets the count (a stocktake); `stockDelta` adds or removes units relative to the count at the
 * moment of writing, so units that ingest batches sell meanwhile are not written back (a restock of 500
 * during a campaign). A removal may not take stock below zero; sales may (an oversell the war room shows).
 */
export async function updateSku(db: DbOrTx, viewer: Viewer, input: unknown, now: Date, recheckAlerts: RecheckAlerts): Promise<SkuRow> {
  const data = parseInput(UpdateSkuInput, input);
  const [sku] = await loadSkus(db, viewer, [data.id]);
  // Worded as notFound words it (errors.ts's THINGS has no SKU).
  if (!sku) throw notFound('SKU', ['input', 'id']);
  const delta = data.stockDelta;
  const [row] = await db
    .update(skus)
    .set({
      ...(data.spec != null && { spec: data.spec }),
      ...(data.price != null && { priceFen: data.price }),
      ...(data.cost != null && { costFen: data.cost }),
      ...(data.stock != null && { stock: data.stock }),
      ...(delta != null && { stock: sql`${skus.stock} + ${delta}::int` }),
      ...(data.lowStockThreshold != null && { lowStockThreshold: data.lowStockThreshold }),
      updatedAt: now,
    })
    .where(
      and(
        eq(skus.id, sku.id),
        // Checked by the statement against the count it changes, not the one read above.
        delta != null ? sql`${skus.stock}::bigint + ${delta}::bigint between ${delta < 0 ? 0 : -MAX_STOCK - 1} and ${MAX_STOCK}` : undefined,
      ),
    )
    .returning();
  if (!row) {
    const [current] = await db.select({ stock: skus.stock }).from(skus).where(eq(skus.id, sku.id));
    const stock = current?.stock ?? 0;
    const words =
      delta! < 0
        ? { en: `only ${stock} units are in stock; ${-delta!} cannot be removed`, zh: `库存仅剩 ${stock} 件，无法减少 ${-delta!} 件` }
        : { en: `stock cannot exceed ${MAX_STOCK} units`, zh: `库存不能超过 ${MAX_STOCK} 件` };
    throw new DomainError('CONFLICT', words, ['input', 'stockDelta']);
  }
  recheckAlerts();
  return row;
}
