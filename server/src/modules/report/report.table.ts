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
    /** Who last wrote the notes (writeDailyReportNote); null for a row stored only for its rectification. */
    noteUpdatedBy: text(),
    /** An anomaly opens a rectification report (异常数据整改报告) due within 48 hours. */
    rectificationDueAt: instant(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('daily_reports_shop_date_source_key').on(t.shopId, t.date, t.source),
    index('daily_reports_date_idx').on(t.date),
  ],
);

/**
 * 异常数据整改报告: opened when a day's report row is flagged as an anomaly, due 48 hours later; the
 * content, who submitted it and when are kept (an overdue one raises RECTIFICATION_OVERDUE).
 */
export const rectificationReports = pgTable(
  'rectification_reports',
  {
    id: id(),
    dailyReportId: uuid()
      .notNull()
      .references(() => dailyReports.id, { onDelete: 'cascade' }),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    /** Which rules flagged the row (e.g. CONVERSION_DROP, REFUND_RATE_SPIKE), as the report showed them. */
    reasons: text().array().notNull(),
    openedAt: instant().notNull(),
    dueAt: instant().notNull(),
    content: text(),
    submittedBy: text(),
    submittedAt: instant(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('rectification_reports_daily_report_key').on(t.dailyReportId),
    index('rectification_reports_due_idx').on(t.submittedAt, t.dueAt),
    index('rectification_reports_shop_idx').on(t.shopId, t.openedAt),
  ],
);

export type DailyReportRow = typeof dailyReports.$inferSelect;
export type RectificationReportRow = typeof rectificationReports.$inferSelect;
