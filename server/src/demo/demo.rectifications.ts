import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { fenToYuanGrouped } from '../lib/money.js';
import { addDays, HOUR_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { roi } from '../modules/metrics/metrics.formulas.js';
import type { DailyAnomalyRule } from '../modules/report/report.rules.js';
import { buildDailyReport, submitRectification, writeDailyReportNote, type ReportLine } from '../modules/report/report.service.js';
import type { DemoShop } from './demo.catalog.js';

/** The last week of reports gets its rectifications; the older half was answered, the rest is open or overdue. */
const WEEK = 7;
const ANSWERED_FROM_DAYS_AGO = 5;

/** 整改措施 the owner writes for a row flagged by a rule, when the demo has no note of its own for it. */
const CORRECTIVE_ACTIONS: Record<DailyAnomalyRule, string> = {
  ROI_BELOW_ONE: '暂停该渠道低效计划，预算转向 ROI > 2 的计划，小预算测试新素材后再放量',
  CONVERSION_DROP: '恢复原主图与详情页首屏，排查价格与库存，A/B 测试后再改版',
  TRAFFIC_DROP: '检查投放计划与搜索排名，补充关键词出价，恢复活动入口',
  REFUND_RATE_SPIKE: '问题批次下架送检，联系已购客户补偿，客服统一话术',
};

/** 异常指标说明 in the owner's words: the rules' findings, ROI with what was spent and sold. */
function anomalyNoteOf(row: ReportLine): string {
  const f = row.figures;
  return row.anomalies
    .map((a) => (a.rule === 'ROI_BELOW_ONE' ? `投放 ROI ${roi(f)!.toFixed(2)} < 1：花费 ¥${fenToYuanGrouped(f.spendFen)}，成交 ¥${fenToYuanGrouped(f.gmvFen)}` : a.message))
    .join('；');
}

/**
 * Opens the rectification of every flagged row of the last week at the time its report was written
 * (09:00 the next morning, the demo's clock), through the report service, so they carry the same
 * reasons and 48-hour due times a live day would. Rows from five or more days ago were explained by
 * the shop's owner that afternoon (note, corrective action, owner) and answered the next; those of
 * three and four days ago are overdue; the last two are open.
 */
export async function openDemoRectifications(tx: DbOrTx, shops: readonly DemoShop[], now: Date): Promise<void> {
  const today = shanghaiDate(now);
  for (let daysAgo = WEEK; daysAgo >= 1; daysAgo--) {
    const date = addDays(today, -daysAgo);
    const writtenAt = new Date(startOfShanghaiDay(addDays(date, 1)).getTime() + 9 * HOUR_MS);
    if (writtenAt > now) continue;
    for (const shop of shops) {
      const report = await buildDailyReport(tx, shop.id, date, writtenAt);
      if (daysAgo < ANSWERED_FROM_DAYS_AGO) continue;
      const owner = { ...SYSTEM, displayName: shop.owner };
      for (const row of report.rows) {
        if (!row.rectification || row.rectification.submittedAt) continue;
        // The owner explained the anomaly that afternoon, then answered the rectification the next.
        let correctiveAction = row.report?.correctiveAction;
        if (!row.report?.anomalyNote) {
          correctiveAction = CORRECTIVE_ACTIONS[row.anomalies[0]!.rule];
          const note = { shopId: shop.id, date, source: row.source, anomalyNote: anomalyNoteOf(row), correctiveAction, owner: shop.owner };
          await writeDailyReportNote(tx, owner, note, new Date(writtenAt.getTime() + 6 * HOUR_MS));
        }
        const content = `${row.anomalies.map((a) => a.message).join('；')}。原因已查明，${correctiveAction ?? '已调整投放与页面'}，次日复核指标恢复。`;
        await submitRectification(tx, owner, { id: row.rectification.id, content }, new Date(writtenAt.getTime() + 30 * HOUR_MS));
      }
    }
  }
}
