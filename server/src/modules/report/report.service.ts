import { and, count, eq, exists, gte, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assertShopsInGrant, canSeeShop, shopVisible, SYSTEM, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { nextUpdatedAt, staleVersion } from '../../db/row-version.js';
import { TRAFFIC_SOURCE_NAMES, TRAFFIC_SOURCES, type TrafficSource } from '../../db/enums.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, forbidden, notFound } from '../../errors.js';
import { addDays, HOUR_MS, isCalendarDate, shanghaiDate, shanghaiDateTime, startOfShanghaiDay } from '../../lib/time.js';
import { said } from '../../lib/issue-words.js';
import { NOT_EMPTY, optionalText, parseInput } from '../../lib/validate.js';
import type { Figures } from '../metrics/metrics.formulas.js';
import { loadTotals, scopeConditions } from '../metrics/metrics.service.js';
import type { Totals } from '../metrics/metrics.totals.js';
import { requireShop } from '../shop/shop.service.js';
import { shops } from '../shop/shop.table.js';
import { loadShopRuleSettings } from '../alert/rules/settings-in-force.js';
import { dailyAnomalies, dailyLevels, DAILY_RULES_OF_ALERTS, type DailyAnomaly } from './report.rules.js';
import { dailyReports, rectificationReports, type DailyReportRow, type RectificationReportRow } from './report.table.js';

/** 整改报告 are due this long after they open (DOMAIN.md: within 48 hours). */
export const RECTIFICATION_DUE_MS = 48 * HOUR_MS;

/** One traffic source of one shop-day: figures from the rollups, the operator's notes from daily_reports. */
export interface ReportLine {
  shopId: string;
  date: string;
  source: TrafficSource;
  figures: Figures;
  previousDay: Figures;
  anomalies: DailyAnomaly[];
  report: DailyReportRow | null;
  rectification: RectificationReportRow | null;
}

export interface DailyReport {
  shopId: string;
  date: string;
  rows: ReportLine[];
  totals: Figures;
  previousTotals: Figures;
}

const CALENDAR_DAY = { en: 'must be a calendar day YYYY-MM-DD', zh: '必须是日历日期 YYYY-MM-DD' };
export const calendarDate = z.string().refine(isCalendarDate, said(CALENDAR_DAY.en, CALENDAR_DAY.zh));

export function assertDate(date: string, field: string[]) {
  if (!isCalendarDate(date)) throw new DomainError('INVALID_INPUT', CALENDAR_DAY, field);
}

/** A run of whole Asia/Shanghai days, `from` to `to` inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * One shop's days, read exactly as the `metrics` query reads them (same rollup rows, same sketch
 * merges: a visitor or buyer of several days counts once), so a report row equals `metrics` for
 * that shop, window [from 00:00, to + 1 day 00:00) and source.
 */
export function shopRangeTotals(db: DbOrTx, shopId: string, range: DayRange): Promise<Totals> {
  return shopWindowTotals(db, shopId, { from: startOfShanghaiDay(range.from), to: startOfShanghaiDay(addDays(range.to, 1)) });
}

/** One shop's totals over [from, to), any instants (as `metrics` reads them). */
export function shopWindowTotals(db: DbOrTx, shopId: string, window: { from: Date; to: Date }): Promise<Totals> {
  return loadTotals(db, scopeConditions(SYSTEM, { shopIds: [shopId] }), window);
}

/** The day and the day before for one shop. */
function shopDayTotals(db: DbOrTx, shopId: string, date: string): Promise<[Totals, Totals]> {
  const before = addDays(date, -1);
  return Promise.all([shopRangeTotals(db, shopId, { from: date, to: date }), shopRangeTotals(db, shopId, { from: before, to: before })]);
}

export const EMPTY_FIGURES: Figures = {
  visits: 0, pageViews: 0, addToCarts: 0, ordersPlaced: 0, ordersPaid: 0, gmvFen: 0, refundedOrders: 0, refundedFen: 0,
  unitsSold: 0, spendFen: 0, ordersShipped: 0, ordersDelivered: 0, shipSeconds: 0, shipTimedOrders: 0, visitors: 0, carters: 0, buyers: 0,
};

/** A day is closed once it is over in Asia/Shanghai: only closed days open rectifications. */
export const isClosedDay = (date: string, now: Date) => date < shanghaiDate(now);

/** Closed days the sweep reads: yesterday, and the day before for a sweep missed over midnight. */
export const SWEPT_DAYS = 2;

/**
 * Whether building a day's report opens the rectifications of its flagged rows: a closed day the sweep
 * still reads. An older day is history: reading it, exporting it or summing it into a week or a month
 * opens nothing due 48 hours from now (nor an overdue alert two days later for a day long past); the
 * rectifications opened while it was recent are shown as they are.
 */
export const opensRectifications = (date: string, now: Date) => isClosedDay(date, now) && date >= addDays(shanghaiDate(now), -SWEPT_DAYS);

/**
 * Builds a shop-day's report: a row per source active that day or the day before (a source that went
 * silent is itself an anomaly) or with a stored row, in TRAFFIC_SOURCES order. Flagged rows of a
 * closed day the sweep still reads get their rectification report opened here if it is not yet
 * (idempotent), so that yesterday's shows at once rather than at the next hourly sweep.
 */
export async function buildDailyReport(db: DbOrTx, shopId: string, date: string, now: Date): Promise<DailyReport> {
  return (await buildDailyReportAfter(db, shopId, date, now, null)).report;
}

/**
 * The same, given the day before's totals when the caller already read them (an export walking days in
 * order reads each day once, not twice); answers the day's totals for the next day's call.
 */
export async function buildDailyReportAfter(
  db: DbOrTx,
  shopId: string,
  date: string,
  now: Date,
  dayBefore: Totals | null,
): Promise<{ report: DailyReport; day: Totals }> {
  const [[day, previous], stored, settings] = await Promise.all([
    dayBefore ? Promise.all([shopRangeTotals(db, shopId, { from: date, to: date }), dayBefore]) : shopDayTotals(db, shopId, date),
    db.select().from(dailyReports).where(and(eq(dailyReports.shopId, shopId), eq(dailyReports.date, date))),
    // The shop's alert settings as they stand at the day's last moment (now, for today): a campaign under
    // way then (a 6.1–6.18 window ends 6.19 00:00), the shop, the installation. One statement, two when a
    // campaign sets one of the rules.
    loadShopRuleSettings(db, DAILY_RULES_OF_ALERTS, new Date(Math.min(startOfShanghaiDay(addDays(date, 1)).getTime() - 1, now.getTime()))),
  ]);
  const levels = dailyLevels(settings, shopId);
  const bySource = (t: Totals) => new Map(t.bySource.map((s) => [s.source, s as Figures]));
  const current = bySource(day);
  const before = bySource(previous);
  const storedBySource = new Map(stored.map((r) => [r.source, r]));
  const rows: ReportLine[] = TRAFFIC_SOURCES.filter((s) => current.has(s) || before.has(s) || storedBySource.has(s)).map((source) => {
    const figures = current.get(source) ?? EMPTY_FIGURES;
    const previousDay = before.get(source) ?? EMPTY_FIGURES;
    return { shopId, date, source, figures, previousDay, anomalies: dailyAnomalies(figures, previousDay, levels), report: storedBySource.get(source) ?? null, rectification: null };
  });
  if (opensRectifications(date, now)) {
    for (const row of rows) {
      if (row.anomalies.length > 0 && !row.report) row.report = await ensureReportRow(db, row, now);
      if (row.anomalies.length > 0) await openRectification(db, row.report!, row.anomalies, now);
    }
  }
  const ids = rows.flatMap((r) => (r.report ? [r.report.id] : []));
  if (ids.length > 0) {
    const rects = await db.select().from(rectificationReports).where(inArray(rectificationReports.dailyReportId, ids));
    const byReport = new Map(rects.map((r) => [r.dailyReportId, r]));
    for (const row of rows) row.rectification = row.report ? (byReport.get(row.report.id) ?? null) : null;
  }
  return { report: { shopId, date, rows, totals: day.all, previousTotals: previous.all }, day };
}

/**
 * The stored row of a line, created when missing. Its count columns are a snapshot for older readers;
 * figures are always read from the rollups. An empty owner means nobody is assigned yet.
 */
async function ensureReportRow(db: DbOrTx, line: Pick<ReportLine, 'shopId' | 'date' | 'source' | 'figures'>, now: Date): Promise<DailyReportRow> {
  const f = line.figures;
  // Stamped with the caller's clock: updatedAt is the version an editor sends back (noteUpdatedAt).
  await db
    .insert(dailyReports)
    .values({ shopId: line.shopId, date: line.date, source: line.source, visitors: f.visitors, buyers: f.buyers, orders: f.ordersPaid, refundedOrders: f.refundedOrders, gmvFen: f.gmvFen, owner: '', createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(dailyReports)
    .where(and(eq(dailyReports.shopId, line.shopId), eq(dailyReports.date, line.date), eq(dailyReports.source, line.source)));
  return row!;
}

/** Opens the rectification of a flagged row once (unique on the row): due 48 hours after it opens. */
async function openRectification(db: DbOrTx, report: DailyReportRow, anomalies: DailyAnomaly[], now: Date) {
  const dueAt = new Date(now.getTime() + RECTIFICATION_DUE_MS);
  const opened = await db
    .insert(rectificationReports)
    .values({ dailyReportId: report.id, shopId: report.shopId, reasons: anomalies.map((a) => a.rule), openedAt: now, dueAt })
    .onConflictDoNothing()
    .returning({ id: rectificationReports.id, dueAt: rectificationReports.dueAt });
  if (opened[0]) {
    await db.update(dailyReports).set({ rectificationDueAt: opened[0].dueAt }).where(eq(dailyReports.id, report.id));
  }
}

/** `dailyReport(shopId, date)`: a shop outside the caller's grant is FORBIDDEN, as in `metrics`. */
export async function dailyReport(db: DbOrTx, viewer: Viewer, shopId: string, date: string, now: Date): Promise<DailyReport> {
  if (!canSeeShop(viewer, shopId)) throw forbidden('Shop', ['shopId']);
  assertDate(date, ['date']);
  return buildDailyReport(db, shopId, date, now);
}

/**
 * The sweep: the reports of the last SWEPT_DAYS closed days (Asia/Shanghai) of every active shop, opening
 * the rectification of each flagged row. Idempotent (one per row); two rollup reads per shop and day. The
 * alert engine runs it every hour: data that arrives after midnight for the day before (an ad platform's
 * hourly spend report, a late batch) can flag a closed day after its first sweep. Returns the flagged rows.
 */
export async function openRectifications(db: DbOrTx, now: Date): Promise<number> {
  const today = shanghaiDate(now);
  const active = await db.select({ id: shops.id }).from(shops).where(eq(shops.active, true));
  let flagged = 0;
  for (let back = 1; back <= SWEPT_DAYS; back++) {
    for (const shop of active) {
      const report = await buildDailyReport(db, shop.id, addDays(today, -back), now);
      flagged += report.rows.filter((r) => r.anomalies.length > 0).length;
    }
  }
  return flagged;
}

export interface DailyReportFilter {
  shopIds?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
  anomaliesOnly?: boolean | null;
  rectificationOverdue?: boolean | null;
}

/**
 * Stored report rows (those with notes or a rectification), newest day first. `anomaliesOnly` keeps
 * rows whose anomaly opened a rectification (closed days); `rectificationOverdue` those past due and
 * not submitted. Figures of the page are read from the rollups, two reads per shop-day on the page.
 */
export async function listDailyReports(db: DbOrTx, viewer: Viewer, filter: DailyReportFilter, args: ConnectionArgs, now: Date) {
  assertShopsInGrant(viewer, filter.shopIds, ['filter', 'shopIds']);
  if (filter.from) assertDate(filter.from, ['filter', 'from']);
  if (filter.to) assertDate(filter.to, ['filter', 'to']);
  // Both days count (from = to is that one day); a window that ends before it starts is a mistake to
  // say, as orders and marketingSpend say it, not a list that is quietly empty.
  if (filter.from && filter.to && filter.from > filter.to) {
    throw new DomainError('INVALID_WINDOW', { en: '"from" must be before "to"', zh: '"from" 必须早于 "to"' }, ['filter', 'to']);
  }
  const r = rectificationReports;
  const withRectification = (extra?: ReturnType<typeof and>) =>
    exists(db.select({ one: sql`1` }).from(r).where(and(eq(r.dailyReportId, dailyReports.id), extra)));
  const where = and(
    shopVisible(viewer, dailyReports.shopId),
    filter.shopIds?.length ? inArray(dailyReports.shopId, [...filter.shopIds]) : undefined,
    filter.from ? gte(dailyReports.date, filter.from) : undefined,
    filter.to ? lte(dailyReports.date, filter.to) : undefined,
    filter.anomaliesOnly ? withRectification() : undefined,
    filter.rectificationOverdue ? withRectification(and(isNull(r.submittedAt), lt(r.dueAt, now))) : undefined,
  );
  const page = await paginate<DailyReportRow>(
    args,
    { column: dailyReports.date, type: 'date', direction: 'desc', value: (row) => row.date, idColumn: dailyReports.id, id: (row) => row.id },
    ({ bounds, orderBy, limit }) => db.select().from(dailyReports).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(dailyReports).where(where))[0]?.n ?? 0,
  );
  const reports = new Map<string, Promise<DailyReport>>();
  const edges = await Promise.all(
    page.edges.map(async ({ cursor, node }) => {
      const key = `${node.shopId}|${node.date}`;
      let report = reports.get(key);
      if (!report) reports.set(key, (report = buildDailyReport(db, node.shopId, node.date, now)));
      const line = (await report).rows.find((l) => l.source === node.source)!;
      return { cursor, node: line };
    }),
  );
  return { ...page, edges };
}

const WriteNoteInput = z.object({
  shopId: z.string(),
  date: calendarDate,
  source: z.enum(TRAFFIC_SOURCES),
  anomalyNote: optionalText(2000),
  correctiveAction: optionalText(2000),
  owner: optionalText(50),
  expectedUpdatedAt: z.date().nullish(),
});

type NoteKey = Pick<DailyReportRow, 'shopId' | 'date' | 'source'>;

const noteRow = (key: NoteKey) => and(eq(dailyReports.shopId, key.shopId), eq(dailyReports.date, key.date), eq(dailyReports.source, key.source));

/**
 * Writes the operator's notes on a shop-day-source (creating its stored row), then returns the line.
 * With `expectedUpdatedAt` (the row's `noteUpdatedAt` the editor loaded) the notes are written only if
 * nobody has written them since: otherwise CONFLICT and nothing is written. Without it, as before that
 * check existed, the last write wins (partners that never send it keep working).
 */
export async function writeDailyReportNote(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<ReportLine> {
  const data = parseInput(WriteNoteInput, input);
  // A day that has not begun has no figures to explain: such a note would sit on top of the list for ever.
  if (data.date > shanghaiDate(now)) {
    const today = shanghaiDate(now);
    throw new DomainError('INVALID_INPUT', { en: `date ${data.date} is after today (${today}, Asia/Shanghai)`, zh: `日期 ${data.date} 晚于今天（${today}，北京时间）` }, ['input', 'date']);
  }
  // Before any look at the row: a caller refused here learns nothing of when its notes were written.
  await requireShop(db, viewer, data.shopId, ['input', 'shopId']);
  const notes = {
    ...(data.anomalyNote !== undefined ? { anomalyNote: data.anomalyNote || null } : {}),
    ...(data.correctiveAction !== undefined ? { correctiveAction: data.correctiveAction || null } : {}),
    ...(data.owner !== undefined ? { owner: data.owner ?? '' } : {}),
  };
  const written = { ...notes, noteUpdatedBy: viewer.displayName, updatedAt: nextUpdatedAt(dailyReports.updatedAt, now) };
  if (data.expectedUpdatedAt) {
    // Check and write in one statement: a second save that loaded the same version waits for the
    // first's row lock, then finds the version moved on and writes nothing.
    const [unchanged] = await db
      .update(dailyReports)
      .set(written)
      .where(and(noteRow(data), eq(dailyReports.updatedAt, data.expectedUpdatedAt)))
      .returning({ id: dailyReports.id });
    if (!unchanged) throw await noteConflict(db, data, data.expectedUpdatedAt);
  } else {
    const [day] = await shopDayTotals(db, data.shopId, data.date);
    const f = day.bySource.find((s) => s.source === data.source) ?? EMPTY_FIGURES;
    await db
      .insert(dailyReports)
      .values({ shopId: data.shopId, date: data.date, source: data.source, visitors: f.visitors, buyers: f.buyers, orders: f.ordersPaid, refundedOrders: f.refundedOrders, gmvFen: f.gmvFen, owner: '', ...notes, noteUpdatedBy: viewer.displayName, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [dailyReports.shopId, dailyReports.date, dailyReports.source], set: written });
  }
  const report = await buildDailyReport(db, data.shopId, data.date, now);
  return report.rows.find((l) => l.source === data.source)!;
}

/** Why a checked write of notes wrote nothing (a row stored only for its rectification has no author of notes). */
async function noteConflict(db: DbOrTx, key: NoteKey, expected: Date): Promise<DomainError> {
  const [stored] = await db.select({ at: dailyReports.updatedAt, by: dailyReports.noteUpdatedBy }).from(dailyReports).where(noteRow(key));
  const what = `the notes of ${key.date} ${key.source}`;
  return staleVersion(stored, expected, { changed: `${what} were changed`, never: `${what} have never been written`, zh: `${key.date} ${TRAFFIC_SOURCE_NAMES[key.source].zh}的备注` });
}

export async function loadRectifications(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<RectificationReportRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(rectificationReports)
    .where(and(inArray(rectificationReports.id, [...ids]), shopVisible(viewer, rectificationReports.shopId)));
}

const SubmitInput = z.object({ id: z.string(), content: z.string().trim().min(1, NOT_EMPTY).max(10_000) });

/**
 * Records the rectification's content and who submitted it, once: a submitted report is the record of
 * what was found and done, and when (on time or late). A second submission is refused (CONFLICT) rather
 * than replacing the first's content, author and time; two submissions at once, one wins. The same
 * content from the same person again is a retry, answered with the stored submission.
 */
export async function submitRectification(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<RectificationReportRow> {
  const data = parseInput(SubmitInput, input);
  const [existing] = await loadRectifications(db, viewer, [data.id]);
  if (!existing) throw notFound('RectificationReport', ['input', 'id']);
  const [row] = await db
    .update(rectificationReports)
    .set({ content: data.content, submittedBy: viewer.displayName, submittedAt: now, updatedAt: now })
    .where(and(eq(rectificationReports.id, existing.id), isNull(rectificationReports.submittedAt)))
    .returning();
  if (row) return row;
  const [submitted] = await loadRectifications(db, viewer, [data.id]);
  // The same submission sent again (a phone retrying after a dropped answer) gets the first's result.
  if (submitted && submitted.content === data.content && submitted.submittedBy === viewer.displayName) return submitted;
  const by = submitted?.submittedBy ?? existing.submittedBy ?? '—';
  const at = submitted?.submittedAt ?? existing.submittedAt;
  throw new DomainError(
    'CONFLICT',
    {
      en: `already submitted by ${by}${at ? ` at ${shanghaiDateTime(at)} (Asia/Shanghai)` : ''}; a submitted rectification is not replaced`,
      zh: `已由 ${by} ${at ? `于 ${shanghaiDateTime(at)}（北京时间）` : ''}提交；已提交的整改报告不会被替换`,
    },
    ['input', 'id'],
  );
}

/** Not submitted and past its due time. */
export const isOverdue = (r: RectificationReportRow, now: Date) => r.submittedAt === null && now.getTime() > r.dueAt.getTime();

/** Submitted after its due time (逾期提交): the record keeps that it was late, once it is no longer overdue. */
export const isSubmittedLate = (r: Pick<RectificationReportRow, 'submittedAt' | 'dueAt'>) => r.submittedAt !== null && r.submittedAt.getTime() > r.dueAt.getTime();

