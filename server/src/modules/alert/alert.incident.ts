import { and, eq, inArray, isNull, ne, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { MINUTE_MS } from '../../lib/time.js';
import type { AlertChange } from './alert.lifecycle.js';
import { alerts, type AlertRow, type AlertRule, type AlertSeverity } from './alert.table.js';

/**
 * The manuals' campaign-day rule (DOMAIN.md): an incident needs a response within 10 minutes and a fix
 * within 30. A response is someone acknowledging the alert (认领); a fix is the alert resolving, which the
 * engine decides when the figures are back past the rule's clear level.
 */
export const RESPONSE_MINUTES = 10;
export const FIX_MINUTES = 30;

/**
 * The rules whose CRITICAL alerts are incidents: live trading broken now, where minutes count and a fix
 * within half an hour is possible — orders stopped (the site, payments or the feed down), conversion
 * collapsed (a broken page, a failing payment step), a best seller sold out or under an hour from it.
 * A CRITICAL pace, refund rate over 24 h, shipping backlog or late milestone is serious, but no one
 * fixes it in 30 minutes: those keep their severity without a clock.
 */
export const INCIDENT_RULES = ['ORDERS_STALLED', 'CONVERSION_DROP', 'LOW_STOCK'] as const satisfies readonly AlertRule[];

export const isIncident = (rule: AlertRule, severity: AlertSeverity) =>
  severity === 'CRITICAL' && (INCIDENT_RULES as readonly AlertRule[]).includes(rule);

/** When an incident started (raised or escalated CRITICAL) and its two deadlines: what does not depend on the clock. */
export interface IncidentDeadlines {
  startedAt: Date;
  respondBy: Date;
  fixBy: Date;
}

/** The deadlines of an alert on the clock (`criticalSince` set), or null for one that is not an incident. */
export function incidentDeadlines(alert: Pick<AlertRow, 'criticalSince'>): IncidentDeadlines | null {
  const startedAt = alert.criticalSince;
  if (!startedAt) return null;
  return {
    startedAt,
    respondBy: new Date(startedAt.getTime() + RESPONSE_MINUTES * MINUTE_MS),
    fixBy: new Date(startedAt.getTime() + FIX_MINUTES * MINUTE_MS),
  };
}

export interface IncidentClock extends IncidentDeadlines {
  /** Seconds from the start to the acknowledgement (0 if acknowledged before it turned critical); null until then. */
  respondedInSeconds: number | null;
  /** Seconds from the start to its resolution; null while unresolved. */
  fixedInSeconds: number | null;
  /** Not acknowledged by respondBy (whether acknowledged late since, or not yet at `now`). */
  responseOverdue: boolean;
  fixOverdue: boolean;
}

/** The incident's clock as of `now`, or null for an alert that is not an incident. */
export function incidentClock(alert: Pick<AlertRow, 'criticalSince' | 'acknowledgedAt' | 'resolvedAt'>, now: Date): IncidentClock | null {
  const deadlines = incidentDeadlines(alert);
  if (!deadlines) return null;
  const { startedAt, respondBy, fixBy } = deadlines;
  const secondsSince = (at: Date | null) => (at ? Math.max(0, Math.round((at.getTime() - startedAt.getTime()) / 1000)) : null);
  // Done at the deadline is in time; not done when it comes is late (the engine announces it then: ≤ in markOverdueIncidents).
  const lateFor = (deadline: Date, doneAt: Date | null) => (doneAt ? doneAt.getTime() > deadline.getTime() : now.getTime() >= deadline.getTime());
  return {
    startedAt,
    respondBy,
    fixBy,
    respondedInSeconds: secondsSince(alert.acknowledgedAt),
    fixedInSeconds: secondsSince(alert.resolvedAt),
    responseOverdue: lateFor(respondBy, alert.acknowledgedAt),
    fixOverdue: lateFor(fixBy, alert.resolvedAt),
  };
}

export type OverdueChange = Extract<AlertChange, 'RESPONSE_OVERDUE' | 'FIX_OVERDUE'>;

/**
 * Marks the incidents whose deadline passed since the last evaluation, each deadline once: still OPEN
 * 10 minutes after turning critical, still unresolved after 30. `open` is the evaluation's own read of the
 * unresolved alerts: when none of them is due, nothing is sent (an evaluation with no incident costs no
 * statement). The `is null` in each UPDATE makes the mark once only, however many instances evaluate at the
 * same moment (the second waits on the row lock, then finds it marked), and its status check skips one
 * acknowledged or resolved since `open` was read. Runs inside the evaluation's transaction, so the
 * announcement's webhook deliveries commit with the mark.
 */
export async function markOverdueIncidents(tx: DbOrTx, open: readonly AlertRow[], now: Date): Promise<{ change: OverdueChange; alert: AlertRow }[]> {
  const passed = (alert: AlertRow, deadline: 'respondBy' | 'fixBy') => {
    const deadlines = incidentDeadlines(alert);
    return deadlines !== null && deadlines[deadline] <= now;
  };
  const unanswered = open.filter((a) => a.status === 'OPEN' && !a.responseOverdueAt && passed(a, 'respondBy')).map((a) => a.id);
  const unfixed = open.filter((a) => !a.fixOverdueAt && passed(a, 'fixBy')).map((a) => a.id);
  const mark = async (ids: string[], set: Partial<AlertRow>, pending: SQL | undefined) =>
    ids.length === 0 ? [] : tx.update(alerts).set(set).where(and(inArray(alerts.id, ids), pending)).returning();
  const lateResponses = await mark(unanswered, { responseOverdueAt: now }, and(eq(alerts.status, 'OPEN'), isNull(alerts.responseOverdueAt)));
  const lateFixes = await mark(unfixed, { fixOverdueAt: now }, and(ne(alerts.status, 'RESOLVED'), isNull(alerts.fixOverdueAt)));
  return [...lateResponses.map((alert) => ({ change: 'RESPONSE_OVERDUE' as const, alert })), ...lateFixes.map((alert) => ({ change: 'FIX_OVERDUE' as const, alert }))];
}
