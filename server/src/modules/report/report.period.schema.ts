import { builder } from '../../builder.js';
import { TrafficSourceEnum } from '../../graphql/enums.js';
import { ShopRef } from '../shop/shop.schema.js';
import { monthlyReport, weeklyReport, type PeriodFollowUp, type PeriodReport, type PeriodSourceRow } from './report.period.js';
import { DailyChangeRef, DailyFiguresRef, RectificationReportRef } from './report.schema.js';

const SAME_AS_METRICS = 'Equal to `metrics` for the same shop, window (the period\'s first day 00:00 to the day after its last, Asia/Shanghai) and source; visitors and buyers are distinct over the whole period.';

const PeriodKindEnum = builder.enumType('ReportPeriodKind', { values: ['WEEK', 'MONTH'] as const });

const PeriodSourceRowRef = builder.objectRef<PeriodSourceRow>('PeriodReportRow').implement({
  description: `One traffic source over the period. ${SAME_AS_METRICS}`,
  fields: (t) => ({
    source: t.expose('source', { type: TrafficSourceEnum }),
    figures: t.field({ type: DailyFiguresRef, resolve: (r) => r.figures }),
    previousPeriod: t.field({ type: DailyFiguresRef, description: 'The week or month before.', resolve: (r) => r.previous }),
    change: t.field({ type: DailyChangeRef, description: 'Against the whole week or month before.', resolve: (r) => ({ day: r.figures, before: r.previous }) }),
    previousToDate: t.field({
      type: DailyFiguresRef,
      nullable: true,
      description: `The period before over the same span as this one so far (see PeriodReport.previousToDateUntil); null once this period is complete.`,
      resolve: (r) => r.previousToDate,
    }),
    changeToDate: t.field({
      type: DailyChangeRef,
      nullable: true,
      description: 'While the period runs: its figures so far against `previousToDate`, the like-for-like comparison (环比同期); null once it is complete, where `change` is like for like.',
      resolve: (r) => (r.previousToDate ? { day: r.figures, before: r.previousToDate } : null),
    }),
  }),
});

const PeriodFollowUpRef = builder.objectRef<PeriodFollowUp>('PeriodAnomalyFollowUp').implement({
  description: 'What became of the period\'s anomalies, from each day\'s report as `dailyReport` reads it (days up to today).',
  fields: (t) => ({
    flaggedRows: t.exposeInt('flaggedRows', { description: 'Daily report rows (shop-day-source) flagged by the anomaly rules.' }),
    opened: t.exposeInt('opened', { description: 'Rectification reports opened for them (closed days only).' }),
    submitted: t.exposeInt('submitted'),
    submittedLate: t.exposeInt('submittedLate', { description: 'Of those submitted, after their due time (逾期提交).' }),
    overdue: t.exposeInt('overdue', { description: 'Not submitted and past due, now.' }),
    rectifications: t.field({ type: [RectificationReportRef], description: 'Oldest day first.', resolve: (f) => f.rectifications }),
  }),
});

const PeriodReportRef = builder.objectRef<PeriodReport>('PeriodReport').implement({
  description: 'Weekly (Monday–Sunday) or monthly roll-up of the daily report of one shop, Asia/Shanghai.',
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (r) => r.shopId }),
    kind: t.field({ type: PeriodKindEnum, resolve: (r) => r.period.kind }),
    from: t.field({ type: 'Date', description: 'First day, inclusive.', resolve: (r) => r.period.from }),
    to: t.field({ type: 'Date', description: 'Last day, inclusive.', resolve: (r) => r.period.to }),
    dueAt: t.field({
      type: 'DateTime',
      description: 'Issued by: the Monday 00:00 after the week; the 5th of the next month, 24:00 (Asia/Shanghai).',
      resolve: (r) => r.period.dueAt,
    }),
    complete: t.boolean({ description: 'The period has ended; until then its figures are so far.', resolve: (r) => r.complete }),
    previousFrom: t.field({ type: 'Date', resolve: (r) => r.period.previous.from }),
    previousTo: t.field({ type: 'Date', resolve: (r) => r.period.previous.to }),
    rows: t.field({ type: [PeriodSourceRowRef], description: 'Sources active in the period or the one before, in TrafficSource order.', resolve: (r) => r.rows }),
    totals: t.field({ type: DailyFiguresRef, description: `The whole shop. ${SAME_AS_METRICS}`, resolve: (r) => r.totals }),
    previousTotals: t.field({ type: DailyFiguresRef, resolve: (r) => r.previousTotals }),
    change: t.field({
      type: DailyChangeRef,
      description: 'Against the whole week or month before: while this period runs, its figures so far are partial (see `changeToDate`).',
      resolve: (r) => ({ day: r.totals, before: r.previousTotals }),
    }),
    previousToDateUntil: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'While the period runs: the end (exclusive) of the period before’s same span — its first day 00:00 plus the time since this period’s first day 00:00 (Asia/Shanghai), never past its end; null once complete.',
      resolve: (r) => r.previousToDate?.until ?? null,
    }),
    previousToDateTotals: t.field({
      type: DailyFiguresRef,
      nullable: true,
      description: 'The whole shop over the period before’s same span (`previousToDateUntil`); null once this period is complete.',
      resolve: (r) => r.previousToDate?.totals ?? null,
    }),
    changeToDate: t.field({
      type: DailyChangeRef,
      nullable: true,
      description:
        'While the period runs: the figures so far against `previousToDateTotals`, like for like (a month’s first week against the month before’s first week, 环比同期); null once complete, where `change` is like for like.',
      resolve: (r) => (r.previousToDate ? { day: r.totals, before: r.previousToDate.totals } : null),
    }),
    anomalyFollowUp: t.field({ type: PeriodFollowUpRef, resolve: (r) => r.followUp }),
  }),
});

builder.queryFields((t) => ({
  weeklyReport: t.field({
    type: PeriodReportRef,
    description: '周报: the Monday–Sunday week holding `weekOf`, against the week before. A shop outside the caller\'s grant is FORBIDDEN.',
    args: { shopId: t.arg.globalID({ for: ShopRef, required: true }), weekOf: t.arg({ type: 'Date', required: true, description: 'Any day of the week.' }) },
    resolve: (_root, args, ctx) => weeklyReport(ctx.db, ctx.viewer, args.shopId.id, args.weekOf, ctx.now()),
  }),
  monthlyReport: t.field({
    type: PeriodReportRef,
    description: '月报: a calendar month, against the month before. A shop outside the caller\'s grant is FORBIDDEN.',
    args: { shopId: t.arg.globalID({ for: ShopRef, required: true }), month: t.arg.string({ required: true, description: 'YYYY-MM' }) },
    resolve: (_root, args, ctx) => monthlyReport(ctx.db, ctx.viewer, args.shopId.id, args.month, ctx.now()),
  }),
}));
