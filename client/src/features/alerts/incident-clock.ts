import type { AlertRow } from './alerts.documents';

/**
 * Where an incident stands against the manuals' clock (a response within 10 minutes, a fix within 30; the
 * server's Alert.incident): what the room must do next and how long it has, or how late it is. Judged on the
 * screen's own ticking clock, so the countdown moves between the server's messages. Null for an alert that
 * is not an incident, and for one resolved (its record is the server's, not a countdown).
 */
export type IncidentState =
  | { step: 'respond'; remainingMs: number }
  | { step: 'respondLate'; lateMs: number }
  | { step: 'fix'; remainingMs: number }
  | { step: 'fixLate'; lateMs: number };

export function incidentState(alert: Pick<AlertRow, 'status' | 'incident'>, nowMs: number): IncidentState | null {
  const { incident } = alert;
  if (!incident || alert.status === 'RESOLVED') return null;
  const started = Date.parse(incident.startedAt);
  // Never more time left than the rule gives: a screen whose clock runs behind the server's would show 10:01.
  const left = (deadline: number) => Math.min(deadline - nowMs, deadline - started);
  if (alert.status === 'OPEN') {
    const respondBy = Date.parse(incident.respondBy);
    return left(respondBy) > 0 ? { step: 'respond', remainingMs: left(respondBy) } : { step: 'respondLate', lateMs: nowMs - respondBy };
  }
  const fixBy = Date.parse(incident.fixBy);
  return left(fixBy) > 0 ? { step: 'fix', remainingMs: left(fixBy) } : { step: 'fixLate', lateMs: nowMs - fixBy };
}

/** A countdown as the room reads it at a glance: "9:05", "0:42" (whole minutes and seconds left). */
export function countdown(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
