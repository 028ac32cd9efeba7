import type { AlertLogFilter, AlertSeverity } from './alert-log.documents';

/**
 * The page's lists (`?status=`): the alerts nobody has claimed yet (the default: what needs someone now), the
 * claimed ones still unresolved, the resolved ones, or all. The API lists newest raised first whatever the
 * status, so "open first" is the open list, not an order inside a mixed one.
 */
export type AlertStatusView = 'open' | 'acknowledged' | 'resolved' | 'all';

export const STATUS_VIEWS: readonly AlertStatusView[] = ['open', 'acknowledged', 'resolved', 'all'];
export const SEVERITIES: readonly AlertSeverity[] = ['CRITICAL', 'WARNING', 'INFO'];

export const statusViewOf = (value: string | undefined): AlertStatusView => STATUS_VIEWS.find((s) => s === value) ?? 'open';
export const severityOf = (value: string | undefined): AlertSeverity | null => SEVERITIES.find((s) => s === value) ?? null;

const STATUSES = { open: ['OPEN'], acknowledged: ['ACKNOWLEDGED'], resolved: ['RESOLVED'], all: [] } as const;

/** The API's filter: only what narrows the list is sent (an empty list restricts nothing anyway). */
export function alertLogFilter(status: AlertStatusView, severity: AlertSeverity | null): AlertLogFilter {
  return {
    ...(STATUSES[status].length > 0 && { statuses: [...STATUSES[status]] }),
    ...(severity && { severities: [severity] }),
  };
}
