import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
    /** Refunded amount of the customer's paid orders: the tier follows spend net of refunds. */
    refundedFen: fen().notNull().default(0),
    /** The points balance: the sum of the ledger (points_ledger), kept here for lists. */
    points: integer().notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('customers_shop_external_key').on(t.shopId, t.externalId),
    // New buyers of a window are the customers whose first payment falls in it (metrics, retrospective).
    index('customers_shop_first_order_idx').on(t.shopId, t.firstOrderAt),
    // The customers connection's order: a page reads its rows in order instead of sorting every customer
    // the caller sees (a first page over 1M customers sorted them all, ~450 ms).
    index('customers_created_idx').on(t.createdAt, t.id),
  ],
);

export type CustomerRow = typeof customers.$inferSelect;

/** EARN on payment, REVERSE on refund, REDEEM (100 points = ¥1), EXPIRE one year after earning (oldest first). */
export const POINTS_ENTRY_KINDS = ['EARN', 'REVERSE', 'REDEEM', 'EXPIRE'] as const;
export type PointsEntryKind = (typeof POINTS_ENTRY_KINDS)[number];
export const pointsEntryKindEnum = pgEnum('points_entry_kind', POINTS_ENTRY_KINDS);

/** The points ledger: every change of a customer's balance, never updated except an EARN lot's remainder. */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: id(),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: pointsEntryKindEnum().notNull(),
    /** Signed: positive for EARN, negative otherwise. */
    points: integer().notNull(),
    /** What caused it, unique per customer: `EARN:<order id>`, `REVERSE:<refund id>`, `REDEEM:<request id>`, `EXPIRE:<lot id>`. */
    sourceKey: text().notNull(),
    orderId: uuid(),
    occurredAt: instant().notNull(),
    /** EARN lots: when they expire, and how many of their points are still unspent (consumed oldest first). */
    expiresAt: instant(),
    remaining: integer(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('points_ledger_customer_source_key').on(t.customerId, t.sourceKey),
    index('points_ledger_lots_idx').on(t.customerId, t.expiresAt),
    index('points_ledger_expiry_idx').on(t.expiresAt),
  ],
);

export type PointsEntryRow = typeof pointsLedger.$inferSelect;
