import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { buildDailyReport, submitRectification } from '../modules/report/report.service.js';
import type { DemoShop } from './demo.catalog.js';

const HOUR_MS = 3_600_000;
/** The last week of reports gets its rectifications; the older half was answered, the rest is open or overdue. */
const WEEK = 7;
const ANSWERED_FROM_DAYS_AGO = 5;

/**
 * Opens the rectification of every flagged row of the last week at the time its report was written
 * (09:00 the next morning, the demo's clock), through the report service, so they carry the same
 * reasons and 48-hour due times a live day would. Rows from five or more days ago were answered by
 * the shop's owner the next afternoon; those of three and four days ago are overdue; the last two are open.
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
      for (const row of report.rows) {
        if (!row.rectification || row.rectification.submittedAt) continue;
        const content = `${row.anomalies.map((a) => a.message).join('；')}。原因已查明，${row.report?.correctiveAction ?? '已调整投放与页面'}，次日复核指标恢复。`;
        await submitRectification(tx, { ...SYSTEM, displayName: shop.owner }, { id: row.rectification.id, content }, new Date(writtenAt.getTime() + 30 * HOUR_MS));
      }
    }
  }
}
