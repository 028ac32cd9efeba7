import { decimalToFen } from '../../lib/decimal';
import { relativeChange } from '../../lib/format';

const MINUTE_MS = 60_000;

export interface KpiInput {
  orders: number;
  buyers: number;
  conversionRate: number;
  averageOrderValue: string;
  refundRate: number;
  addToCartRate: number;
  series: readonly { at: string; orders: number }[];
}

export interface Kpi {
  key: 'ordersPerSecond' | 'buyers' | 'conversionRate' | 'averageOrderValue' | 'refundRate' | 'addToCartRate';
  value: number;
  change: number | null;
}

/** Start of the last minute that has fully passed at `nowMs`. */
export function lastCompleteMinute(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
}

/** Orders/s is averaged over this many whole minutes: one minute of a quiet shop reads 0 half the time. */
export const ORDERS_PER_SECOND_MINUTES = 5;

/** Orders per second over the whole minutes ending with the one starting at `lastMinuteMs`. */
export function ordersPerSecondAt(series: KpiInput['series'], lastMinuteMs: number): number {
  const first = lastMinuteMs - (ORDERS_PER_SECOND_MINUTES - 1) * MINUTE_MS;
  let orders = 0;
  for (const point of series) {
    const at = Date.parse(point.at);
    if (at >= first && at <= lastMinuteMs) orders += point.orders;
  }
  return orders / (ORDERS_PER_SECOND_MINUTES * 60);
}

/**
 * The six KPIs of today with their change against the same moment yesterday. Orders/s covers the last
 * five complete minutes (a partial minute would always read low); the others are today-so-far against
 * yesterday-so-far. `yesterday` is null until it has loaded: changes show "—", never a made-up 0%.
 */
export function kpis(today: KpiInput, yesterday: KpiInput | null, nowMs: number): Kpi[] {
  const minute = lastCompleteMinute(nowMs);
  const change = (now: number, then: number | undefined) => (then === undefined ? null : relativeChange(now, then));
  const ops = ordersPerSecondAt(today.series, minute);
  return [
    { key: 'ordersPerSecond', value: ops, change: change(ops, yesterday ? ordersPerSecondAt(yesterday.series, minute - 86_400_000) : undefined) },
    { key: 'buyers', value: today.buyers, change: change(today.buyers, yesterday?.buyers) },
    { key: 'conversionRate', value: today.conversionRate, change: change(today.conversionRate, yesterday?.conversionRate) },
    {
      key: 'averageOrderValue',
      value: decimalToFen(today.averageOrderValue),
      change: change(decimalToFen(today.averageOrderValue), yesterday ? decimalToFen(yesterday.averageOrderValue) : undefined),
    },
    { key: 'refundRate', value: today.refundRate, change: change(today.refundRate, yesterday?.refundRate) },
    { key: 'addToCartRate', value: today.addToCartRate, change: change(today.addToCartRate, yesterday?.addToCartRate) },
  ];
}
