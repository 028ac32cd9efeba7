import type { Locale } from '../i18n/messages';
import { fenToDecimal } from './decimal';
import { shanghaiDate } from './shanghai-day';

/** Below this the full amount is shown (¥8,520.00); from here on, 万/亿 (zh-CN) or M/B (en). */
const COMPACT_FROM: Record<Locale, number> = { 'zh-CN': 10_000, en: 1_000_000 };

const SHANGHAI = 'Asia/Shanghai';

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) cache.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}

const dateCache = new WeakMap<Intl.DateTimeFormatOptions, Map<Locale, Intl.DateTimeFormat>>();
/**
 * A date formatter for one of the constant option sets below, made once per language: building an
 * Intl.DateTimeFormat costs far more than formatting with one, and the wall formats clocks every second.
 */
export function dateTimeFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let byLocale = dateCache.get(options);
  if (!byLocale) dateCache.set(options, (byLocale = new Map()));
  let format = byLocale.get(locale);
  if (!format) byLocale.set(locale, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

const HOUR_MINUTE: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const MONTH_DAY: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, month: 'numeric', day: 'numeric' };
const CLOCK: Intl.DateTimeFormatOptions = { ...HOUR_MINUTE, second: '2-digit' };
const DATE_TIME: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DATE_TIME_YEAR: Intl.DateTimeFormatOptions = { ...DATE_TIME, year: 'numeric' };
const CALENDAR_DAY: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, year: 'numeric', month: 'short', day: 'numeric' };
const LONG_DATE: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' };
/** Month and day by name: 11月15日 / Nov 15. */
export const SHORT_MONTH_DAY: Intl.DateTimeFormatOptions = { timeZone: SHANGHAI, month: 'short', day: 'numeric' };

const CNY: Intl.NumberFormatOptions = { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol' };

/** The exact amount with two decimals: ¥8,520.00. */
export function formatCnyExact(fen: number, locale: Locale): string {
  // Formatted from the decimal string, not fen / 100: a float would lose fen above ¥90 billion.
  return numberFormat(locale, { ...CNY, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fenToDecimal(fen) as Intl.StringNumericLiteral);
}

/**
 * A money amount in the unit a reader expects: ¥8,520.00, ¥152.34万, ¥1.23亿 (zh-CN) or ¥1.23M (en).
 * Truncated, never rounded up: a GMV of ¥99,995,000 must not read "¥1.00亿" before it gets there.
 */
export function formatCny(fen: number, locale: Locale): string {
  if (Math.abs(fen / 100) < COMPACT_FROM[locale]) return formatCnyExact(fen, locale);
  return numberFormat(locale, {
    ...CNY,
    notation: 'compact',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    roundingMode: 'trunc',
  }).format(fen / 100);
}

/** Chart axes: short and without fen, ¥1,750 / ¥12.5万 / ¥1.2亿. */
export function formatCnyAxis(fen: number, locale: Locale): string {
  const yuan = fen / 100;
  const compact = Math.abs(yuan) >= COMPACT_FROM[locale];
  return numberFormat(locale, { ...CNY, ...(compact ? { notation: 'compact' } : {}), maximumFractionDigits: compact ? 1 : 0 }).format(yuan);
}

/** Hour and minute in Asia/Shanghai (chart axes): 20:00. */
export function formatHourMinute(at: Date | number, locale: Locale): string {
  return dateTimeFormat(locale, HOUR_MINUTE).format(new Date(at));
}

/**
 * Month-day and time in Asia/Shanghai, the same in every language: 12-03 14:05. For a time on a live
 * list that is not from today, where a bare clock time would read as today's.
 */
export function formatDayTime(at: Date | number, locale: Locale): string {
  return `${shanghaiDate(new Date(at).getTime()).slice(5)} ${formatHourMinute(at, locale)}`;
}

/** Month and day in Asia/Shanghai (chart axes): 11/11 or 11月11日. */
export function formatMonthDay(at: Date | number, locale: Locale): string {
  return dateTimeFormat(locale, MONTH_DAY).format(new Date(at));
}

export function formatInteger(value: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

export function formatDecimal(value: number, locale: Locale, digits = 1): string {
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * A ROI with two decimals, cut as the server's sentences cut it (metrics.formulas' roiText), on every screen:
 * 0.165 reads 0.16 under an alert's "ROI 0.16", and 0.995, below 1 and marked 建议暂停, never reads 1.00. From the number's shortest
 * decimal ("0.29"), not its binary value (0.28999…), which a cut would take to 0.28.
 */
export function formatRoi(roi: number, locale: Locale): string {
  return numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, roundingMode: 'trunc' }).format(String(roi) as Intl.StringNumericLiteral);
}

/** A rate in [0, 1] as a percentage: 0.0345 → 3.45%. */
export function formatPercent(rate: number, locale: Locale, digits = 2): string {
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate);
}

/**
 * A share of a goal reached (achievement, pace), truncated like formatCny: 99.96% reads 99.9%, never a
 * 100.0% the campaign has not reached, and a pace just under a colour's threshold reads under it too.
 */
export function formatPercentReached(rate: number, locale: Locale, digits: number): string {
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, roundingMode: 'trunc' }).format(rate);
}

/**
 * A multiple still needed (the pace the rest of a campaign must sell at), rounded up: 118.2% reads 119%,
 * never an easier figure than the truth, as formatPercentReached never reads past what was reached.
 */
export function formatPercentNeeded(rate: number, locale: Locale, digits: number): string {
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, roundingMode: 'ceil' }).format(rate);
}

/** A relative change with its sign: +12.3%, −4.0%; null (nothing to compare with) is "—". */
export function formatChange(change: number | null, locale: Locale): string {
  if (change === null || !Number.isFinite(change)) return '—';
  return numberFormat(locale, { style: 'percent', signDisplay: 'exceptZero', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(change);
}

/** (current − previous) / previous; null when there is no previous figure to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return (current - previous) / previous;
}

/** Wall-clock time in Asia/Shanghai, whatever the screen's own time zone is: 23:59:58. */
export function formatClock(at: Date | string, locale: Locale): string {
  return dateTimeFormat(locale, CLOCK).format(new Date(at));
}

/** Date and time in Asia/Shanghai: 11月11日 20:00 / Nov 11, 20:00. */
export function formatDateTime(at: Date | string, locale: Locale): string {
  return dateTimeFormat(locale, DATE_TIME).format(new Date(at));
}

/**
 * The end of a span or a deadline: a midnight reads as 24:00 of the day it closes (11月5日 24:00), the way
 * the manuals write a due time, since 11月6日 00:00 is easily read as a day later than meant.
 */
export function formatEndOfSpan(at: Date | string, locale: Locale): string {
  const ms = new Date(at).getTime();
  if (formatHourMinute(ms, locale) !== '00:00') return formatDateTime(new Date(ms), locale);
  return `${dateTimeFormat(locale, SHORT_MONTH_DAY).format(new Date(ms - 1))}${locale === 'en' ? ',' : ''} 24:00`;
}

/** As formatDateTime, with the year when it is not the year of `now` (Asia/Shanghai): 2025年6月2日 00:00. */
export function formatDateTimeInYear(at: Date | string, locale: Locale, now: number): string {
  if (shanghaiDate(new Date(at).getTime()).slice(0, 4) === shanghaiDate(now).slice(0, 4)) return formatDateTime(at, locale);
  return dateTimeFormat(locale, DATE_TIME_YEAR).format(new Date(at));
}

/** A calendar day (YYYY-MM-DD, as the API's Date is, in Asia/Shanghai): 2026年11月1日 / Nov 1, 2026. */
export function formatCalendarDay(day: string, locale: Locale): string {
  return dateTimeFormat(locale, CALENDAR_DAY).format(new Date(`${day}T00:00:00+08:00`));
}

export function formatDate(at: Date | string, locale: Locale): string {
  return dateTimeFormat(locale, LONG_DATE).format(new Date(at));
}

/**
 * A duration the way the room says it: under an hour in minutes ("40 分钟"), under two days in hours
 * with at most one decimal ("6.2 小时", "24 小时"), beyond that in days ("8 天"). The words come from
 * the caller's messages (`unit.minutes`, `unit.hours`, `unit.days`).
 */
export function formatDuration(
  seconds: number,
  locale: Locale,
  t: (key: 'unit.minutes' | 'unit.hours' | 'unit.days', params: { n: string }) => string,
): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('unit.minutes', { n: formatInteger(minutes, locale) });
  const oneDecimal = numberFormat(locale, { maximumFractionDigits: 1 });
  if (seconds <= 48 * 3_600) return t('unit.hours', { n: oneDecimal.format(seconds / 3_600) });
  return t('unit.days', { n: oneDecimal.format(seconds / 86_400) });
}
