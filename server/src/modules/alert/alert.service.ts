import { and, count, eq, inArray, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Viewer } from '../../auth/viewer.js';
import { shopVisible } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { notFound } from '../../errors.js';
import { parseInput } from '../../lib/validate.js';
import type { AlertMessage } from '../../realtime/pubsub.js';
import { alerts, type AlertRow, type AlertSeverity } from './alert.table.js';

export interface AlertFilter {
  acknowledged?: boolean | null;
  severities?: readonly AlertSeverity[] | null;
  shopIds?: readonly string[] | null;
  campaignId?: string | null;
}

/** Alerts with a shop follow the shop's visibility; alerts about no single shop are for operators only. */
function visible(viewer: Viewer): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  return and(isNotNull(alerts.shopId), shopVisible(viewer, alerts.shopId));
}

export function alertMatches(viewer: Viewer, filter: AlertFilter, alert: Pick<AlertRow, 'shopId' | 'severity' | 'campaignId' | 'acknowledgedAt'>): boolean {
  if (viewer.shops !== 'ALL' && (!alert.shopId || !viewer.shops.has(alert.shopId))) return false;
  if (filter.acknowledged != null && filter.acknowledged !== (alert.acknowledgedAt !== null)) return false;
  if (filter.severities?.length && !filter.severities.includes(alert.severity)) return false;
  if (filter.shopIds?.length && (!alert.shopId || !filter.shopIds.includes(alert.shopId))) return false;
  if (filter.campaignId && alert.campaignId !== filter.campaignId) return false;
  return true;
}

export async function loadAlerts(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(alerts).where(and(inArray(alerts.id, [...ids]), visible(viewer)));
}

/** Newest first: the alerts feed of the war room. */
export function listAlerts(db: DbOrTx, viewer: Viewer, filter: AlertFilter, args: ConnectionArgs) {
  const where = and(
    visible(viewer),
    filter.acknowledged == null ? undefined : filter.acknowledged ? isNotNull(alerts.acknowledgedAt) : isNull(alerts.acknowledgedAt),
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

const AcknowledgeInput = z.object({ id: z.string() });

/** Acknowledging twice keeps the first acknowledgement: who saw it first is what the 复盘 needs. */
export async function acknowledgeAlert(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<AlertRow> {
  const { id } = parseInput(AcknowledgeInput, input);
  const [alert] = await loadAlerts(db, viewer, [id]);
  if (!alert) throw notFound('Alert', ['input', 'id']);
  if (alert.acknowledgedAt) return alert;
  const [row] = await db
    .update(alerts)
    .set({ acknowledgedAt: now, acknowledgedBy: viewer.displayName })
    .where(and(eq(alerts.id, alert.id), isNull(alerts.acknowledgedAt)))
    .returning();
  return row ?? (await loadAlerts(db, viewer, [id]))[0]!;
}

export type NewAlert = Pick<AlertRow, 'rule' | 'severity' | 'shopId' | 'campaignId' | 'subject' | 'message' | 'dedupeKey'> & { raisedAt?: Date };

/**
 * Records an alert unless one with the same dedupe key exists (a rule re-firing does not flood the
 * feed). Returns the new row, or null when it was a repeat; the caller publishes new ones.
 */
export async function raiseAlert(db: DbOrTx, alert: NewAlert): Promise<AlertRow | null> {
  const [row] = await db.insert(alerts).values(alert).onConflictDoNothing({ target: alerts.dedupeKey }).returning();
  return row ?? null;
}

/** What to publish for a newly raised alert. */
export function alertMessage(row: AlertRow): AlertMessage {
  return {
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    shopId: row.shopId,
    campaignId: row.campaignId,
    subject: row.subject,
    message: row.message,
    raisedAt: row.raisedAt.toISOString(),
    dedupeKey: row.dedupeKey,
  };
}
