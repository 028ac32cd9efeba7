import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant, timestamps } from '../../db/columns.js';

/** The manuals' target conversion for orders: ≥ 3 %. */
export const CONVERSION_TARGET_DEFAULT_BP = 300;
/** Basis points in a whole: 300 bp is 0.03. */
export const BASIS_POINTS = 10_000;

export const campaigns = pgTable(
  'campaigns',
  {
    id: id(),
    name: text().notNull(),
    /** e.g. 满300减50 */
    theme: text(),
    startsAt: instant().notNull(),
    endsAt: instant().notNull(),
    gmvTargetFen: fen().notNull(),
    /**
     * 目标转化率 in basis points (300 = 3.00 %): buyers / visitors the campaign plans for, the line the war
     * room moves ad budget by. The manuals' order conversion target (≥ 3 %) unless set; null: none.
     */
    conversionTargetBp: integer().default(CONVERSION_TARGET_DEFAULT_BP),
    /**
     * The shops the campaign runs in. A viewer over every one of them sees the whole campaign; a viewer
     * over some of them sees their part only when the target is split by shop (shopTargetsFen), so a
     * partner never learns another merchant's target or figures.
     */
    shopIds: uuid().array().notNull(),
    /**
     * 目标拆解: each shop's part of the GMV target, in fen, keyed by shop id; every shop of the campaign
     * once, summing exactly to gmvTargetFen. Null: not split (only viewers over every shop see it).
     */
    shopTargetsFen: jsonb().$type<Record<string, number>>(),
    /** Relative weight of each Asia/Shanghai hour of day (24 numbers) for the plan curve; null → default shape. */
    hourlyShape: jsonb().$type<number[]>(),
    cancelledAt: instant(),
    ...timestamps(),
  },
  (t) => [index('campaigns_window_idx').on(t.startsAt, t.endsAt)],
);

export const MILESTONE_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export const milestoneStatusEnum = pgEnum('milestone_status', MILESTONE_STATUSES);

/** 风险预警 levels; HIGH requires a response plan (风险应对方案) within 24 hours. */
export const RISK_LEVELS = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const riskLevelEnum = pgEnum('risk_level', RISK_LEVELS);

export const campaignMilestones = pgTable(
  'campaign_milestones',
  {
    id: id(),
    campaignId: uuid()
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    owner: text().notNull(),
    dueAt: instant().notNull(),
    /** 完成标准, e.g. "page loads in under 3 s" */
    completionStandard: text().notNull(),
    status: milestoneStatusEnum().notNull().default('NOT_STARTED'),
    riskLevel: riskLevelEnum().notNull().default('NONE'),
    responsePlan: text(),
    /** 实际情况: what actually happened or where it stands now, written by its owner. */
    actualSituation: text(),
    /** When the risk last became HIGH: the 24-hour response-plan clock starts here. */
    highRiskSince: instant(),
    completedAt: instant(),
    ...timestamps(),
  },
  (t) => [index('campaign_milestones_campaign_idx').on(t.campaignId, t.dueAt)],
);

/**
 * A campaign as a viewer sees it. `partial`: the viewer sees only some of its shops, and shopIds,
 * gmvTargetFen and shopTargetsFen are cut to their part (campaign.part.ts).
 */
export type CampaignRow = typeof campaigns.$inferSelect & { readonly partial?: boolean };
export type MilestoneRow = typeof campaignMilestones.$inferSelect;

/** 目标转化率 as a rate in [0, 1]; null when the campaign plans none. */
export const conversionTargetOf = (campaign: Pick<CampaignRow, 'conversionTargetBp'>): number | null =>
  campaign.conversionTargetBp === null ? null : campaign.conversionTargetBp / BASIS_POINTS;
