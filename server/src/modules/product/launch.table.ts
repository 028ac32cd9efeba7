import { integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../db/bytea.js';
import { products } from './product.table.js';

/**
 * A new product's first 7 days after its creation, its trial (launch.ts: the manuals' new-product rule):
 * the product views and add-to-carts, and the paid lines, that ingestion counted in it, and who made them.
 * One row per product, written only for events inside its trial, so the rest of the catalogue costs nothing.
 */
export const productLaunchTraffic = pgTable('product_launch_traffic', {
  productId: uuid()
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  productViews: integer().notNull().default(0),
  addToCarts: integer().notNull().default(0),
  /**
   * HyperLogLog sketches (lib/hll.ts): visitors who viewed the product or added it to cart, those who added
   * it, and customers who paid for it (compressed with lz4 where PostgreSQL has it, migration 0025).
   */
  visitors: bytea(),
  carters: bytea(),
  buyers: bytea(),
});
