import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant } from '../../db/columns.js';
import { channelEnum, trafficSourceEnum } from '../../db/enums.js';
import { campaigns } from '../campaign/campaign.table.js';
import { shops } from '../shop/shop.table.js';

/**
 * Marketing spend entries as recorded (直通车, 内容投放 …): idempotent on the producer's entry id per
 * shop. The amounts are also rolled up into metric_rollups.spend_fen, which is what ROI reads. A wrong
 * entry is voided, never deleted or edited: its row stays (the id cannot be reused for another figure)
 * and its amount is taken back out of the rollups; the corrected figure is recorded under a new id.
 */
export const marketingSpend = pgTable(
  'marketing_spend',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    /** The producer's id for the entry, unique per shop: replaying it changes nothing. */
    entryId: text().notNull(),
    /** When the money was spent (an hourly ad report gives the hour's start). */
    spentAt: instant().notNull(),
    channel: channelEnum().notNull(),
    source: trafficSourceEnum().notNull(),
    campaignId: uuid().references(() => campaigns.id),
    amountFen: fen().notNull(),
    /** Hash of the normalised entry: a reused id with a different entry is a conflict, not a duplicate. */
    payloadHash: text().notNull(),
    recordedAt: instant().notNull().defaultNow(),
    /** Set once by voidMarketingSpend: from then on the entry counts nowhere. */
    voidedAt: instant(),
    voidedBy: text(),
    voidReason: text(),
  },
  (t) => [
    uniqueIndex('marketing_spend_shop_entry_key').on(t.shopId, t.entryId),
    index('marketing_spend_shop_spent_idx').on(t.shopId, t.spentAt),
  ],
);

export type MarketingSpendRow = typeof marketingSpend.$inferSelect;
