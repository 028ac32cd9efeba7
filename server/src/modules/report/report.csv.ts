import { encodeGlobalID } from '@pothos/plugin-relay';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { canSeeShop, shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { DomainError, forbidden, notFound } from '../../errors.js';
import { said, zhOfIssue } from '../../lib/issue-words.js';
import { fenToYuan } from '../../lib/money.js';
import { addDays, DAY_MS, MAX_SPAN_DAYS, shanghaiDateTime } from '../../lib/time.js';
import { conversionRate, refundRate, roi } from '../metrics/metrics.formulas.js';
import { loadShops } from '../shop/shop.service.js';
import { shops, type ShopRow } from '../shop/shop.table.js';
import { buildDailyReportAfter, calendarDate, isOverdue, isSubmittedLate, type ReportLine } from './report.service.js';
import type { Totals } from '../metrics/metrics.totals.js';

/**
 * One export reads at most this many shop-days (a year of 5 shops, a month of 64): each is a read of the
 * rollups, and the flat export cost must stay honest for every file it buys. Past it, name a shop or
 * split the range. A single range is also bounded by MAX_SPAN_DAYS.
 */
export const MAX_EXPORT_SHOP_DAYS = 2_000;

/** Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark. */
const BOM = '\uFEFF';
/** RFC 4180 ends records with CRLF. */
const CRLF = '\r\n';

export interface DailyReportsCsvInput {
  /** A shop's UUID; omitted or null: every shop the caller may see. */
  shopId?: string | null;
  /** First and last Asia/Shanghai day, inclusive. */
  from: string;
  to: string;
}

const CsvInput = z.object({ shopId: z.guid(said('must be a shop id', '必须是店铺 id')).nullish(), from: calendarDate, to: calendarDate });

/** The rectification of a line as one word; empty when the row opened none. */
function rectificationStatus(line: ReportLine, now: Date): string {
  const r = line.rectification;
  if (!r) return '';
  if (r.submittedAt) return 'SUBMITTED';
  return isOverdue(r, now) ? 'OVERDUE' : 'OPEN';
}

const rate = (x: number | null) => (x === null ? '' : x.toFixed(4));
const instant = (d: Date | null | undefined) => (d ? shanghaiDateTime(d) : '');

/**
 * The columns, in order: English names, and how each cell is read from a line. Money is exact yuan
 * (fen → decimal string), rates are fractions in [0, 1] to four places, instants Asia/Shanghai
 * wall-clock time. Free text is `text` so that it is guarded against formula injection.
 */
const COLUMNS: readonly [string, (line: ReportLine, shop: ShopRow, now: Date) => string | number | { text: string }][] = [
  ['Shop', (_l, shop) => ({ text: shop.name })],
  ['Shop ID', (_l, shop) => encodeGlobalID('Shop', shop.id)],
  ['Date', (l) => l.date],
  ['Source', (l) => l.source],
  ['Visitors', (l) => l.figures.visitors],
  ['Page views', (l) => l.figures.pageViews],
  ['Conversion rate', (l) => rate(conversionRate(l.figures))],
  ['GMV (CNY)', (l) => fenToYuan(l.figures.gmvFen)],
  ['Orders', (l) => l.figures.ordersPaid],
  ['Buyers', (l) => l.figures.buyers],
  ['Refund rate', (l) => rate(refundRate(l.figures))],
  ['Spend (CNY)', (l) => fenToYuan(l.figures.spendFen)],
  ['ROI', (l) => rate(roi(l.figures))],
  ['Anomalies', (l) => l.anomalies.map((a) => a.rule).join('; ')],
  ['Anomaly note', (l) => ({ text: l.report?.anomalyNote ?? '' })],
  ['Corrective action', (l) => ({ text: l.report?.correctiveAction ?? '' })],
  ['Owner', (l) => ({ text: l.report?.owner ?? '' })],
  ['Rectification status', (l, _s, now) => rectificationStatus(l, now)],
  ['Rectification due (Asia/Shanghai)', (l) => instant(l.rectification?.dueAt)],
  ['Rectification submitted by', (l) => ({ text: l.rectification?.submittedBy ?? '' })],
  ['Rectification submitted at (Asia/Shanghai)', (l) => instant(l.rectification?.submittedAt)],
  // Appended, so readers of the earlier columns by position are unaffected.
  ['Rectification submitted late', (l) => (l.rectification?.submittedAt ? (isSubmittedLate(l.rectification) ? 'yes' : 'no') : '')],
  ['Rectification content', (l) => ({ text: l.rectification?.content ?? '' })],
];

export const DAILY_REPORTS_CSV_HEADER = COLUMNS.map(([name]) => name);

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab / CR before one) as a formula: free
 * text an operator typed is prefixed with an apostrophe, which shows as text (OWASP CSV injection).
 */
const defuse = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const cell = (value: string | number | { text: string }) => field(typeof value === 'object' ? defuse(value.text) : String(value));

/**
 * 运营数据日报 as CSV: one line per shop × date × traffic source (the rows `dailyReport` shows that
 * day, so a line equals its row), shops in the order they were added, days in order; the caller's shops only (a named
 * shop outside the grant is FORBIDDEN, as for `dailyReport`). Reading a closed day opens the
 * rectifications of its flagged rows, as reading the report does. UTF-8 with a BOM, CRLF lines.
 */
export async function dailyReportsCsv(db: DbOrTx, viewer: Viewer, input: DailyReportsCsvInput, now: Date): Promise<string> {
  const parsed = CsvInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join('.');
    throw new DomainError('INVALID_INPUT', { en: `${at}: ${issue.message}`, zh: `${at}：${zhOfIssue(issue)}` }, issue.path.map(String));
  }
  const { shopId, from, to } = parsed.data;
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) throw new DomainError('INVALID_INPUT', { en: '"from" must not be after "to"', zh: '"from" 不能晚于 "to"' }, ['to']);
  if (days > MAX_SPAN_DAYS) {
    throw new DomainError(
      'INVALID_INPUT',
      { en: `${days} days asked; one export holds at most ${MAX_SPAN_DAYS} days, so split the range`, zh: `请求了 ${days} 天；一次导出最多 ${MAX_SPAN_DAYS} 天，请拆分日期范围` },
      ['to'],
    );
  }
  const shopRows = await exportShops(db, viewer, shopId ?? null);
  if (shopRows.length * days > MAX_EXPORT_SHOP_DAYS) {
    throw new DomainError(
      'INVALID_INPUT',
      {
        en: `${shopRows.length} shops × ${days} days asked; one export holds at most ${MAX_EXPORT_SHOP_DAYS} shop-days, so name a shop (shopId) or split the range`,
        zh: `请求了 ${shopRows.length} 个店铺 × ${days} 天；一次导出最多 ${MAX_EXPORT_SHOP_DAYS} 店铺·天，请指定店铺（shopId）或拆分日期范围`,
      },
      ['to'],
    );
  }
  const lines = [DAILY_REPORTS_CSV_HEADER.map(field).join(',')];
  for (const shop of shopRows) {
    let dayBefore: Totals | null = null;
    for (let date = from; date <= to; date = addDays(date, 1)) {
      const { report, day } = await buildDailyReportAfter(db, shop.id, date, now, dayBefore);
      dayBefore = day;
      for (const line of report.rows) lines.push(COLUMNS.map(([, read]) => cell(read(line, shop, now))).join(','));
    }
  }
  return BOM + lines.join(CRLF) + CRLF;
}

async function exportShops(db: DbOrTx, viewer: Viewer, shopId: string | null): Promise<ShopRow[]> {
  if (shopId === null) return db.select().from(shops).where(shopVisible(viewer, shops.id)).orderBy(asc(shops.createdAt), asc(shops.id));
  if (!canSeeShop(viewer, shopId)) throw forbidden('Shop', ['shopId']);
  const [shop] = await loadShops(db, viewer, [shopId]);
  if (!shop) throw notFound('Shop', ['shopId']);
  return [shop];
}
