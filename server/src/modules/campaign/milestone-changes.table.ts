import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, instant } from '../../db/columns.js';
import { campaignMilestones, milestoneStatusEnum, riskLevelEnum } from './campaign.table.js';

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

export type MilestoneChangeRow = typeof milestoneChanges.$inferSelect;
