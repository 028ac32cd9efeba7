import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from '../../db/columns.js';
import { campaigns } from '../campaign/campaign.table.js';

/** 复盘: what is written by people (lessons learned); every figure of a retrospective is computed. */
export const campaignRetrospectives = pgTable('campaign_retrospectives', {
  campaignId: uuid()
    .primaryKey()
    .references(() => campaigns.id, { onDelete: 'cascade' }),
  /** Lessons learned, kept for the next campaign. */
  lessons: text().notNull(),
  updatedBy: text().notNull(),
  ...timestamps(),
});

export type CampaignRetrospectiveRow = typeof campaignRetrospectives.$inferSelect;
