import { date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant, timestamps } from '../../db/columns.js';
import { trafficSourceEnum } from '../../db/enums.js';
import { shops } from '../shop/shop.table.js';

/**
 * 运营数据日报: one row per shop, Asia/Shanghai date and traffic source. Counts are stored and the
 * rates derived, so a report can never disagree with itself.
 */
export const dailyReports = pgTable(
  'daily_reports',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    date: date({ mode: 'string' }).notNull(),
    source: trafficSourceEnum().notNull(),
    visitors: integer().notNull(),
    buyers: integer().notNull(),
    orders: integer().notNull(),
    refundedOrders: integer().notNull(),
    gmvFen: fen().notNull(),
    /** 异常指标说明 */
    anomalyNote: text(),
    /** 整改措施 */
    correctiveAction: text(),
    owner: text().notNull(),
    /** An anomaly opens a rectification report (异常数据整改报告) due within 48 hours. */
    rectificationDueAt: instant(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('daily_reports_shop_date_source_key').on(t.shopId, t.date, t.source),
    index('daily_reports_date_idx').on(t.date),
  ],
);

export type DailyReportRow = typeof dailyReports.$inferSelect;
