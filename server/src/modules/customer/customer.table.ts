import { integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant, timestamps } from '../../db/columns.js';
import { shops } from '../shop/shop.table.js';

export const customers = pgTable(
  'customers',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    /** The producer's customer id; the same person on two platforms is two customers. */
    externalId: text().notNull(),
    nickname: text(),
    firstOrderAt: instant(),
    lastOrderAt: instant(),
    paidOrders: integer().notNull().default(0),
    /** Cumulative paid amount, which decides the membership tier. */
    spendFen: fen().notNull().default(0),
    points: integer().notNull().default(0),
    ...timestamps(),
  },
  (t) => [uniqueIndex('customers_shop_external_key').on(t.shopId, t.externalId)],
);

export type CustomerRow = typeof customers.$inferSelect;
