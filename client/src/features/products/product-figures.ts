import type { Locale, MessageKey } from '../../i18n/messages';
import { dateTimeFormat, formatDecimal, formatInteger, formatPercentReached, SHORT_MONTH_DAY } from '../../lib/format';
import { NEW_PRODUCT_SHOWN_MS } from './stock-filter';

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

/** Past a year of cover the figure says only that: 27,300.0 天 (75 years) reads as precision nobody has. */
const DAYS_SHOWN_UP_TO = 365;

/**
 * 库存周转天数 as the API gives it: 0 is nothing in stock (缺货), null is nothing sold in the window
 * (未动销: the stock never turns over), over a year "> 365 天", else days with one decimal.
 */
export function inventoryDaysText(days: number | null, locale: Locale, t: Translate): string {
  if (days === null) return t('products.noSales');
  if (days === 0) return t('products.outOfStock');
  if (days > DAYS_SHOWN_UP_TO) return t('products.overDays', { n: formatInteger(DAYS_SHOWN_UP_TO, locale) });
  return exactDaysText(days, locale, t);
}

/** The days with one decimal, however many: the tooltip of a capped figure. */
export const exactDaysText = (days: number, locale: Locale, t: Translate) => t('unit.days', { n: formatDecimal(days, locale, 1) });

/**
 * A new product's 7-day conversion with one decimal, cut like 动销率: 2.96 % reads 2.9 % beside 下架候选,
 * never a 3.0 % that would look like it made the 3 % line.
 */
export const conversionText = (rate: number, locale: Locale) => formatPercentReached(rate, locale, 1);

/** The 新品 column stays for 30 days after creation (23 after the 7-day trial ends); the 滞销 rule judges the product from then on. */
const LAUNCH_SHOWN_AFTER_END_MS = NEW_PRODUCT_SHOWN_MS - 7 * 86_400_000;

/** Whether the 新品 column shows this trial at `nowMs`: running, or ended less than 23 days ago. */
export const launchShown = (endsAt: string, nowMs: number) => Date.parse(endsAt) > nowMs - LAUNCH_SHOWN_AFTER_END_MS;

/** The day a trial ends, in Asia/Shanghai: 11月15日 / Nov 15. */
export const trialEndText = (endsAt: string, locale: Locale) =>
  dateTimeFormat(locale, SHORT_MONTH_DAY).format(new Date(endsAt));
