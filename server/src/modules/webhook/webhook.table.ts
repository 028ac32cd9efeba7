import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, instant, timestamps } from '../../db/columns.js';

/** JSON for partners (signed per API.md); the others are the group robots of DingTalk, WeCom and Feishu. */
export const WEBHOOK_FORMATS = ['JSON', 'DINGTALK', 'WECOM', 'FEISHU'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const webhookFormatEnum = pgEnum('webhook_format', WEBHOOK_FORMATS);

export const WEBHOOK_EVENTS = [
  'ALERT_RAISED',
  'ALERT_RESOLVED',
  'ALERT_ACKNOWLEDGED',
  'ALERT_ESCALATED',
  /** An incident nobody acknowledged within 10 minutes of becoming critical, or not fixed within 30 (alert.incident.ts). */
  'ALERT_RESPONSE_OVERDUE',
  'ALERT_FIX_OVERDUE',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const webhookEventEnum = pgEnum('webhook_event', WEBHOOK_EVENTS);

export const webhooks = pgTable(
  'webhooks',
  {
    id: id(),
    name: text().notNull(),
    url: text().notNull(),
    format: webhookFormatEnum().notNull(),
    events: webhookEventEnum().array().notNull(),
    /** Null: every shop (only an all-shops caller can create one). */
    shopIds: uuid().array(),
    /**
     * Kept readable because every delivery is signed with it: ours for JSON, the robot's own 加签 secret
     * for DingTalk / Feishu (WeCom robots sign nothing).
     */
    secret: text(),
    createdBy: text().notNull(),
    /** Failures in a row; a long run pauses the endpoint (and tells the admins). */
    consecutiveFailures: integer().notNull().default(0),
    pausedAt: instant(),
    deletedAt: instant(),
    /** The last test message (testWebhook): tests are spaced so they cannot get a group's robot throttled. */
    lastTestedAt: instant(),
    /**
     * A group robot's messages of the last minute (webhook.pacing.ts): kept on its row so every instance
     * counts against the one budget, taken in one statement under the row's lock.
     */
    robotSentAt: instant().array().notNull().default(sql`'{}'`),
    ...timestamps(),
  },
);

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const deliveryStatusEnum = pgEnum('webhook_delivery_status', DELIVERY_STATUSES);

/**
 * The outbox: a delivery is written in the same transaction as the alert it announces, so none is
 * lost to a crash between the two; the dispatcher sends it, retrying under the same id.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Also the `id` of the JSON body and the PeakOps-Webhook-Id header, the same on every retry. */
    id: id(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: webhookEventEnum().notNull(),
    /** The event's data as of when it happened (the alert as raised), rendered per format when sent. */
    data: jsonb().notNull(),
    status: deliveryStatusEnum().notNull().default('PENDING'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: instant().notNull().defaultNow(),
    /** A dispatcher that claimed the delivery holds it until then; another instance takes it over after. */
    lockedUntil: instant(),
    lastStatusCode: integer(),
    lastError: text(),
    deliveredAt: instant(),
    ...timestamps(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt, t.id),
  ],
);

/** The delivery log: one row per attempt. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: id(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: instant().notNull(),
    statusCode: integer(),
    error: text(),
    durationMs: integer().notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptedAt)],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
