import { index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, instant } from '../../db/columns.js';
import { campaigns } from '../campaign/campaign.table.js';
import { shops } from '../shop/shop.table.js';

export const ALERT_RULES = [
  'CONVERSION_DROP',
  'GMV_BEHIND_PACE',
  'REFUND_RATE_SPIKE',
  'LOW_STOCK',
  'ROI_BELOW_ONE',
  'MILESTONE_OVERDUE',
  'HIGH_RISK_WITHOUT_PLAN',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
export const alertRuleEnum = pgEnum('alert_rule', ALERT_RULES);

export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const alertSeverityEnum = pgEnum('alert_severity', ALERT_SEVERITIES);

export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    rule: alertRuleEnum().notNull(),
    severity: alertSeverityEnum().notNull(),
    /** Null only for alerts that concern no single shop; those are visible to operators only. */
    shopId: uuid().references(() => shops.id),
    campaignId: uuid().references(() => campaigns.id),
    subject: text().notNull(),
    message: text().notNull(),
    raisedAt: instant().notNull().defaultNow(),
    acknowledgedAt: instant(),
    acknowledgedBy: text(),
    /** One open alert per rule and subject: the rule engine re-firing does not flood the feed. */
    dedupeKey: text().notNull(),
  },
  (t) => [
    uniqueIndex('alerts_dedupe_key').on(t.dedupeKey),
    index('alerts_raised_idx').on(t.raisedAt, t.id),
    index('alerts_shop_idx').on(t.shopId),
  ],
);

export type AlertRow = typeof alerts.$inferSelect;
