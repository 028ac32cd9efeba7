import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, instant, timestamps } from '../../db/columns.js';
import { campaignMilestones, campaigns, milestoneStatusEnum, riskLevelEnum } from './campaign.table.js';

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

/**
 * Every change of a milestone's status or risk level, so a retrospective can show the risk history
 * (when it became HIGH, when a plan followed, when it was done), not only where it ended.
 */
export const milestoneChanges = pgTable(
  'milestone_changes',
  {
    id: id(),
    milestoneId: uuid()
      .notNull()
      .references(() => campaignMilestones.id, { onDelete: 'cascade' }),
    status: milestoneStatusEnum().notNull(),
    riskLevel: riskLevelEnum().notNull(),
    changedAt: instant().notNull(),
    changedBy: text(),
  },
  (t) => [index('milestone_changes_milestone_idx').on(t.milestoneId, t.changedAt)],
);

export type CampaignRetrospectiveRow = typeof campaignRetrospectives.$inferSelect;
export type MilestoneChangeRow = typeof milestoneChanges.$inferSelect;
