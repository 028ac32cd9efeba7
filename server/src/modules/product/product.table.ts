import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant, timestamps } from '../../db/columns.js';
import { shops } from '../shop/shop.table.js';

/** Assortment roles from the manuals: 引流款 / 利润款 / 形象款. */
export const PRODUCT_ROLES = ['TRAFFIC', 'PROFIT', 'IMAGE'] as const;
export type ProductRole = (typeof PRODUCT_ROLES)[number];
export const productRoleEnum = pgEnum('product_role', PRODUCT_ROLES);

export const PRODUCT_STATUSES = ['ON_SALE', 'OFF_SALE'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export const productStatusEnum = pgEnum('product_status', PRODUCT_STATUSES);

/** 库存≤50 预警: the manuals' default low-stock threshold. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 50;

export const products = pgTable(
  'products',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    name: text().notNull(),
    category: text().notNull(),
    role: productRoleEnum().notNull(),
    status: productStatusEnum().notNull().default('ON_SALE'),
    /** When it last went (back) on sale; null: on sale since it was created (turnover.ts judges from it). */
    onSaleSince: instant(),
    ...timestamps(),
  },
  (t) => [index('products_shop_created_idx').on(t.shopId, t.createdAt, t.id)],
);

export const skus = pgTable(
  'skus',
  {
    id: id(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** Denormalised from the product so ingestion can check "this SKU belongs to this shop" in one lookup. */
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    /** The merchant's SKU code (货号), unique within a shop. */
    code: text().notNull(),
    spec: text().notNull().default(''),
    priceFen: fen().notNull(),
    costFen: fen().notNull(),
    stock: integer().notNull().default(0),
    lowStockThreshold: integer().notNull().default(DEFAULT_LOW_STOCK_THRESHOLD),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('skus_shop_code_key').on(t.shopId, t.code),
    index('skus_product_idx').on(t.productId),
  ],
);

export type ProductRow = typeof products.$inferSelect;
export type SkuRow = typeof skus.$inferSelect;
