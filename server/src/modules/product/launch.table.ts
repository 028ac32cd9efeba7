import { integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../../db/bytea.js';
import { products } from './product.table.js';

/**
 * A new product's traffic in its first days on sale (launch.ts: the manuals' new-product rule): the
 * product views and add-to-carts that ingestion counted between its creation and the end of its trial,
 * and who made them. One row per product, written only while the trial runs, so it costs nothing for the
 * rest of the catalogue. Buyers are not kept here: they are counted exactly from the orders.
 */
export const productLaunchTraffic = pgTable('product_launch_traffic', {
  productId: uuid()
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  productViews: integer().notNull().default(0),
  addToCarts: integer().notNull().default(0),
  /** HyperLogLog sketches (lib/hll.ts): visitors who viewed the product or added it to cart, and those who added it. */
  visitors: bytea(),
  carters: bytea(),
});
