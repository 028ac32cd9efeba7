import { TRAFFIC_SOURCES, type TrafficSource } from '../db/enums.js';
import { addDays, HOUR_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { pct } from '../lib/locale.js';
import type { dailyReports } from '../modules/report/report.table.js';
import type { DemoShop } from './demo.catalog.js';
import { factKey, type DayFacts } from './demo.facts.js';
import { HISTORY_DAYS } from './demo.history.js';
import { INCIDENTS } from './demo.incidents.js';
import type { Random } from './demo.random.js';


/** What the alerts need to quote the incidents with the same figures the reports show. */
export interface IncidentFacts {
  refundSpike: { shopId: string; date: string; refundedOrders: number; orders: number };
  roiBelowOne: { shopId: string; date: string; source: TrafficSource; roi: number; spendFen: number; gmvFen: number }[];
}

type ReportInsert = typeof dailyReports.$inferInsert;

/** One day's spend of a shop on a source, recorded through recordMarketingSpend (demo.seed.ts). */
export interface DaySpend {
  shopId: string;
  date: string;
  source: TrafficSource;
  spendFen: number;
}

export interface Reports {
  dailyReports: ReportInsert[];
  spend: DaySpend[];
  facts: IncidentFacts;
}

/**
 * Daily reports, marketing spend and the incidents' figures, all from what ingestion recorded for
 * the history (`facts`), so a report's GMV is the paid orders' GMV and its visitors the metrics'.
 */
export function buildReports(
  shops: readonly DemoShop[],
  facts: ReadonlyMap<string, DayFacts>,
  now: Date,
  random: Random,
): Reports {
  const today = shanghaiDate(now);
  const get = (shopId: string, date: string, source: TrafficSource) => facts.get(factKey(shopId, date, source));
  const shopOf = (platform: string) => shops.find((s) => s.platform === platform)!;
  // The report is written at 09:00 the next morning; an anomaly in it opens a rectification report due 48 h later.
  // Yesterday's, on a demo started before 09:00, is written now: a version stamped in the future would
  // date every save after it later still, and a refused stale save would name a time yet to come.
  const writtenAt = (date: string) => new Date(Math.min(startOfShanghaiDay(addDays(date, 1)).getTime() + 9 * HOUR_MS, now.getTime()));
  // A note only: a rectification (and its due time) is opened by the report service when the daily
  // rules flag the row (demo.rectifications.ts), never written here.
  const flag = (row: ReportInsert, anomalyNote: string, correctiveAction: string) => {
    row.anomalyNote = anomalyNote;
    row.correctiveAction = correctiveAction;
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
        const buyers = t?.buyers ?? 0;
        reports.push({
          shopId: shop.id,
          date,
          source,
          // The visitor count is an estimate; a report never shows fewer visitors than buyers.
          visitors: Math.max(t?.visitors ?? 0, buyers),
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
    `搜索转化率 ${pct(dropRow.buyers / Math.max(1, dropRow.visitors))}，较前 7 日均值 ${pct(usual)} 骤降；主图改版后点击转化下滑`,
    '恢复原主图并开 A/B 测试，详情页首屏加入满减信息；48 小时内提交整改报告',
  );

  const spikeRows = reports.filter((r) => r.shopId === spikeShop.id && r.date === spikeDate);
  const spikeRow = spikeRows.reduce((a, b) => (b.refundedOrders > a.refundedOrders ? b : a));
  const spikeOrders = spikeRows.reduce((s, r) => s + r.orders, 0);
  const spikeRefunded = spikeRows.reduce((s, r) => s + r.refundedOrders, 0);
  flag(
    spikeRow,
    `全店退款率 ${pct(spikeRefunded / Math.max(1, spikeOrders))}（${spikeRefunded}/${spikeOrders}），` +
      '远高于约 3% 的常态，退款原因集中为质量问题',
    '问题批次下架送检，联系工厂返工；对已购客户主动联系并补偿，客服统一话术',
  );

  // Spend for the same 30 days plus today so far, so channel ROI on the war room is live too. Today's
  // SOCIAL spend runs hot (INCIDENTS.liveSocialOverspend) with no canned alert: the rule engine finds it.
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
        let roi = incident ? incident.roi : random.between(2, 5);
        if (daysAgo === 0 && source === INCIDENTS.liveSocialOverspend.source) roi = INCIDENTS.liveSocialOverspend.roi;
        const overspend = INCIDENTS.weekOverspend.find((o) => o.platform === shop.platform && o.daysAgo === daysAgo && o.source === source);
        // Budgets are set in whole yuan; an overspent budget cost at least its floor and 1 / roi of the GMV.
        const spendFen = overspend
          ? Math.max(overspend.budgetYuan * 100, Math.ceil(gmvFen / overspend.roi / 100) * 100)
          : Math.max(100, Math.round(gmvFen / roi / 100) * 100);
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
