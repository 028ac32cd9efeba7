import { and, count, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Viewer } from '../../auth/viewer.js';
import { allShopsVisible, assertShopsInGrant, shopVisible, visibleShopIds } from '../../auth/viewer.js';
import { campaigns } from '../campaign/campaign.table.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, forbidden, notFound } from '../../errors.js';
import { parseInput } from '../../lib/validate.js';
import type { AlertMessage, AppPubSub } from '../../realtime/pubsub.js';
import { alerts, UNRESOLVED, type AlertRow, type AlertRule, type AlertSeverity, type AlertStatus } from './alert.table.js';
import { PART_VISIBLE_RULES, recordEvent, subjectShops, type AlertEvent } from './alert.lifecycle.js';

export interface AlertFilter {
  acknowledged?: boolean | null;
  statuses?: readonly AlertStatus[] | null;
  rules?: readonly AlertRule[] | null;
  severities?: readonly AlertSeverity[] | null;
  shopIds?: readonly string[] | null;
  campaignId?: string | null;
}

/**
 * Alerts with a shop follow the shop's visibility; a campaign's own alerts (its pace, its milestones) are
 * seen by whoever sees every shop of the campaign, and its milestone alerts also by whoever sees it in part
 * (PART_VISIBLE_RULES); installation-wide alerts (a paused webhook) by callers over every shop only.
 */
export function alertsVisibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  const campaignSeen = campaignSeenBy(viewer);
  return or(and(isNotNull(alerts.shopId), shopVisible(viewer, alerts.shopId)), and(isNull(alerts.shopId), campaignSeen));
}

/** Every shop of the alert's campaign seen, or (a milestone alert of a split campaign, PART_VISIBLE_RULES) some. */
function campaignSeenBy(viewer: Viewer): SQL {
  const ids = sql.param([...visibleShopIds(viewer)]);
  return sql`exists (select 1 from ${campaigns} where ${campaigns.id} = ${alerts.campaignId} and (${allShopsVisible(viewer, campaigns.shopIds)}
    or (${inArray(alerts.rule, [...PART_VISIBLE_RULES])} and ${campaigns.shopTargetsFen} is not null and ${campaigns.shopIds} && ${ids}::uuid[])))`;
}

/** The same rule for a published alert, with the shops it concerns (its shop, or its campaign's) carried in the message. */
function canSeeAlert(viewer: Viewer, alert: Pick<AlertRow, 'shopId'>, shopIds: readonly string[], seenInPart = false): boolean {
  if (viewer.shops === 'ALL') return true;
  const { shops } = viewer;
  if (alert.shopId) return shops.has(alert.shopId);
  if (seenInPart) return shopIds.some((id) => shops.has(id));
  return shopIds.length > 0 && shopIds.every((id) => shops.has(id));
}

export function alertMatches(
  viewer: Viewer,
  filter: AlertFilter,
  alert: Pick<AlertRow, 'shopId' | 'severity' | 'campaignId' | 'acknowledgedAt' | 'status' | 'rule'>,
  shopIds: readonly string[],
  seenInPart = false,
): boolean {
  if (!canSeeAlert(viewer, alert, shopIds, seenInPart)) return false;
  if (filter.statuses?.length && !filter.statuses.includes(alert.status)) return false;
  if (filter.rules?.length && !filter.rules.includes(alert.rule)) return false;
  if (filter.acknowledged != null && filter.acknowledged !== (alert.acknowledgedAt !== null)) return false;
  if (filter.severities?.length && !filter.severities.includes(alert.severity)) return false;
  if (filter.shopIds?.length && (!alert.shopId || !filter.shopIds.includes(alert.shopId))) return false;
  if (filter.campaignId && alert.campaignId !== filter.campaignId) return false;
  return true;
}

/**
 * A live alert feed naming a shop outside the caller's grant, or a campaign none of whose shops they
 * see (or none at all), is refused (FORBIDDEN) before it subscribes, as `liveMetrics` and
 * `campaignProgress` are: a partner with a wrong id gets an error, not a stream that never delivers. A
 * campaign spanning one of their shops is their part of it, as in the `alerts` list and `marketingSpend`.
 */
export async function assertAlertFeedInGrant(db: DbOrTx, viewer: Viewer, filter: AlertFilter): Promise<void> {
  assertShopsInGrant(viewer, filter.shopIds, ['filter', 'shopIds']);
  if (!filter.campaignId) return;
  const field = ['filter', 'campaignId'];
  const [campaign] = await db.select({ shopIds: campaigns.shopIds }).from(campaigns).where(eq(campaigns.id, filter.campaignId));
  if (viewer.shops === 'ALL') {
    if (!campaign) throw notFound('Campaign', field);
    return;
  }
  const mine = viewer.shops;
  // Unknown and foreign answer alike, so the refusal says nothing of whether the campaign exists.
  if (!campaign?.shopIds.some((shopId) => mine.has(shopId))) throw forbidden('Campaign', field);
}

export async function loadAlerts(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(alerts).where(and(inArray(alerts.id, [...ids]), alertsVisibleTo(viewer)));
}

/** Newest first: the alerts feed of the war room. */
export function listAlerts(db: DbOrTx, viewer: Viewer, filter: AlertFilter, args: ConnectionArgs) {
  const where = and(
    alertsVisibleTo(viewer),
    filter.acknowledged == null ? undefined : filter.acknowledged ? isNotNull(alerts.acknowledgedAt) : isNull(alerts.acknowledgedAt),
    filter.statuses?.length ? inArray(alerts.status, [...filter.statuses]) : undefined,
    filter.rules?.length ? inArray(alerts.rule, [...filter.rules]) : undefined,
    filter.severities?.length ? inArray(alerts.severity, [...filter.severities]) : undefined,
    filter.shopIds?.length ? inArray(alerts.shopId, [...filter.shopIds]) : undefined,
    filter.campaignId ? eq(alerts.campaignId, filter.campaignId) : undefined,
  );
  return paginate<AlertRow>(
    args,
    { column: alerts.raisedAt, type: 'timestamptz', direction: 'desc', value: (a) => a.raisedAt, idColumn: alerts.id, id: (a) => a.id },
    ({ bounds, orderBy, limit }) => db.select().from(alerts).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(alerts).where(where))[0]?.n ?? 0,
  );
}

/**
 * Tells every instance's subscribers, and the webhook dispatcher, of alert changes once their
 * transaction has committed: a subscriber never hears of a change that rolled back.
 */
export type AnnounceAlerts = (events: readonly AlertEvent[]) => void;

/** Asks this instance's alert engine to evaluate the rules soon: something a rule reads has changed. */
export type RecheckAlerts = () => void;

const AcknowledgeInput = z.object({ id: z.string() });

/**
 * Acknowledges an alert (已知悉). Acknowledging twice keeps the first acknowledgement: who saw it first
 * is what the 复盘 needs. A resolved alert can still be acknowledged (someone looked), but its status
 * stays RESOLVED. The change and its webhook deliveries commit together; the change is announced after
 * that commit, and a repeated acknowledgement announces nothing.
 */
export async function acknowledgeAlert(db: Db, viewer: Viewer, input: unknown, now: Date, announce: AnnounceAlerts): Promise<AlertRow> {
  const { id } = parseInput(AcknowledgeInput, input);
  const { alert, event } = await db.transaction(async (tx) => {
    const [alert] = await loadAlerts(tx, viewer, [id]);
    if (!alert) throw notFound('Alert', ['input', 'id']);
    const shopIds = await subjectShops(tx, alert);
    // A split campaign's milestone alert is seen by a caller over part of it, but claimed for everyone (its
    // incident clock, who saw it first): by whoever sees it whole, every shop of the campaign, as its edits are.
    if (!canSeeAlert(viewer, alert, shopIds)) {
      throw new DomainError(
        'FORBIDDEN',
        {
          en: "this alert is the whole campaign's, which has shops outside your credential: someone who sees all of them acknowledges it",
          zh: '该预警属于整个活动，活动含有你的凭证范围外的店铺：须由可见其全部店铺的人认领',
        },
        ['input', 'id'],
      );
    }
    if (alert.acknowledgedAt) return { alert, event: null };
    const [row] = await tx
      .update(alerts)
      .set({
        acknowledgedAt: now,
        acknowledgedBy: viewer.displayName,
        updatedAt: now,
        status: sql`case when ${alerts.status} = 'OPEN' then 'ACKNOWLEDGED'::alert_status else ${alerts.status} end`,
      })
      .where(and(eq(alerts.id, alert.id), isNull(alerts.acknowledgedAt)))
      .returning();
    if (!row) return { alert: (await loadAlerts(tx, viewer, [id]))[0]!, event: null };
    return { alert: row, event: await recordEvent(tx, 'ACKNOWLEDGED', row, shopIds, now) };
  });
  if (event) announce([event]);
  return alert;
}

/**
 * Resolves the unresolved alert with this key, if any (a paused webhook resumed by hand), in the
 * caller's transaction; the caller publishes the returned event after commit.
 */
export async function resolveAlertByKey(tx: DbOrTx, dedupeKey: string, now: Date): Promise<AlertEvent | null> {
  const [row] = await tx
    .update(alerts)
    .set({ status: 'RESOLVED', resolvedAt: now, updatedAt: now })
    .where(and(eq(alerts.dedupeKey, dedupeKey), UNRESOLVED))
    .returning();
  return row ? recordEvent(tx, 'RESOLVED', row, await subjectShops(tx, row), now) : null;
}

export type NewAlert = Pick<AlertRow, 'rule' | 'severity' | 'shopId' | 'campaignId' | 'subject' | 'message' | 'dedupeKey'> & Partial<Pick<AlertRow, 'messageEn' | 'value' | 'threshold' | 'raisedAt'>>;

/**
 * Records an alert unless one with the same dedupe key exists (a rule re-firing does not flood the
 * feed). Returns the new row, or null when it was a repeat; the caller publishes new ones.
 */
export async function raiseAlert(db: DbOrTx, alert: NewAlert): Promise<AlertRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(alerts).values(alert).onConflictDoNothing({ target: alerts.dedupeKey, where: UNRESOLVED }).returning();
    if (row) await recordEvent(tx, 'RAISED', row, await subjectShops(tx, row), row.raisedAt);
    return row ?? null;
  });
}

/** What to publish for an alert: the whole row, so subscribers need no database read. */
export function alertMessage(row: AlertRow, shopIds: readonly string[]): AlertMessage {
  return {
    shopIds: [...shopIds],
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    status: row.status,
    shopId: row.shopId,
    campaignId: row.campaignId,
    subject: row.subject,
    message: row.message,
    messageEn: row.messageEn,
    value: row.value,
    threshold: row.threshold,
    raisedAt: row.raisedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
    dedupeKey: row.dedupeKey,
    criticalSince: row.criticalSince?.toISOString() ?? null,
    responseOverdueAt: row.responseOverdueAt?.toISOString() ?? null,
    fixOverdueAt: row.fixOverdueAt?.toISOString() ?? null,
  };
}

/** The published message back into a row; it crossed JSON (and maybe Redis). */
/** The shops a published alert concerns; a message from an instance of the version before carries none. */
export const subjectShopsOf = (m: AlertMessage): readonly string[] => m.shopIds ?? (m.shopId ? [m.shopId] : []);

export function alertFromMessage(m: AlertMessage): AlertRow {
  const date = (iso: string | null) => (iso ? new Date(iso) : null);
  return {
    id: m.id,
    rule: m.rule as AlertRow['rule'],
    severity: m.severity as AlertRow['severity'],
    status: m.status as AlertRow['status'],
    shopId: m.shopId,
    campaignId: m.campaignId,
    subject: m.subject,
    message: m.message,
    messageEn: m.messageEn ?? null,
    value: m.value,
    threshold: m.threshold,
    raisedAt: new Date(m.raisedAt),
    acknowledgedAt: date(m.acknowledgedAt),
    acknowledgedBy: m.acknowledgedBy,
    resolvedAt: date(m.resolvedAt),
    clearSince: null,
    updatedAt: new Date(m.updatedAt),
    dedupeKey: m.dedupeKey,
    criticalSince: date(m.criticalSince ?? null),
    responseOverdueAt: date(m.responseOverdueAt ?? null),
    fixOverdueAt: date(m.fixOverdueAt ?? null),
  };
}

/** Publishes committed changes: `alert:raised` for new alerts, `alert:changed` for every change. */
export function publishAlertEvents(pubsub: AppPubSub, events: readonly AlertEvent[]) {
  for (const { change, alert, shopIds, seenInPart } of events) {
    const message = { ...alertMessage(alert, shopIds), seenInPart };
    if (change === 'RAISED') pubsub.publish('alert:raised', message);
    pubsub.publish('alert:changed', { ...message, change });
  }
}
