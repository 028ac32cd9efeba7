import type { AlertRow } from './alerts.documents';

/** Most severe first: the feed's order, and the order of a summary of what it cannot show. */
export const SEVERITY_RANK: Record<AlertRow['severity'], number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };

/**
 * When an incident nobody has claimed yet must get its response (incident-clock.ts); any other alert is not
 * waiting on one and sorts after them.
 */
const responseDue = (a: AlertRow) => (a.status === 'OPEN' && a.incident ? Date.parse(a.incident.respondBy) : Number.MAX_SAFE_INTEGER);

/**
 * What the room should look at first: the most severe; among equals, incidents nobody has claimed, the
 * one whose response is due first at the top; then the most recently raised.
 */
export function rankAlerts(alerts: readonly AlertRow[]): AlertRow[] {
  return [...alerts].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      responseDue(a) - responseDue(b) ||
      Date.parse(b.raisedAt) - Date.parse(a.raisedAt) ||
      a.id.localeCompare(b.id),
  );
}

/**
 * Of two copies of one alert (loaded, streamed, returned by an acknowledgement), the one the server
 * changed last; on a tie the incoming one, which is the same state. A load answered after a change
 * was streamed must not put back the older state (an alert resolved meanwhile would come back).
 */
export function newerOf(current: AlertRow | undefined, incoming: AlertRow): AlertRow {
  if (!current) return incoming;
  return Date.parse(current.updatedAt) > Date.parse(incoming.updatedAt) ? current : incoming;
}
