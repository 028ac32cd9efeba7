import { addDays, DAY_MS, HOUR_MS, MINUTE_MS, startOfShanghaiDay } from '../lib/time.js';
import { behindPaceWords, highRiskWithoutPlanWords, lowStockWords, refundSpikeWords, roiBelowOneWords } from '../modules/alert/alert.messages.js';
import type { alerts } from '../modules/alert/alert.table.js';
import { roiText } from '../modules/metrics/metrics.formulas.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../modules/product/product.table.js';
import type { DemoShop, DemoSku } from './demo.catalog.js';
import type { DemoCampaigns } from './demo.campaigns.js';
import type { IncidentFacts } from './demo.reports.js';


type AlertInsert = typeof alerts.$inferInsert;

export interface AlertInput {
  shops: readonly DemoShop[];
  skus: readonly DemoSku[];
  campaigns: DemoCampaigns;
  facts: IncidentFacts;
  /** What ingestion recorded: units of the low-stock SKU paid in the last 7 days, the live campaign's GMV. */
  recorded: { lowStockUnitsLastWeek: number; liveCampaignGmvFen: number };
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
 * The alerts the rule engine would have raised over this history, quoting the same figures the
 * reports and orders show, so a demo user who follows an alert finds its cause.
 */
export function buildAlerts({ shops, skus, campaigns, facts, recorded, now }: AlertInput): AlertInsert[] {
  const nowMs = now.getTime();
  const shopName = (id: string) => shops.find((s) => s.id === id)?.name ?? id;
  const result: AlertInsert[] = [];

  const lowStock = lowStockSku(skus);
  if (lowStock) {
    const perDay = recorded.lowStockUnitsLastWeek / 7;
    result.push({
      rule: 'LOW_STOCK',
      severity: 'WARNING',
      shopId: lowStock.shopId,
      subject: `${lowStock.code} ${lowStock.label}`,
      // Cover at the last week's sales: the engine words it at its 3-hour rate once it evaluates.
      ...lowStockWords({ stock: lowStock.stock, line: DEFAULT_LOW_STOCK_THRESHOLD, coverHours: perDay > 0 ? (lowStock.stock / perDay) * 24 : null, windowHours: 7 * 24 }),
      raisedAt: new Date(nowMs - 2 * HOUR_MS),
      value: lowStock.stock,
      threshold: DEFAULT_LOW_STOCK_THRESHOLD,
      dedupeKey: `LOW_STOCK:${lowStock.id}`,
    });
  }

  const { live, unplannedRisk } = campaigns;
  const riskSince = unplannedRisk.highRiskSince!;
  result.push({
    rule: 'HIGH_RISK_WITHOUT_PLAN',
    severity: 'CRITICAL',
    shopId: null,
    campaignId: live.id,
    subject: `${live.name} · ${unplannedRisk.name}`,
    ...highRiskWithoutPlanWords({ hours: (nowMs - riskSince.getTime()) / HOUR_MS, thresholdHours: 24, owner: unplannedRisk.owner }),
    raisedAt: new Date(riskSince.getTime() + DAY_MS),
    value: (nowMs - riskSince.getTime()) / HOUR_MS,
    threshold: 24,
    dedupeKey: `HIGH_RISK_WITHOUT_PLAN:${unplannedRisk.id}`,
  });

  // Raised two mornings later, once the cohort's refunds had piled up; the shop owner has seen it.
  const spike = facts.refundSpike;
  const spikeRaised = new Date(startOfShanghaiDay(addDays(spike.date, 2)).getTime() + 10 * HOUR_MS);
  result.push({
    rule: 'REFUND_RATE_SPIKE',
    severity: 'WARNING',
    shopId: spike.shopId,
    subject: `${shopName(spike.shopId)} ${spike.date}`,
    ...refundSpikeWords({ rate: spike.refundedOrders / Math.max(1, spike.orders), refunded: spike.refundedOrders, paid: spike.orders, threshold: 0.08 }),
    raisedAt: spikeRaised,
    acknowledgedAt: new Date(spikeRaised.getTime() + 25 * MINUTE_MS),
    acknowledgedBy: shops.find((s) => s.id === spike.shopId)?.owner ?? null,
    // History: the cohort's refunds settled within the day and the alert resolved itself.
    status: 'RESOLVED',
    resolvedAt: new Date(spikeRaised.getTime() + 9 * HOUR_MS),
    value: spike.refundedOrders / Math.max(1, spike.orders),
    threshold: 0.08,
    dedupeKey: `REFUND_RATE_SPIKE:${spike.shopId}:${spike.date}`,
  });

  // One ROI alert, for the latest incident, keeps the demo feed to a handful the eye can take in.
  const latestRoi = [...facts.roiBelowOne].sort((a, b) => b.date.localeCompare(a.date)).slice(0, 1);
  for (const roi of latestRoi) {
    result.push({
      rule: 'ROI_BELOW_ONE',
      severity: 'WARNING',
      shopId: roi.shopId,
      subject: `${shopName(roi.shopId)} · ${roi.source} ${roi.date}`,
      ...roiBelowOneWords({ roi: roiText(roi), spendFen: roi.spendFen, gmvFen: roi.gmvFen, period: 'day' }),
      raisedAt: new Date(startOfShanghaiDay(addDays(roi.date, 1)).getTime() + 9 * HOUR_MS),
      // History: that day's spend was paused the next morning; the alert is closed.
      status: 'RESOLVED',
      resolvedAt: new Date(startOfShanghaiDay(addDays(roi.date, 1)).getTime() + 11 * HOUR_MS),
      value: roi.roi,
      threshold: 1,
      dedupeKey: `ROI_BELOW_ONE:${roi.shopId}:${roi.source}:${roi.date}`,
    });
  }

  const pace = campaignPace(recorded.liveCampaignGmvFen, live, nowMs);
  if (pace.ratio < 1) {
    result.push({
      rule: 'GMV_BEHIND_PACE',
      severity: 'WARNING',
      shopId: null,
      campaignId: live.id,
      subject: live.name,
      ...behindPaceWords({ actualFen: pace.actualFen, plannedFen: pace.plannedFen, pace: pace.ratio }),
      raisedAt: new Date(nowMs - 20 * MINUTE_MS),
      value: pace.ratio,
      threshold: 0.9,
      dedupeKey: `GMV_BEHIND_PACE:${live.id}`,
    });
  }
  return result;
}

/** Linear-in-time plan: good enough for the demo's one alert; the real pace uses the hourly shape. */
function campaignPace(actualFen: number, live: DemoCampaigns['live'], nowMs: number) {
  const elapsed = (nowMs - live.startsAt.getTime()) / (live.endsAt.getTime() - live.startsAt.getTime());
  const plannedFen = Math.round(live.gmvTargetFen * Math.min(1, Math.max(0, elapsed)));
  return { actualFen, plannedFen, ratio: plannedFen > 0 ? actualFen / plannedFen : 1 };
}
