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
  if (alert.status === 'OPEN') {
    const left = Date.parse(incident.respondBy) - nowMs;
    return left > 0 ? { step: 'respond', remainingMs: left } : { step: 'respondLate', lateMs: nowMs - Date.parse(incident.respondBy) };
  }
  const left = Date.parse(incident.fixBy) - nowMs;
  return left > 0 ? { step: 'fix', remainingMs: left } : { step: 'fixLate', lateMs: nowMs - Date.parse(incident.fixBy) };
}

/** A countdown as the room reads it at a glance: "9:05", "0:42" (minutes and seconds, rounded up). */
export function countdown(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
