import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { campaigns } from '../campaign/campaign.table.js';
import { shops } from '../shop/shop.table.js';
import { toWebhookAlert, type WebhookAlert } from '../webhook/webhook.events.js';
import { enqueueWebhookEvent } from '../webhook/webhook.outbox.js';
import type { WebhookEvent } from '../webhook/webhook.table.js';
import { alerts, UNRESOLVED, type AlertRow } from './alert.table.js';
import type { Finding } from './rules/evaluate.js';
import { ENGINE_RULES, RULES, severityRank, type EngineRule } from './rules/rule-settings.js';
import { MINUTE_MS } from '../../lib/time.js';
import { isIncident, markOverdueIncidents } from './alert.incident.js';

/** The alert a finding opens at `at`: the demo's history writes the same rows (demo.judge.ts). */
export function openedBy(finding: Finding, at: Date) {
  return {
    rule: finding.rule,
    severity: finding.severity,
    shopId: finding.shopId,
    campaignId: finding.campaignId,
    subject: finding.subject,
    message: finding.message,
    messageEn: finding.messageEn,
    raisedAt: at,
    value: finding.value,
    threshold: finding.threshold,
    dedupeKey: finding.key,
    criticalSince: isIncident(finding.rule, finding.severity) ? at : null,
    updatedAt: at,
  };
}

export const ALERT_CHANGES = ['RAISED', 'ESCALATED', 'ACKNOWLEDGED', 'RESOLVED', 'RESPONSE_OVERDUE', 'FIX_OVERDUE'] as const;
export type AlertChange = (typeof ALERT_CHANGES)[number];

/** What happened to an alert in a committed transaction: published (and delivered) only after commit. */
export interface AlertEvent {
  change: AlertChange;
  alert: AlertRow;
  /** The shops it concerns (subjectShops): who may hear of it. */
  shopIds: readonly string[];
  /** Heard also by callers over some of those shops (seenInPart). */
  seenInPart: boolean;
}

const WEBHOOK_EVENT: Record<AlertChange, WebhookEvent> = {
  RAISED: 'ALERT_RAISED',
  ESCALATED: 'ALERT_ESCALATED',
  ACKNOWLEDGED: 'ALERT_ACKNOWLEDGED',
  RESOLVED: 'ALERT_RESOLVED',
  RESPONSE_OVERDUE: 'ALERT_RESPONSE_OVERDUE',
  FIX_OVERDUE: 'ALERT_FIX_OVERDUE',
};

/**
 * Per-instance memory of conditions that hold but have not yet held for their rule's sustain time
 * ("behind pace for 5 minutes"). Losing it on restart only delays an alert by the sustain time.
 */
export class PendingConditions {
  private readonly since = new Map<string, number>();

  /** True once the finding's condition has held for its sustain minutes (now included). */
  due(finding: Finding, now: Date): boolean {
    if (finding.sustainMinutes <= 0) return true;
    const first = this.since.get(finding.key) ?? now.getTime();
    this.since.set(finding.key, first);
    return now.getTime() - first >= finding.sustainMinutes * MINUTE_MS;
  }

  /** Forgets conditions that no longer hold. */
  retain(breachedKeys: ReadonlySet<string>) {
    for (const key of this.since.keys()) if (!breachedKeys.has(key)) this.since.delete(key);
  }
}

/**
 * Applies one evaluation in one transaction: opens alerts for conditions that hold (at most one
 * unresolved per rule and subject — the partial unique index decides, so two instances evaluating
 * at once open it once), raises severity when it worsened, starts the clear clock when a condition
 * is back past its clear level and resolves once it stayed there, and writes webhook deliveries
 * for each change into the outbox in the same transaction. Returns the changes to publish after commit.
 */
export async function applyFindings(db: Db, findings: readonly Finding[], now: Date, pending: PendingConditions): Promise<AlertEvent[]> {
  const breached = new Set(findings.filter((f) => f.breached).map((f) => f.key));
  pending.retain(breached);
  return db.transaction(async (tx) => {
    const events: AlertEvent[] = [];
    const open = await tx
      .select()
      .from(alerts)
      .where(and(ne(alerts.status, 'RESOLVED'), inArray(alerts.rule, [...ENGINE_RULES])));
    const openByKey = new Map(open.map((a) => [a.dedupeKey, a]));
    const seen = new Set<string>();
    // Figures of open alerts that moved (an overdue milestone's hours move every evaluation): written in one
    // statement below, where a statement each made 500 open alerts 500 round trips every two seconds.
    const moved: FiguresUpdate[] = [];
    // Figures of open alerts whose condition is back past its clear level: current, with the clear clock running.
    const clearing: FiguresUpdate[] = [];

    for (const finding of findings) {
      const current = openByKey.get(finding.key);
      if (finding.cleared) {
        if (current && figuresMoved(current, finding)) clearing.push(figuresOf(current.id, finding));
        continue; // not seen: clear, below
      }
      seen.add(finding.key);
      if (!current) {
        if (!finding.breached || !pending.due(finding, now)) continue;
        const [row] = await tx
          .insert(alerts)
          .values(openedBy(finding, now))
          .onConflictDoNothing({ target: alerts.dedupeKey, where: UNRESOLVED })
          .returning();
        if (row) events.push(await recordEvent(tx, 'RAISED', row, finding.shopIds, now));
        continue;
      }
      // Open already: keep its figures current; a worse severity is an escalation (never lowered).
      const escalated = severityRank(finding.severity) > severityRank(current.severity);
      const changed = escalated || figuresMoved(current, finding) || current.clearSince !== null;
      if (!changed) continue;
      if (!escalated) {
        moved.push(figuresOf(current.id, finding));
        continue;
      }
      const [row] = await tx
        .update(alerts)
        .set({
          value: finding.value,
          threshold: finding.threshold,
          message: finding.message,
          messageEn: finding.messageEn,
          clearSince: null,
          updatedAt: now,
          ...(escalated ? { severity: finding.severity } : {}),
          // Escalated to an incident: its clock starts now (it was not one before, so it has none).
          ...(escalated && isIncident(finding.rule, finding.severity) && !current.criticalSince ? { criticalSince: now } : {}),
        })
        // Escalating only from the severity this evaluation read: another instance's engine, evaluating
        // the same tick, may have escalated it since, and the operators' groups must hear of it once.
        .where(and(eq(alerts.id, current.id), ne(alerts.status, 'RESOLVED'), escalated ? eq(alerts.severity, current.severity) : undefined))
        .returning();
      if (row && escalated) events.push(await recordEvent(tx, 'ESCALATED', row, finding.shopIds, now));
    }

    await keepFiguresCurrent(tx, moved, now, { clear: false });
    await keepFiguresCurrent(tx, clearing, now, { clear: true });

    // Open alerts whose subject produced no finding are clear: resolve once they stayed clear long enough.
    for (const alert of open) {
      if (seen.has(alert.dedupeKey)) continue;
      const clearMinutes = clearMinutesOf(alert);
      const since = alert.clearSince ?? now;
      if (now.getTime() - since.getTime() >= clearMinutes * MINUTE_MS) {
        const [row] = await tx
          .update(alerts)
          .set({ status: 'RESOLVED', resolvedAt: now, clearSince: since, updatedAt: now })
          .where(and(eq(alerts.id, alert.id), ne(alerts.status, 'RESOLVED')))
          .returning();
        if (row) events.push(await recordEvent(tx, 'RESOLVED', row, await subjectShops(tx, row), now));
      } else if (!alert.clearSince) {
        await tx.update(alerts).set({ clearSince: now, updatedAt: now }).where(eq(alerts.id, alert.id));
      }
    }

    // Deadlines passed since the last evaluation (the engine runs at least once a minute): the room hears of them.
    for (const { change, alert } of await markOverdueIncidents(tx, open, now)) {
      events.push(await recordEvent(tx, change, alert, await subjectShops(tx, alert), now));
    }
    return events;
  });
}


interface FiguresUpdate {
  id: string;
  value: number;
  threshold: number;
  message: string;
  messageEn: string;
}

const figuresMoved = (alert: AlertRow, finding: Finding) =>
  alert.value !== finding.value || alert.threshold !== finding.threshold || alert.message !== finding.message || alert.messageEn !== finding.messageEn;

const figuresOf = (id: string, finding: Finding): FiguresUpdate => ({
  id,
  value: finding.value,
  threshold: finding.threshold,
  message: finding.message,
  messageEn: finding.messageEn,
});

/**
 * The open alerts' current figures, in one statement whatever their number; one resolved meanwhile is left
 * alone. `clear`: the condition is past its clear level, so the clear clock (started below) keeps running;
 * otherwise it holds again and the clock stops.
 */
async function keepFiguresCurrent(tx: DbOrTx, updates: readonly FiguresUpdate[], now: Date, { clear }: { clear: boolean }): Promise<void> {
  if (updates.length === 0) return;
  await tx.execute(sql`
    update ${alerts} set value = u.value, threshold = u.threshold, message = u.message, message_en = u.message_en,
      clear_since = ${clear ? sql`${alerts.clearSince}` : sql`null`}, updated_at = ${now.toISOString()}::timestamptz
    from unnest(${sql.param(updates.map((u) => u.id))}::uuid[], ${sql.param(updates.map((u) => u.value))}::float8[],
                ${sql.param(updates.map((u) => u.threshold))}::float8[], ${sql.param(updates.map((u) => u.message))}::text[],
                ${sql.param(updates.map((u) => u.messageEn))}::text[])
      as u(id, value, threshold, message, message_en)
    where ${alerts.id} = u.id and ${alerts.status} <> 'RESOLVED'`);
}

function clearMinutesOf(alert: AlertRow): number {
  return (ENGINE_RULES as readonly string[]).includes(alert.rule) ? RULES[alert.rule as EngineRule].clearMinutes : 0;
}

/** The shops an alert concerns: its shop, or every shop of its campaign; none for installation-wide alerts. */
export async function subjectShops(db: DbOrTx, alert: AlertRow): Promise<string[]> {
  if (alert.shopId) return [alert.shopId];
  if (!alert.campaignId) return [];
  const [campaign] = await db.select({ shopIds: campaigns.shopIds }).from(campaigns).where(eq(campaigns.id, alert.campaignId));
  return campaign?.shopIds ?? [];
}

/** Writes the change's webhook deliveries into the outbox (same transaction) and returns it for publishing. */
export async function recordEvent(tx: DbOrTx, change: AlertChange, alert: AlertRow, shopIds: readonly string[], now: Date): Promise<AlertEvent> {
  await enqueueWebhookEvent(tx, { type: WEBHOOK_EVENT[change], shopIds, occurredAt: now, data: { alert: await webhookAlert(tx, alert) } });
  return { change, alert, shopIds, seenInPart: await seenInPart(tx, alert) };
}

/**
 * A campaign's milestone alerts (关键节点逾期, 高风险未提交应对方案) say nothing of any shop's figures: a caller
 * who sees the campaign in part (it is split, 目标拆解) hears of them too, as they see its milestones. Its pace
 * alert reads the whole campaign's GMV against its whole target, and stays with callers over every shop.
 */
export const PART_VISIBLE_RULES = ['MILESTONE_OVERDUE', 'HIGH_RISK_WITHOUT_PLAN'] as const satisfies readonly AlertRow['rule'][];

async function seenInPart(db: DbOrTx, alert: AlertRow): Promise<boolean> {
  if (alert.shopId || !alert.campaignId || !(PART_VISIBLE_RULES as readonly string[]).includes(alert.rule)) return false;
  const [campaign] = await db.select({ split: campaigns.shopTargetsFen }).from(campaigns).where(eq(campaigns.id, alert.campaignId));
  return campaign?.split != null;
}

async function webhookAlert(db: DbOrTx, alert: AlertRow): Promise<WebhookAlert> {
  const [shop] = alert.shopId ? await db.select({ id: shops.id, name: shops.name }).from(shops).where(eq(shops.id, alert.shopId)) : [];
  const [campaign] = alert.campaignId
    ? await db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(eq(campaigns.id, alert.campaignId))
    : [];
  return toWebhookAlert(alert, { shop, campaign });
}
