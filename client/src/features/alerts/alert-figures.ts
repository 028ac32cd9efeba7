import type { Locale, MessageKey } from '../../i18n/messages';
import { formatDuration, formatInteger, formatPercentReached, formatRoi } from '../../lib/format';
import type { AlertRule } from './alerts.documents';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The unit a rule's measured value or threshold is in (docs/ALERTS.md, the server's rule table). */
type Unit = 'rate' | 'roi' | 'units' | 'orders' | 'hours' | 'minutes';

/**
 * Per rule: the unit of `value` and of `threshold` (the server records both in one unit: an overdue
 * milestone's grace in hours, unshipped orders against the order count that triggers the alert).
 * A rule added to the schema without a line here fails the type check.
 */
const UNITS: Record<AlertRule, { value: Unit; threshold: Unit } | null> = {
  CONVERSION_DROP: { value: 'rate', threshold: 'rate' },
  GMV_BEHIND_PACE: { value: 'rate', threshold: 'rate' },
  REFUND_RATE_SPIKE: { value: 'rate', threshold: 'rate' },
  LOW_STOCK: { value: 'units', threshold: 'units' },
  ROI_BELOW_ONE: { value: 'roi', threshold: 'roi' },
  MILESTONE_OVERDUE: { value: 'hours', threshold: 'hours' },
  HIGH_RISK_WITHOUT_PLAN: { value: 'hours', threshold: 'hours' },
  UNSHIPPED_OVERDUE: { value: 'orders', threshold: 'orders' },
  RECTIFICATION_OVERDUE: { value: 'hours', threshold: 'hours' },
  ORDERS_STALLED: { value: 'minutes', threshold: 'minutes' },
  WEBHOOK_PAUSED: null,
};

function formatIn(unit: Unit, n: number, locale: Locale, t: Translate): string {
  switch (unit) {
    case 'rate':
      // Cut as the sentence's and the hero's are: a pace of 0.8996 reads 89.9 %, never 90.0 % beside 阈值 90.0 %.
      return formatPercentReached(n, locale, 1);
    case 'roi':
      // The figure beside the sentence: the same cut as the server's "ROI 0.16" (never "0.17" beside it).
      return formatRoi(n, locale);
    case 'units':
      return t('unit.units', { n: formatInteger(n, locale), count: n });
    case 'orders':
      return t('unit.orders', { n: formatInteger(n, locale), count: n });
    case 'hours':
      return formatDuration(n * 3_600, locale, t);
    case 'minutes':
      return formatDuration(n * 60, locale, t);
  }
}

/** "当前 28 件 · 阈值 50 件", "now 0.62 · threshold 1.00"; null when the rule records no figures. */
export function alertFigures(alert: { rule: AlertRule; value: number | null; threshold: number | null }, locale: Locale, t: Translate): string | null {
  const units = UNITS[alert.rule];
  if (!units || alert.value === null) return null;
  const value = formatIn(units.value, alert.value, locale, t);
  // A grace of 0 is no threshold worth reading: overdue means past the due time.
  if (alert.threshold === null || (units.threshold === 'hours' && alert.threshold === 0)) return t('alerts.figure', { value });
  return t('alerts.figures', { value, threshold: formatIn(units.threshold, alert.threshold, locale, t) });
}
