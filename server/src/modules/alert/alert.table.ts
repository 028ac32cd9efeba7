import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, pgEnum, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, instant, timestamps } from '../../db/columns.js';
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
  'UNSHIPPED_OVERDUE',
  /** Raised by the webhook dispatcher when an endpoint is paused after a long run of failures (for admins). */
  'WEBHOOK_PAUSED',
  /** A rectification report (整改报告) not submitted within 48 hours of its anomaly. */
  'RECTIFICATION_OVERDUE',
  /** No paid order in a shop for far longer than its last hour's pace allows: the site, payments or the feed are down. */
  'ORDERS_STALLED',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
export const alertRuleEnum = pgEnum('alert_rule', ALERT_RULES);

export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const alertSeverityEnum = pgEnum('alert_severity', ALERT_SEVERITIES);

/** OPEN → ACKNOWLEDGED (someone is on it) → RESOLVED (the condition cleared, by itself or by hand). */
export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const alertStatusEnum = pgEnum('alert_status', ALERT_STATUSES);

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
    /** In Chinese: what webhooks carry and `message` answers by default. */
    message: text().notNull(),
    /** The same in English, for `message(locale: EN)`; null on alerts raised before it was written. */
    messageEn: text(),
    raisedAt: instant().notNull().defaultNow(),
    acknowledgedAt: instant(),
    acknowledgedBy: text(),
    status: alertStatusEnum().notNull().default('OPEN'),
    resolvedAt: instant(),
    /** What the rule measured when it last fired (a rate, a count, hours …) and the threshold it crossed. */
    value: doublePrecision(),
    threshold: doublePrecision(),
    /** When the condition was first seen cleared; the alert resolves once it has stayed clear long enough (hysteresis). */
    clearSince: instant(),
    /**
     * When an incident's clock started: the moment a live-trading alert (INCIDENT_RULES) was raised or escalated
     * CRITICAL. The manuals give an incident 10 minutes to a response and 30 to a fix (alert.incident.ts). Null
     * for every other alert, and for alerts that were CRITICAL before the clock existed (migration 0029).
     */
    criticalSince: instant(),
    /** When the engine announced that nobody had acknowledged it in time, and that it was not fixed in time: once each. */
    responseOverdueAt: instant(),
    fixOverdueAt: instant(),
    /** Rule and subject (`LOW_STOCK:<sku id>`): at most one unresolved alert per key, enforced by the index below. */
    dedupeKey: text().notNull(),
    updatedAt: instant().notNull().defaultNow(),
  },
  (t) => [
    // A constraint, not luck: two instances evaluating at once cannot both open the same alert.
    uniqueIndex('alerts_open_key').on(t.dedupeKey).where(sql`status <> 'RESOLVED'`),
    index('alerts_dedupe_idx').on(t.dedupeKey, t.raisedAt),
    index('alerts_status_idx').on(t.status, t.raisedAt),
    index('alerts_raised_idx').on(t.raisedAt, t.id),
    index('alerts_shop_idx').on(t.shopId),
  ],
);

/**
 * Thresholds per rule, overridden per shop or campaign (neither: the installation's default). A null
 * column inherits: campaign row → shop row → global row → the rule's built-in default (alert/rules/).
 */
export const alertRuleSettings = pgTable(
  'alert_rule_settings',
  {
    id: id(),
    rule: alertRuleEnum().notNull(),
    shopId: uuid().references(() => shops.id, { onDelete: 'cascade' }),
    campaignId: uuid().references(() => campaigns.id, { onDelete: 'cascade' }),
    enabled: boolean(),
    threshold: doublePrecision(),
    /** How long the condition must hold before the alert opens (GMV pace: "for several minutes"). */
    sustainMinutes: integer(),
    /** The smallest sample the rule judges (visitors, orders, ¥ spend): below it, noise is not an alert. */
    minSample: integer(),
    updatedBy: text(),
    ...timestamps(),
  },
  (t) => [unique('alert_rule_settings_key').on(t.rule, t.shopId, t.campaignId).nullsNotDistinct()],
);

/** The partial unique index's predicate: ON CONFLICT must name it to use the index. */
export const UNRESOLVED = sql`status <> 'RESOLVED'`;

export type AlertRow = typeof alerts.$inferSelect;
export type AlertRuleSettingRow = typeof alertRuleSettings.$inferSelect;
