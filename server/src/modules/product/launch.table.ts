import { integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
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
   * HyperLogLog sketches (lib/hll.ts): visitors who viewed the product or added it to cart, and those who
   * added it (compressed with lz4 where PostgreSQL has it, migration 0025).
   */
  visitors: bytea(),
  carters: bytea(),
  /**
   * Before migration 0034 the buyers were a sketch too. A row that has one keeps it, and it goes on merging
   * the trial's later buyers, so such a trial's buyers stay one estimate; every other row's buyers are
   * counted exactly from productTrialBuyers (launch.ts).
   */
  buyers: bytea(),
});

/**
 * Who paid for a product in its trial, one row per customer (`<shop id>:<customer's external id>`, as the
 * rollups key buyers): DOMAIN.md's buyers are distinct customers, counted exactly. Written only for sales in
 * a trial, so it holds a new product's first week of customers and nothing of the rest of the catalogue.
 */
export const productTrialBuyers = pgTable(
  'product_trial_buyers',
  {
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    buyer: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.buyer] })],
);
