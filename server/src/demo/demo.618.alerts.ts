import { DAY_MS, HOUR_MS, MINUTE_MS, shanghaiDate } from '../lib/time.js';
import type { alerts } from '../modules/alert/alert.table.js';
import { lowStockWords, refundSpikeWords, roiBelowOneWords, unshippedWords } from '../modules/alert/alert.messages.js';
import { roiText } from '../modules/metrics/metrics.formulas.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../modules/product/product.table.js';
import type { Demo618 } from './demo.618.js';
import type { PlannedOrder } from './demo.618.orders.js';
import type { Spend618 } from './demo.618.spend.js';
import type { DemoShop } from './demo.catalog.js';

/** The rules' defaults (alert/rules/rule-settings.ts): refund rate 8 % over 30 orders, 24 hours to ship. */
const REFUND_THRESHOLD = 0.08;
const REFUND_MIN_ORDERS = 30;
const SHIP_HOURS = 24;
const SPIKE_MIN_REFUNDS = 6;
/** The low-stock SKU's count when the alert fired; the sales around it are the ingested ones. */
const LOW_STOCK_UNITS = 23;

type AlertInsert = typeof alerts.$inferInsert;

/**
 * The alerts the rule engine raised during the 618, in its own words, quoting what the 618's
 * orders and spend show at that moment. History: each was acknowledged by someone and is RESOLVED,
 * so the live engine, which keeps one unresolved alert per key, never takes them for open ones.
 */
export function plan618Alerts(the618: Demo618, spend: readonly Spend618[]): AlertInsert[] {
  const start = the618.campaign.startsAt.getTime();
  const shop = (platform: DemoShop['platform']) => the618.shops.find((s) => s.platform === platform)!;
  const ordersOf = (s: DemoShop) => the618.orders.filter((o) => o.inCampaign && o.shopId === s.id);
  const result: AlertInsert[] = [];

  // 开门红: Douyin's 千川 boosting spent far more on live-stream traffic than it sold. The daily ROI
  // review flags it the next morning with the whole day's figures, as the demo's other ROI alert does.
  const douyin = shop('DOUYIN');
  const date = shanghaiDate(new Date(start));
  const spent = spend.find((s) => s.shopId === douyin.id && s.date === date && s.source === 'SOCIAL')?.spendFen ?? 0;
  const sold = sum(ordersOf(douyin).filter((o) => o.source === 'SOCIAL' && o.paidAt >= start && o.paidAt < start + DAY_MS).map((o) => o.amountFen));
  if (spent > 0 && sold < spent) {
    const roi = sold / spent;
    result.push({
      ...history(douyin, start + DAY_MS + 9 * HOUR_MS, 12, start + DAY_MS + 11 * HOUR_MS, douyin.owner),
      rule: 'ROI_BELOW_ONE',
      severity: roi < 0.5 ? 'CRITICAL' : 'WARNING',
      subject: `${douyin.name} · ${douyin.platform} · SOCIAL ${date}`,
      ...roiBelowOneWords({ roi: roiText({ gmvFen: sold, spendFen: spent }), spendFen: spent, gmvFen: sold, period: 'day' }),
      value: roi,
      threshold: 1,
      dedupeKey: `ROI_BELOW_ONE:${douyin.id}:SOCIAL:${date}`,
    });
  }

  // The bad batch on Pinduoduo: raised at the first hour its 24-hour refund rate was over 8 %.
  const pdd = shop('PINDUODUO');
  const refundRate = (at: number) => {
    const list = ordersOf(pdd);
    const paid = list.filter((o) => o.paidAt >= at - DAY_MS && o.paidAt < at).length;
    const refunded = list.filter((o) => o.refund && o.refund.at >= at - DAY_MS && o.refund.at < at).length;
    return { paid, refunded, rate: paid >= REFUND_MIN_ORDERS ? refunded / paid : 0 };
  };
  // The wave of 质量问题 returns, not the odd early refund that crosses the line on a small day.
  const spikeAt = firstHour(start + DAY_MS, start + 18 * DAY_MS, (at) => refundRate(at).rate >= REFUND_THRESHOLD && refundRate(at).refunded >= SPIKE_MIN_REFUNDS);
  if (spikeAt !== null) {
    const { paid, refunded, rate } = refundRate(spikeAt);
    const clearedAt = firstHour(spikeAt + HOUR_MS, spikeAt + 10 * DAY_MS, (at) => refundRate(at).refunded < REFUND_THRESHOLD * refundRate(at).paid) ?? spikeAt + 10 * DAY_MS;
    result.push({
      ...history(pdd, spikeAt, 18, clearedAt, pdd.owner),
      rule: 'REFUND_RATE_SPIKE',
      severity: rate >= REFUND_THRESHOLD * 2 ? 'CRITICAL' : 'WARNING',
      subject: pdd.name,
      ...refundSpikeWords({ rate, refunded, paid, threshold: REFUND_THRESHOLD }),
      value: rate,
      threshold: REFUND_THRESHOLD,
      dedupeKey: `REFUND_RATE_SPIKE:${pdd.id}`,
    });
  }

  // Tmall's best seller of the 618 falls under its line on 6.7 evening; the restock lands on 6.9 afternoon.
  const tmall = shop('TMALL');
  const best = bestSeller(ordersOf(tmall));
  if (best) {
    const stockAt = start + 6 * DAY_MS + 21.5 * HOUR_MS;
    const units = sum(ordersOf(tmall).filter((o) => o.paidAt >= stockAt - 3 * HOUR_MS && o.paidAt < stockAt).flatMap((o) => o.lines.filter((l) => l.sku.id === best.id).map((l) => l.quantity)));
    const cover = units > 0 ? LOW_STOCK_UNITS / (units / 3) : null;
    result.push({
      ...history(tmall, stockAt, 6, start + 8 * DAY_MS + 16.5 * HOUR_MS, tmall.owner),
      rule: 'LOW_STOCK',
      severity: cover !== null && cover < 1 ? 'CRITICAL' : 'WARNING',
      subject: `${best.code} ${best.label.replace(/（.*$/, '')}`,
      ...lowStockWords({ stock: LOW_STOCK_UNITS, line: DEFAULT_LOW_STOCK_THRESHOLD, coverHours: cover, windowHours: 3 }),
      value: LOW_STOCK_UNITS,
      threshold: DEFAULT_LOW_STOCK_THRESHOLD,
      dedupeKey: `LOW_STOCK:${best.id}`,
    });
  }

  // 爆仓 on the last two days: orders paid over 24 hours ago still in the warehouse, until it cleared.
  for (const s of [tmall, shop('JD')]) {
    const unshipped = (at: number) => ordersOf(s).filter((o) => o.paidAt < at - SHIP_HOURS * HOUR_MS && waiting(o, at));
    const shipAt = start + 17 * DAY_MS + 11 * HOUR_MS;
    const overdue = unshipped(shipAt);
    if (overdue.length === 0) continue;
    const oldest = Math.min(...overdue.map((o) => o.paidAt));
    const clearedAt = firstHour(shipAt + HOUR_MS, shipAt + 10 * DAY_MS, (at) => unshipped(at).length === 0) ?? shipAt + 10 * DAY_MS;
    result.push({
      ...history(s, shipAt, 9, clearedAt, '周杰'),
      rule: 'UNSHIPPED_OVERDUE',
      severity: shipAt - oldest >= 2 * SHIP_HOURS * HOUR_MS ? 'CRITICAL' : 'WARNING',
      subject: s.name,
      ...unshippedWords({ overdue: overdue.length, deadlineHours: SHIP_HOURS, oldestHours: Math.floor((shipAt - oldest) / HOUR_MS) }),
      value: overdue.length,
      threshold: 1,
      dedupeKey: `UNSHIPPED_OVERDUE:${s.id}`,
    });
  }
  return result;
}

function history(shop: DemoShop, raisedAt: number, ackMinutes: number, resolvedAt: number, by: string) {
  const acknowledgedAt = raisedAt + ackMinutes * MINUTE_MS;
  return {
    shopId: shop.id,
    campaignId: null,
    raisedAt: new Date(raisedAt),
    acknowledgedAt: new Date(acknowledgedAt),
    acknowledgedBy: by,
    status: 'RESOLVED' as const,
    resolvedAt: new Date(Math.max(resolvedAt, acknowledgedAt + MINUTE_MS)),
    updatedAt: new Date(Math.max(resolvedAt, acknowledgedAt + MINUTE_MS)),
  };
}

/** Paid, and at `at` neither shipped nor refunded before shipping. */
function waiting(o: PlannedOrder, at: number): boolean {
  if (o.shippedAt !== null) return o.shippedAt > at;
  return o.refund !== null && o.refund.at > at;
}

function firstHour(from: number, to: number, test: (at: number) => boolean): number | null {
  for (let at = Math.ceil(from / HOUR_MS) * HOUR_MS; at < to; at += HOUR_MS) if (test(at)) return at;
  return null;
}

function bestSeller(orders: readonly PlannedOrder[]) {
  const gmv = new Map<string, { sku: PlannedOrder['lines'][number]['sku']; fen: number }>();
  for (const o of orders) for (const l of o.lines) {
    const entry = gmv.get(l.sku.id) ?? { sku: l.sku, fen: 0 };
    entry.fen += l.quantity * l.sku.priceFen;
    gmv.set(l.sku.id, entry);
  }
  return [...gmv.values()].sort((a, b) => b.fen - a.fen)[0]?.sku;
}

const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
