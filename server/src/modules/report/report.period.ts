import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { TRAFFIC_SOURCES, type TrafficSource } from '../../db/enums.js';
import { DomainError, forbidden } from '../../errors.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../../lib/time.js';
import type { Figures } from '../metrics/metrics.formulas.js';
import type { Totals } from '../metrics/metrics.totals.js';
import type { RectificationReportRow } from './report.table.js';
import { assertDate, buildDailyReport, EMPTY_FIGURES, isOverdue, isSubmittedLate, shopRangeTotals, shopWindowTotals, type DayRange } from './report.service.js';

export type PeriodKind = 'WEEK' | 'MONTH';

/** A report period: Monday–Sunday or a calendar month, in Asia/Shanghai. */
export interface Period extends DayRange {
  kind: PeriodKind;
  /** The report is issued by then: the Monday 00:00 after the week, the 5th 24:00 of the next month. */
  dueAt: Date;
  previous: DayRange;
}

export interface PeriodSourceRow {
  source: TrafficSource;
  figures: Figures;
  previous: Figures;
  /** The period before over the same span as this one so far; null once this one is complete. */
  previousToDate: Figures | null;
}

/**
 * While a period runs, its figures so far are compared with the period before over the same span: from its
 * first day 00:00 for as long as this one has run (a month's 7th, 10:00 against the month before's 7th,
 * 10:00), never past that period's end. Against the whole period before, the 7th of a month read 访客数 −67 %.
 */
export interface SameSpanBefore {
  /** The end (exclusive) of the span of the period before. */
  until: Date;
  totals: Figures;
}

/** What became of the period's anomalies: the daily rows flagged and their rectification reports. */
export interface PeriodFollowUp {
  flaggedRows: number;
  opened: number;
  submitted: number;
  /** Of those submitted, after their due time. */
  submittedLate: number;
  overdue: number;
  rectifications: RectificationReportRow[];
}

export interface PeriodReport {
  shopId: string;
  period: Period;
  /** The period is over (its last day has ended in Asia/Shanghai). */
  complete: boolean;
  rows: PeriodSourceRow[];
  totals: Figures;
  previousTotals: Figures;
  /** Null once the period is complete. */
  previousToDate: SameSpanBefore | null;
  followUp: PeriodFollowUp;
}

/** 0 = Monday … 6 = Sunday, of a calendar date. */
const weekdayFromMonday = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

/** The Monday–Sunday week holding `date`; its report is due the Monday after, 00:00. */
export function weekPeriod(date: string): Period {
  const from = addDays(date, -weekdayFromMonday(date));
  const to = addDays(from, 6);
  return { kind: 'WEEK', from, to, dueAt: startOfShanghaiDay(addDays(to, 1)), previous: { from: addDays(from, -7), to: addDays(from, -1) } };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first day of the month `offset` months after the month starting at `first` (YYYY-MM-01). */
const monthStart = (first: string, offset: number) => {
  const d = new Date(`${first}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
};

/** A calendar month "YYYY-MM"; its report is due by the 5th of the next month, 24:00. */
export function monthPeriod(month: string): Period {
  if (!MONTH.test(month)) throw new DomainError('INVALID_INPUT', { en: 'must be a month YYYY-MM', zh: '必须是月份 YYYY-MM' }, ['month']);
  const from = `${month}-01`;
  const next = monthStart(from, 1);
  const previousFrom = monthStart(from, -1);
  return { kind: 'MONTH', from, to: addDays(next, -1), dueAt: startOfShanghaiDay(addDays(next, 5)), previous: { from: previousFrom, to: addDays(from, -1) } };
}

/**
 * A period's report for one shop. Figures are the rollups over the whole period (sketches merged, so
 * a buyer of three days counts once), equal to `metrics` for the same shop, window and source; the
 * follow-up reads each day's report as `dailyReport` does (opening the rectifications of flagged
 * closed days it finds, as reading a daily report does), up to today.
 */
export async function buildPeriodReport(db: DbOrTx, shopId: string, period: Period, now: Date): Promise<PeriodReport> {
  const complete = now.getTime() >= startOfShanghaiDay(addDays(period.to, 1)).getTime();
  const sameSpanUntil = complete ? null : sameSpanEnd(period, now);
  const [current, previous, previousSoFar, followUp] = await Promise.all([
    shopRangeTotals(db, shopId, period),
    shopRangeTotals(db, shopId, period.previous),
    sameSpanUntil ? shopWindowTotals(db, shopId, { from: startOfShanghaiDay(period.previous.from), to: sameSpanUntil }) : null,
    periodFollowUp(db, shopId, period, now),
  ]);
  const bySource = (t: Totals) => new Map(t.bySource.map((s) => [s.source, s as Figures]));
  const inPeriod = bySource(current);
  const before = bySource(previous);
  const beforeSoFar = previousSoFar ? bySource(previousSoFar) : null;
  const rows = TRAFFIC_SOURCES.filter((s) => inPeriod.has(s) || before.has(s)).map((source) => ({
    source,
    figures: inPeriod.get(source) ?? EMPTY_FIGURES,
    previous: before.get(source) ?? EMPTY_FIGURES,
    previousToDate: beforeSoFar ? (beforeSoFar.get(source) ?? EMPTY_FIGURES) : null,
  }));
  const previousToDate = sameSpanUntil && previousSoFar ? { until: sameSpanUntil, totals: previousSoFar.all } : null;
  return { shopId, period, complete, rows, totals: current.all, previousTotals: previous.all, previousToDate, followUp };
}

/**
 * Where the period before's span as long as this period has run ends: its first day 00:00 plus the time
 * since this period's first day 00:00 (none before it starts), never past its own end.
 */
export function sameSpanEnd(period: Period, now: Date): Date {
  const elapsed = Math.max(0, now.getTime() - startOfShanghaiDay(period.from).getTime());
  const start = startOfShanghaiDay(period.previous.from).getTime();
  const end = startOfShanghaiDay(addDays(period.previous.to, 1)).getTime();
  return new Date(Math.min(start + elapsed, end));
}

async function periodFollowUp(db: DbOrTx, shopId: string, period: Period, now: Date): Promise<PeriodFollowUp> {
  const today = shanghaiDate(now);
  const last = period.to < today ? period.to : today;
  const followUp: PeriodFollowUp = { flaggedRows: 0, opened: 0, submitted: 0, submittedLate: 0, overdue: 0, rectifications: [] };
  // Day by day, in order, so the rectifications list reads as the period went.
  for (let date = period.from; date <= last; date = addDays(date, 1)) {
    const day = await buildDailyReport(db, shopId, date, now);
    for (const row of day.rows) {
      if (row.anomalies.length > 0) followUp.flaggedRows++;
      const r = row.rectification;
      if (!r) continue;
      followUp.rectifications.push(r);
      followUp.opened++;
      if (r.submittedAt) followUp.submitted++;
      if (isSubmittedLate(r)) followUp.submittedLate++;
      if (isOverdue(r, now)) followUp.overdue++;
    }
  }
  return followUp;
}

/** `weeklyReport(shopId, weekOf)`: any day of the week; a shop outside the grant is FORBIDDEN, as for `dailyReport`. */
export async function weeklyReport(db: DbOrTx, viewer: Viewer, shopId: string, weekOf: string, now: Date): Promise<PeriodReport> {
  if (!canSeeShop(viewer, shopId)) throw forbidden('Shop', ['shopId']);
  assertDate(weekOf, ['weekOf']);
  return buildPeriodReport(db, shopId, weekPeriod(weekOf), now);
}

/** `monthlyReport(shopId, month)`: month "YYYY-MM"; a shop outside the grant is FORBIDDEN. */
export async function monthlyReport(db: DbOrTx, viewer: Viewer, shopId: string, month: string, now: Date): Promise<PeriodReport> {
  if (!canSeeShop(viewer, shopId)) throw forbidden('Shop', ['shopId']);
  return buildPeriodReport(db, shopId, monthPeriod(month), now);
}
