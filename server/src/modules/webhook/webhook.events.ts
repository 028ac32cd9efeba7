import { encodeGlobalID } from '@pothos/plugin-relay';
import { incidentDeadlines } from '../alert/alert.incident.js';
import type { AlertRow } from '../alert/alert.table.js';
import type { WebhookEvent } from './webhook.table.js';

/**
 * What an alert event carries to webhooks: the alert as it was when the event happened. Ids are the
 * Relay global ids partners see in the API, so a receiver can look the alert up with `node(id:)`.
 */
export interface WebhookAlert {
  id: string;
  rule: string;
  severity: string;
  status: string;
  shop: { id: string; name: string } | null;
  campaign: { id: string; name: string } | null;
  subject: string;
  /** In Chinese, as the chat formats (钉钉, 企业微信, 飞书) show it. */
  message: string;
  /** The same in English; null for alerts raised before English texts, absent in deliveries queued before them. */
  messageEn?: string | null;
  value: number | null;
  threshold: number | null;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  /**
   * An incident's deadlines (alert.incident.ts): acknowledge by `respondBy`, resolved by `fixBy`. Null for
   * alerts that are not incidents; absent in deliveries queued before the clock existed.
   */
  incident?: { startedAt: string; respondBy: string; fixBy: string } | null;
}

export interface WebhookEventInput {
  type: WebhookEvent;
  /**
   * The shops the event concerns (an alert's shop, or every shop of its campaign); null or empty: it
   * concerns no single shop, and only all-shops webhooks receive it.
   */
  shopIds: readonly string[] | null;
  occurredAt: Date;
  data: { alert: WebhookAlert };
}

/** The payload of an alert whose shop and campaign (if any) are given with their names. */
export function toWebhookAlert(
  alert: AlertRow,
  names: { shop?: { id: string; name: string } | null; campaign?: { id: string; name: string } | null } = {},
): WebhookAlert {
  return {
    id: encodeGlobalID('Alert', alert.id),
    rule: alert.rule,
    severity: alert.severity,
    status: alert.status,
    shop: names.shop ? { id: encodeGlobalID('Shop', names.shop.id), name: names.shop.name } : null,
    campaign: names.campaign ? { id: encodeGlobalID('Campaign', names.campaign.id), name: names.campaign.name } : null,
    subject: alert.subject,
    message: alert.message,
    messageEn: alert.messageEn,
    value: alert.value,
    threshold: alert.threshold,
    raisedAt: alert.raisedAt.toISOString(),
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    incident: deadlinesOf(alert),
  };
}

function deadlinesOf(alert: AlertRow): WebhookAlert['incident'] {
  const deadlines = incidentDeadlines(alert);
  return deadlines && { startedAt: deadlines.startedAt.toISOString(), respondBy: deadlines.respondBy.toISOString(), fixBy: deadlines.fixBy.toISOString() };
}
