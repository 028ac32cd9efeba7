import type { Locale, MessageKey } from '../../i18n/messages';
import { formatDecimal, formatPercentReached } from '../../lib/format';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * 动销率 with one decimal, cut rather than rounded, so a share never reads more SKUs sold than there were:
 * 1 SKU of 21 (4.76 %, under the 滞销 line of 5 %) is 4.7 %, 2 of 3 is 66.6 %. — for a product without SKUs.
 */
export const sellThroughText = (rate: number | null, locale: Locale) => (rate === null ? '—' : formatPercentReached(rate, locale, 1));

/**
 * Units a day over the days listed in the window, with two decimals: one unit in 30 days is 0.03, not a 0.0
 * that reads as unsold. — for a SKU listed today, which has no day to average over yet.
 */
export const dailyUnitsText = (units: number | null, locale: Locale) => (units === null ? '—' : formatDecimal(units, locale, 2));

/**
 * 库存周转天数 as the API gives it: 0 is nothing in stock (缺货), null is nothing sold in the window
 * (未动销: the stock never turns over), else days with one decimal.
 */
export function inventoryDaysText(days: number | null, locale: Locale, t: Translate): string {
  if (days === null) return t('products.noSales');
  if (days === 0) return t('products.outOfStock');
  return t('unit.days', { n: formatDecimal(days, locale, 1) });
}
