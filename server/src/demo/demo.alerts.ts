import { HOUR_MS, MINUTE_MS, startOfShanghaiDay } from '../lib/time.js';
import type { alerts } from '../modules/alert/alert.table.js';
import { RULES } from '../modules/alert/rules/rule-settings.js';
import type { CampaignRow, MilestoneRow } from '../modules/campaign/campaign.table.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../modules/product/product.table.js';
import type { DemoShop, DemoSku } from './demo.catalog.js';
import type { HourCounts } from './demo.facts.js';
import { dayRoiAlert, judge, raisedOn, replay, type Evaluation } from './demo.judge.js';
import type { IncidentFacts } from './demo.reports.js';


type AlertInsert = typeof alerts.$inferInsert;

/** How long the refund-spike shop's owner took to acknowledge the alert (认领). */
const REFUND_ACK_MINUTES = 25;

export interface AlertInput {
  shops: readonly DemoShop[];
  skus: readonly DemoSku[];
  /** The live campaign and its HIGH risk without a plan as stored: the rules judge rows. */
  live: CampaignRow;
  unplannedRisk: MilestoneRow;
  facts: IncidentFacts;
  /**
   * What ingestion recorded, read as the rules read it: units of the low-stock SKU sold in the LOW_STOCK
   * rule's cover window up to now, the live campaign's GMV, and the refund-spike shop's orders per hour
   * from the day before the spike's day up to now.
   */
  recorded: { lowStockUnitsRecently: number; liveCampaignGmvFen: number; refundSpikeHours: readonly HourCounts[] };
  now: Date;
}

/**
 * The best seller at or under the 库存≤50 line with stock left: the SKU the history's low-stock alert is about.
 * The one sold out at the start (demo.catalog.ts) is left to the engine, which raises it as an incident.
 */
export function lowStockSku(skus: readonly DemoSku[]): DemoSku | undefined {
  return skus.filter((s) => s.onSale && s.stock > 0 && s.stock <= DEFAULT_LOW_STOCK_THRESHOLD).sort((a, b) => b.popularity - a.popularity)[0];
}

/**
 * The alerts the rule engine would have raised over this history, judged by the engine's own rules on
 * the figures ingestion recorded (demo.judge.ts), so each is one the engine would have written, in its
 * words, and a demo user who follows an alert finds its cause. The open ones carry the figures at `now`,
 * as the engine keeps an open alert's figures current.
 */
export function buildAlerts({ shops, skus, live, unplannedRisk, facts, recorded, now }: AlertInput): AlertInsert[] {
  const nowMs = now.getTime();
  const shopOf = (id: string) => shops.find((s) => s.id === id)!;
  const result: AlertInsert[] = [];

  const lowStock = lowStockSku(skus);
  if (lowStock) {
    const sku = {
      id: lowStock.id,
      shopId: lowStock.shopId,
      code: lowStock.code,
      productName: lowStock.productName,
      stock: lowStock.stock,
      lowStockThreshold: DEFAULT_LOW_STOCK_THRESHOLD,
      unitsSoldRecently: recorded.lowStockUnitsRecently,
    };
    const [finding] = judge('LOW_STOCK', now, { skus: [sku] });
    if (finding?.breached) result.push(raisedOn(finding, new Date(nowMs - 2 * HOUR_MS)));
  }

  // Raised when the 24 hours for a response plan ran out; nobody has written one since.
  const [risk] = judge('HIGH_RISK_WITHOUT_PLAN', now, { milestones: [{ milestone: unplannedRisk, campaign: live }] });
  if (risk && unplannedRisk.highRiskSince) {
    result.push(raisedOn(risk, new Date(unplannedRisk.highRiskSince.getTime() + RULES.HIGH_RISK_WITHOUT_PLAN.defaults.threshold * HOUR_MS)));
  }

  // The bad batch's refunds, hour by hour as the rule sums them over 24 hours: an alert only if the shop
  // sold enough for the rule's sample floor and the rate crossed its threshold (a quiet shop's one refund
  // in fourteen orders is not one). The shop owner acknowledges what was raised.
  const spike = facts.refundSpike;
  const spikeShop = shopOf(spike.shopId);
  for (const alert of replay(refundEvaluations(spikeShop, recorded.refundSpikeHours, startOfShanghaiDay(spike.date).getTime(), nowMs))) {
    const acknowledgedAt = alert.raisedAt!.getTime() + REFUND_ACK_MINUTES * MINUTE_MS;
    const acknowledged = acknowledgedAt < (alert.resolvedAt?.getTime() ?? nowMs);
    result.push(acknowledged ? { ...alert, acknowledgedAt: new Date(acknowledgedAt), acknowledgedBy: spikeShop.owner } : alert);
  }

  // One ROI alert, for the latest incident, keeps the demo feed to a handful the eye can take in.
  const latestRoi = [...facts.roiBelowOne].sort((a, b) => b.date.localeCompare(a.date)).slice(0, 1);
  for (const roi of latestRoi) {
    const alert = dayRoiAlert(shopOf(roi.shopId), roi);
    if (alert) result.push(alert);
  }

  // The whole campaign's pace only: the live engine judges each shop's part within minutes of the start, and the
  // history keeps the feed to a handful.
  const [pace] = judge('GMV_BEHIND_PACE', now, { campaigns: [{ campaign: live, actualFen: recorded.liveCampaignGmvFen, parts: [] }] });
  if (pace?.breached) result.push(raisedOn(pace, new Date(nowMs - 20 * MINUTE_MS)));
  return result;
}

/** The refund rule's judgement of one shop at every whole hour of [from, to], on the hours' counts. */
export function refundEvaluations(shop: Pick<DemoShop, 'id' | 'name'>, hours: readonly HourCounts[], from: number, to: number): Evaluation[] {
  const evaluations: Evaluation[] = [];
  for (let at = Math.ceil(from / HOUR_MS) * HOUR_MS; at <= to; at += HOUR_MS) {
    const window = hours.filter((h) => h.at >= at - 24 * HOUR_MS && h.at < at);
    const last24h = { ordersPaid: sum(window.map((h) => h.ordersPaid)), refundedOrders: sum(window.map((h) => h.refundedOrders)) };
    const [finding] = judge('REFUND_RATE_SPIKE', new Date(at), { shops: [{ id: shop.id, name: shop.name, last24h }] });
    evaluations.push({ at, finding });
  }
  return evaluations;
}

const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
