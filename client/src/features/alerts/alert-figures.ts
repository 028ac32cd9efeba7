import type { Locale, MessageKey } from '../../i18n/messages';
import { formatDecimal, formatDuration, formatInteger, formatPercent } from '../../lib/format';
import type { AlertRule } from './alerts.documents';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The unit a rule's measured value or threshold is in (docs/ALERTS.md, the server's rule table). */
type Unit = 'rate' | 'roi' | 'units' | 'orders' | 'hours' | 'minutes';

/**
 * Per rule: the unit of `value` and of `threshold`. Not always the same unit: an overdue milestone
 * measures hours late against a grace in minutes, unshipped orders count orders past a limit in hours.
 * A rule added to the schema without a line here fails the type check.
 */
const UNITS: Record<AlertRule, { value: Unit; threshold: Unit } | null> = {
  CONVERSION_DROP: { value: 'rate', threshold: 'rate' },
  GMV_BEHIND_PACE: { value: 'rate', threshold: 'rate' },
  REFUND_RATE_SPIKE: { value: 'rate', threshold: 'rate' },
  LOW_STOCK: { value: 'units', threshold: 'units' },
  ROI_BELOW_ONE: { value: 'roi', threshold: 'roi' },
  MILESTONE_OVERDUE: { value: 'hours', threshold: 'minutes' },
  HIGH_RISK_WITHOUT_PLAN: { value: 'hours', threshold: 'hours' },
  UNSHIPPED_OVERDUE: { value: 'orders', threshold: 'hours' },
  WEBHOOK_PAUSED: null,
};

function formatIn(unit: Unit, n: number, locale: Locale, t: Translate): string {
  switch (unit) {
    case 'rate':
      return formatPercent(n, locale, 1);
    case 'roi':
      return formatDecimal(n, locale, 2);
    case 'units':
      return t('unit.units', { n: formatInteger(n, locale) });
    case 'orders':
      return t('unit.orders', { n: formatInteger(n, locale) });
    case 'hours':
      return formatDuration(n * 3_600, locale, t);
    case 'minutes':
      return t('unit.minutes', { n: formatInteger(n, locale) });
  }
}

/** "当前 28 件 · 阈值 50 件", "now 0.62 · threshold 1.00"; null when the rule records no figures. */
export function alertFigures(alert: { rule: AlertRule; value: number | null; threshold: number | null }, locale: Locale, t: Translate): string | null {
  const units = UNITS[alert.rule];
  if (!units || alert.value === null) return null;
  const value = formatIn(units.value, alert.value, locale, t);
  // A grace of 0 minutes is no threshold worth reading: overdue means past the due time.
  if (alert.threshold === null || (units.threshold === 'minutes' && alert.threshold === 0)) return t('alerts.figure', { value });
  return t('alerts.figures', { value, threshold: formatIn(units.threshold, alert.threshold, locale, t) });
}
