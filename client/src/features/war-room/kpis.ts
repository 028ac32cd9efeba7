import { decimalToFen } from '../../lib/decimal';
import { relativeChange } from '../../lib/format';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface KpiInput {
  orders: number;
  buyers: number;
  conversionRate: number;
  averageOrderValue: string;
  refundRate: number;
  addToCartRate: number;
  series: readonly { at: string; orders: number }[];
}

/** Today's figures also say how many visitors the rates are of (yesterday's query does not ask). */
export type TodayKpiInput = KpiInput & { visitors: number };

export interface Kpi {
  key: 'ordersPerSecond' | 'buyers' | 'conversionRate' | 'averageOrderValue' | 'refundRate' | 'addToCartRate';
  /** null: nothing to show yet ("—"), orders/s before the window's first whole minute. */
  value: number | null;
  change: number | null;
  /** The visitors the conversion rate is of: too few, and it is not held to a target yet. */
  visitors?: number;
}

/** Start of the last minute that has fully passed at `nowMs`. */
export function lastCompleteMinute(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
}

/** Orders/s is averaged over this many whole minutes: one minute of a quiet shop reads 0 half the time. */
export const ORDERS_PER_SECOND_MINUTES = 5;

/**
 * Orders per second over the whole minutes ending with the one starting at `lastMinuteMs`: five, or
 * those since `windowFromMs` when fewer. The stream's minutes begin at its window (midnight on Double
 * 11): the minutes before are absent, not quiet, and must not dilute the first minutes of the day.
 * Null before the window's first whole minute. Inside the window a missing minute is a quiet one.
 */
export function ordersPerSecondAt(series: KpiInput['series'], lastMinuteMs: number, windowFromMs: number): number | null {
  const firstWhole = Math.ceil(windowFromMs / MINUTE_MS) * MINUTE_MS;
  const first = Math.max(lastMinuteMs - (ORDERS_PER_SECOND_MINUTES - 1) * MINUTE_MS, firstWhole);
  const minutes = (lastMinuteMs - first) / MINUTE_MS + 1;
  if (minutes < 1) return null;
  let orders = 0;
  for (const point of series) {
    const at = Date.parse(point.at);
    if (at >= first && at <= lastMinuteMs) orders += point.orders;
  }
  return orders / (minutes * 60);
}

/**
 * The six KPIs of today with their change against the same moment yesterday. Orders/s covers the last
 * five complete minutes of today's window (from `windowFromMs`; a partial minute would always read
 * low); the others are today-so-far against yesterday-so-far. `yesterday` is null until it has loaded
 * (and while there is no "yesterday so far", in the first minute of the day): changes show "—", never
 * a made-up 0%.
 */
export function kpis(today: TodayKpiInput, yesterday: KpiInput | null, nowMs: number, windowFromMs: number): Kpi[] {
  const minute = lastCompleteMinute(nowMs);
  const change = (now: number | null, then: number | null | undefined) => (now === null || then === undefined || then === null ? null : relativeChange(now, then));
  const ops = ordersPerSecondAt(today.series, minute, windowFromMs);
  const opsYesterday = yesterday ? ordersPerSecondAt(yesterday.series, minute - DAY_MS, windowFromMs - DAY_MS) : undefined;
  return [
    { key: 'ordersPerSecond', value: ops, change: change(ops, opsYesterday) },
    { key: 'buyers', value: today.buyers, change: change(today.buyers, yesterday?.buyers) },
    {
      key: 'conversionRate',
      value: today.conversionRate,
      change: change(today.conversionRate, yesterday?.conversionRate),
      visitors: today.visitors,
    },
    {
      key: 'averageOrderValue',
      value: decimalToFen(today.averageOrderValue),
      change: change(decimalToFen(today.averageOrderValue), yesterday ? decimalToFen(yesterday.averageOrderValue) : undefined),
    },
    { key: 'refundRate', value: today.refundRate, change: change(today.refundRate, yesterday?.refundRate) },
    { key: 'addToCartRate', value: today.addToCartRate, change: change(today.addToCartRate, yesterday?.addToCartRate) },
  ];
}
