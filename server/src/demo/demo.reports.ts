import { TRAFFIC_SOURCES, type TrafficSource } from '../db/enums.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import type { marketingSpend } from '../modules/marketing/marketing.table.js';
import type { dailyReports } from '../modules/report/report.table.js';
import type { DemoShop } from './demo.catalog.js';
import { HISTORY_DAYS, type DemoOrder } from './demo.history.js';
import { INCIDENTS } from './demo.incidents.js';
import type { Random } from './demo.random.js';

const HOUR_MS = 60 * 60 * 1000;

/** Typical conversion by source (2–4 %): 直接访问 and 活动会场 visitors arrive ready to buy, 内容 visitors browse. */
const CONVERSION: Record<TrafficSource, number> = {
  SEARCH: 0.028,
  RECOMMENDATION: 0.022,
  CAMPAIGN: 0.036,
  PAID: 0.025,
  SOCIAL: 0.021,
  DIRECT: 0.038,
  OTHER: 0.022,
};

interface DayTotals {
  orders: number;
  gmvFen: number;
  refundedOrders: number;
  buyers: Set<string>;
}

/** What the alerts need to quote the incidents with the same figures the reports show. */
export interface IncidentFacts {
  refundSpike: { shopId: string; date: string; refundedOrders: number; orders: number };
  roiBelowOne: { shopId: string; date: string; source: TrafficSource; roi: number; spendFen: number; gmvFen: number }[];
}

type ReportInsert = typeof dailyReports.$inferInsert;

export interface Reports {
  dailyReports: ReportInsert[];
  spend: (typeof marketingSpend.$inferInsert)[];
  facts: IncidentFacts;
}

/**
 * Paid orders grouped by shop, Asia/Shanghai day of payment and source. An order's refund counts
 * against the day it was paid (cohort), so a day's refund rate stays within [0, 1].
 */
function totalsByDay(orders: readonly DemoOrder[]): Map<string, DayTotals> {
  const totals = new Map<string, DayTotals>();
  for (const o of orders) {
    if (!o.paidAt) continue;
    const key = `${o.shopId}|${shanghaiDate(o.paidAt)}|${o.source}`;
    let t = totals.get(key);
    if (!t) totals.set(key, (t = { orders: 0, gmvFen: 0, refundedOrders: 0, buyers: new Set() }));
    t.orders += 1;
    t.gmvFen += o.amountFen;
    if (o.refundedFen > 0) t.refundedOrders += 1;
    t.buyers.add(o.customerId);
  }
  return totals;
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export function buildReports(
  shops: readonly DemoShop[],
  orders: readonly DemoOrder[],
  now: Date,
  random: Random,
): Reports {
  const today = shanghaiDate(now);
  const totals = totalsByDay(orders);
  const get = (shopId: string, date: string, source: TrafficSource) => totals.get(`${shopId}|${date}|${source}`);
  const shopOf = (platform: string) => shops.find((s) => s.platform === platform)!;
  // The report is written at 09:00 the next morning; an anomaly in it opens a rectification report due 48 h later.
  const writtenAt = (date: string) => new Date(startOfShanghaiDay(addDays(date, 1)).getTime() + 9 * HOUR_MS);
  const flag = (row: ReportInsert, anomalyNote: string, correctiveAction: string) => {
    row.anomalyNote = anomalyNote;
    row.correctiveAction = correctiveAction;
    row.rectificationDueAt = new Date(writtenAt(row.date).getTime() + 48 * HOUR_MS);
  };

  const drop = INCIDENTS.conversionDrop;
  const dropShop = shopOf(drop.platform);
  const dropDate = addDays(today, -drop.daysAgo);
  const spike = INCIDENTS.refundSpike;
  const spikeShop = shopOf(spike.platform);
  const spikeDate = addDays(today, -spike.daysAgo);

  // Reports exist for complete days only; today's is written tomorrow morning.
  const reports: Reports['dailyReports'] = [];
  for (let daysAgo = HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const date = addDays(today, -daysAgo);
    for (const shop of shops) {
      for (const source of TRAFFIC_SOURCES) {
        const t = get(shop.id, date, source);
        const buyers = t?.buyers.size ?? 0;
        const isDrop = shop.id === dropShop.id && date === dropDate && source === drop.source;
        const usual = Math.min(0.04, Math.max(0.02, CONVERSION[source] * random.between(0.88, 1.12)));
        const rate = isDrop ? drop.conversionRate : usual;
        reports.push({
          shopId: shop.id,
          date,
          source,
          visitors: buyers > 0 ? Math.round(buyers / rate) : random.int(30, 120),
          buyers,
          orders: t?.orders ?? 0,
          refundedOrders: t?.refundedOrders ?? 0,
          gmvFen: t?.gmvFen ?? 0,
          owner: shop.owner,
          createdAt: writtenAt(date),
          updatedAt: writtenAt(date),
        });
      }
    }
  }
  const find = (shopId: string, date: string, source: TrafficSource) =>
    reports.find((r) => r.shopId === shopId && r.date === date && r.source === source)!;

  const dropRow = find(dropShop.id, dropDate, drop.source);
  const weekBefore = addDays(dropDate, -7);
  const before = reports.filter(
    (r) => r.shopId === dropShop.id && r.source === drop.source && r.date < dropDate && r.date >= weekBefore,
  );
  const usual = before.reduce((s, r) => s + r.buyers, 0) / Math.max(1, before.reduce((s, r) => s + r.visitors, 0));
  flag(
    dropRow,
    `搜索转化率 ${pct(dropRow.buyers / dropRow.visitors)}，较前 7 日均值 ${pct(usual)} 骤降；主图改版后点击转化下滑`,
    '恢复原主图并开 A/B 测试，详情页首屏加入满减信息；48 小时内提交整改报告',
  );

  const spikeRows = reports.filter((r) => r.shopId === spikeShop.id && r.date === spikeDate);
  const spikeRow = spikeRows.reduce((a, b) => (b.refundedOrders > a.refundedOrders ? b : a));
  const spikeOrders = spikeRows.reduce((s, r) => s + r.orders, 0);
  const spikeRefunded = spikeRows.reduce((s, r) => s + r.refundedOrders, 0);
  flag(
    spikeRow,
    `全店退款率 ${pct(spikeRefunded / Math.max(1, spikeOrders))}（${spikeRefunded}/${spikeOrders}），` +
      '远高于约 4% 的常态，退款原因集中为质量问题',
    '问题批次下架送检，联系工厂返工；对已购客户主动联系并补偿，客服统一话术',
  );

  // Spend for the same 30 days plus today so far, so channel ROI on the war room is live too.
  const spend: Reports['spend'] = [];
  const roiBelowOne: IncidentFacts['roiBelowOne'] = [];
  for (let daysAgo = HISTORY_DAYS; daysAgo >= 0; daysAgo--) {
    const date = addDays(today, -daysAgo);
    for (const shop of shops) {
      for (const source of ['PAID', 'SOCIAL'] as const) {
        const gmvFen = get(shop.id, date, source)?.gmvFen ?? 0;
        const incident = INCIDENTS.roiBelowOne.find(
          (i) => i.platform === shop.platform && i.daysAgo === daysAgo && i.source === source,
        );
        const roi = incident ? incident.roi : random.between(2, 5);
        // Budgets are set in whole yuan.
        const spendFen = Math.max(100, Math.round(gmvFen / roi / 100) * 100);
        spend.push({ shopId: shop.id, date, source, spendFen });
        if (incident) roiBelowOne.push({ shopId: shop.id, date, source, roi: gmvFen / spendFen, spendFen, gmvFen });
      }
    }
  }
  for (const incident of roiBelowOne.filter((i) => i.source === 'SOCIAL')) {
    flag(
      find(incident.shopId, incident.date, incident.source),
      `内容投放 ROI ${incident.roi.toFixed(2)} < 1：直播间投流花费高于成交`,
      '暂停千川投放计划，优化直播间素材与排品后小预算重启',
    );
  }

  return {
    dailyReports: reports,
    spend,
    facts: {
      refundSpike: { shopId: spikeShop.id, date: spikeDate, refundedOrders: spikeRefunded, orders: spikeOrders },
      roiBelowOne,
    },
  };
}
