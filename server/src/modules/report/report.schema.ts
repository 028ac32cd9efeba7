import { builder } from '../../builder.js';
import { TrafficSourceEnum } from '../../graphql/enums.js';
import { localeArg } from '../../graphql/locale.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { inLocale } from '../../lib/locale.js';
import { fenToYuan } from '../../lib/money.js';
import { conversionRate, refundRate, roi, type Figures } from '../metrics/metrics.formulas.js';
import { ShopRef } from '../shop/shop.schema.js';
import { DAILY_ANOMALY_RULES, type DailyAnomaly } from './report.rules.js';
import {
  dailyReport,
  isOverdue,
  isSubmittedLate,
  listDailyReports,
  loadRectifications,
  submitRectification,
  writeDailyReportNote,
  type DailyReport,
  type ReportLine,
} from './report.service.js';
import type { RectificationReportRow } from './report.table.js';

const SAME_AS_METRICS = 'Equal to `metrics` for the same shop, Asia/Shanghai day and source.';

export const DailyFiguresRef = builder.objectRef<Figures>('DailyFigures').implement({
  description: `One Asia/Shanghai day's figures (or a week's or month's, in a roll-up), computed from the rollups. ${SAME_AS_METRICS}`,
  // writeDailyReportNote answers with the row under MANAGE alone: its notes are the caller's to see, its
  // figures need READ like the dailyReport query's.
  authScopes: { read: true },
  fields: (t) => ({
    visitors: t.int({ resolve: (f) => f.visitors }),
    pageViews: t.int({ resolve: (f) => f.pageViews }),
    conversionRate: t.float({ description: 'buyers / visitors, in [0, 1].', resolve: conversionRate }),
    gmv: t.field({ type: 'Decimal', resolve: (f) => fenToYuan(f.gmvFen) }),
    orders: t.int({ description: 'Paid orders.', resolve: (f) => f.ordersPaid }),
    buyers: t.int({ resolve: (f) => f.buyers }),
    refundRate: t.float({ description: 'refunded orders / paid orders, in [0, 1].', resolve: refundRate }),
    spend: t.field({ type: 'Decimal', resolve: (f) => fenToYuan(f.spendFen) }),
    roi: t.float({ nullable: true, description: 'GMV / spend; null without spend.', resolve: (f) => roi(f) }),
  }),
});

/** Relative change (now − before) / before; null when there is nothing to compare with. */
const change = (now: number | null, before: number | null) => (now === null || before === null || before === 0 ? null : (now - before) / before);

export const DailyChangeRef = builder.objectRef<{ day: Figures; before: Figures }>('DailyFigureChange').implement({
  description:
    'Relative change against the previous day (or week, or month, in a roll-up), (now − previous) / previous (−0.3 = 30 % lower); null when the previous figure is 0 or null.',
  authScopes: { read: true },
  fields: (t) => {
    const rel = (value: (f: Figures) => number | null) => t.float({ nullable: true, resolve: (p) => change(value(p.day), value(p.before)) });
    return {
      visitors: rel((f) => f.visitors),
      pageViews: rel((f) => f.pageViews),
      conversionRate: rel(conversionRate),
      gmv: rel((f) => f.gmvFen),
      orders: rel((f) => f.ordersPaid),
      buyers: rel((f) => f.buyers),
      refundRate: rel(refundRate),
      spend: rel((f) => f.spendFen),
      roi: rel(roi),
    };
  },
});

const ReportAnomalyRuleEnum = builder.enumType('ReportAnomalyRule', {
  description: 'The daily anomaly rules of docs/REPORTS.md.',
  values: DAILY_ANOMALY_RULES,
});

const ReportAnomalyRef = builder.objectRef<DailyAnomaly>('ReportAnomaly').implement({
  // Its message quotes the figures that tripped the rule.
  authScopes: { read: true },
  fields: (t) => ({
    rule: t.expose('rule', { type: ReportAnomalyRuleEnum }),
    message: t.string({
      description: 'Why the rule flagged the day, with its figures; in Chinese unless `locale: EN` asks for English.',
      args: localeArg,
      resolve: (anomaly, { locale }) => inLocale(anomaly, locale),
    }),
  }),
});

export const RectificationReportRef = builder.loadableNode('RectificationReport', {
  description: '异常数据整改报告: opened when a report row of yesterday or the day before is flagged (by the hourly sweep, or when the report is read), due 48 hours later. An older day opens none.',
  id: uuidNodeId<RectificationReportRow>(),
  load: (ids: string[], ctx) => loadRectifications(ctx.db, ctx.viewer, ids),
  sort: (r) => r.id,
  fields: (t) => ({
    reasons: t.field({ type: [ReportAnomalyRuleEnum], resolve: (r) => r.reasons.filter((x): x is (typeof DAILY_ANOMALY_RULES)[number] => (DAILY_ANOMALY_RULES as readonly string[]).includes(x)) }),
    openedAt: t.expose('openedAt', { type: 'DateTime' }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    overdue: t.boolean({ description: 'Not submitted and past its due time.', resolve: (r, _args, ctx) => isOverdue(r, ctx.now()) }),
    content: t.exposeString('content', { nullable: true }),
    submittedBy: t.exposeString('submittedBy', { nullable: true }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    submittedLate: t.boolean({ description: 'Submitted after its due time (逾期提交); false while not submitted (see overdue).', resolve: (r) => isSubmittedLate(r) }),
  }),
});

const DailyReportRowRef = builder.objectRef<ReportLine>('DailyReportRow').implement({
  description: '运营数据日报 for one traffic source of a shop-day: figures from the rollups, notes by the operator.',
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (l) => l.shopId }),
    date: t.expose('date', { type: 'Date' }),
    source: t.expose('source', { type: TrafficSourceEnum }),
    figures: t.field({ type: DailyFiguresRef, resolve: (l) => l.figures }),
    previousDay: t.field({ type: DailyFiguresRef, resolve: (l) => l.previousDay }),
    change: t.field({ type: DailyChangeRef, resolve: (l) => ({ day: l.figures, before: l.previousDay }) }),
    anomalies: t.field({ type: [ReportAnomalyRef], resolve: (l) => l.anomalies }),
    anomalyNote: t.string({ nullable: true, description: '异常指标说明', resolve: (l) => l.report?.anomalyNote ?? null }),
    correctiveAction: t.string({ nullable: true, description: '整改措施', resolve: (l) => l.report?.correctiveAction ?? null }),
    owner: t.string({ nullable: true, description: 'Null until someone is assigned.', resolve: (l) => l.report?.owner || null }),
    noteUpdatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When the stored row (anomalyNote, correctiveAction, owner) was last written, or created for a rectification; null while the row is not stored. Send it back as `writeDailyReportNote`\'s `expectedUpdatedAt`.',
      resolve: (l) => l.report?.updatedAt ?? null,
    }),
    noteUpdatedBy: t.string({
      nullable: true,
      description: 'Who last wrote anomalyNote, correctiveAction or owner (writeDailyReportNote); null until someone has.',
      resolve: (l) => l.report?.noteUpdatedBy ?? null,
    }),
    rectification: t.field({
      type: RectificationReportRef,
      nullable: true,
      description: 'The row\'s rectification; null when none was opened, as for a flagged day older than yesterday and the day before that never had one.',
      resolve: (l) => l.rectification,
    }),
  }),
});

const DailyReportRef = builder.objectRef<DailyReport>('DailyReport').implement({
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (r) => r.shopId }),
    date: t.expose('date', { type: 'Date' }),
    rows: t.field({
      type: [DailyReportRowRef],
      description: 'One per traffic source active that day or the day before, or with notes, in TrafficSource order.',
      resolve: (r) => r.rows,
    }),
    totals: t.field({ type: DailyFiguresRef, description: 'The whole shop that day.', resolve: (r) => r.totals }),
    previousTotals: t.field({ type: DailyFiguresRef, resolve: (r) => r.previousTotals }),
  }),
});

const DailyReportFilter = builder.inputType('DailyReportFilter', {
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef }),
    from: t.field({ type: 'Date', description: 'First day, inclusive.' }),
    to: t.field({ type: 'Date', description: 'Last day, inclusive.' }),
    anomaliesOnly: t.boolean({ description: 'Only rows whose anomaly opened a rectification report.' }),
    rectificationOverdue: t.boolean({ description: 'Only rows whose rectification is past due and not submitted.' }),
  }),
});

builder.queryFields((t) => ({
  dailyReport: t.field({
    type: DailyReportRef,
    description: '运营数据日报 of a shop for an Asia/Shanghai day. A shop outside the caller\'s grant is FORBIDDEN.',
    args: { shopId: t.arg.globalID({ for: ShopRef, required: true }), date: t.arg({ type: 'Date', required: true }) },
    resolve: (_root, args, ctx) => dailyReport(ctx.db, ctx.viewer, args.shopId.id, args.date, ctx.now()),
  }),
  dailyReports: t.connection(
    {
      type: DailyReportRowRef,
      description: 'Stored report rows (with notes or a rectification) of the caller\'s shops, newest day first.',
      args: { filter: t.arg({ type: DailyReportFilter }) },
      resolve: (_root, { filter, ...args }, ctx) =>
        listDailyReports(ctx.db, ctx.viewer, { ...filter, shopIds: filter?.shopIds?.map((id) => id.id) }, args, ctx.now()),
    },
    { name: 'DailyReportRowConnection' },
    { name: 'DailyReportRowEdge' },
  ),
}));

const WriteDailyReportNoteInput = builder.inputType('WriteDailyReportNoteInput', {
  fields: (t) => ({
    shopId: t.globalID({ for: ShopRef, required: true }),
    date: t.field({ type: 'Date', required: true }),
    source: t.field({ type: TrafficSourceEnum, required: true }),
    anomalyNote: t.string({ description: '异常指标说明; omitted keeps, empty clears.' }),
    correctiveAction: t.string({ description: '整改措施; omitted keeps, empty clears.' }),
    owner: t.string({ description: 'Who follows it up; omitted keeps.' }),
    expectedUpdatedAt: t.field({
      type: 'DateTime',
      description:
        'The row\'s `noteUpdatedAt` as the editor loaded it. Given, the write happens only if the row is stored and nobody has written it since; otherwise userError CONFLICT (saying when it was written, Asia/Shanghai) and nothing is written. Omitted or null: no check, the last write wins.',
    }),
  }),
});

const SubmitRectificationInput = builder.inputType('SubmitRectificationInput', {
  fields: (t) => ({
    id: t.globalID({ for: RectificationReportRef, required: true }),
    content: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  writeDailyReportNote: t.field({
    type: payloadType('WriteDailyReportNotePayload', 'row', DailyReportRowRef),
    args: { input: t.arg({ type: WriteDailyReportNoteInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => writeDailyReportNote(ctx.db, ctx.viewer, { ...input, shopId: input.shopId.id }, ctx.now())),
  }),
  submitRectification: t.field({
    type: payloadType('SubmitRectificationPayload', 'rectification', RectificationReportRef),
    args: { input: t.arg({ type: SubmitRectificationInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => submitRectification(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now())),
  }),
}));
