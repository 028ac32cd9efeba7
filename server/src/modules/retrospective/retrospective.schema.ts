import { builder } from '../../builder.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { fenToYuan } from '../../lib/money.js';
import { AlertRef } from '../alert/alert.schema.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { MilestoneRef, MilestoneStatusEnum, RiskLevelEnum } from '../campaign/milestone.schema.js';
import type { MilestoneChangeRow } from '../campaign/milestone-changes.table.js';
import { minuteRollupsKeptFrom } from '../history/history.retention.js';
import { ProgressPointRef } from '../metrics/campaign-progress.schema.js';
import { ProductRef, SkuRef } from '../product/product.schema.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { bestAndWorst, retroConversion, type ParetoProduct, type ParetoSku, type Ranked, type RoiRow } from './retrospective.figures.js';
import { exportPathOf } from './retrospective.export.js';
import { Retrospective, writeRetrospectiveLessons, type AlertReview, type IncidentReview, type MilestoneReview, type ParetoFigures, type RefundReasonFigures } from './retrospective.service.js';

type ChannelFigures = Ranked<RoiRow & { channel: Channel; ordersPaid: number }>;
type SourceFigures = Ranked<RoiRow & { source: TrafficSource; ordersPaid: number }>;

const yuan = (fen: number) => fenToYuan(fen);
const RANK = 'Rank by ad ROI (attributedRoi), 1 = best; null without spend (those come last).';
const ATTRIBUTED_GMV = 'GMV of the channel × source lines with spend in the campaign: what the spend is credited with (Metrics.byChannel.attributedGmv).';
const ATTRIBUTED_ROI = 'Ad ROI = attributedGmv / spend (DOMAIN.md: attributed GMV / spend); null without spend. The ranking and best/worst follow it; `roi` divides all GMV (全站 ROI), which organic sales lift.';

const RetrospectiveChannelRef = builder.objectRef<ChannelFigures>('RetrospectiveChannel').implement({
  fields: (t) => ({
    channel: t.expose('channel', { type: ChannelEnum }),
    gmv: t.field({ type: 'Decimal', resolve: (r) => yuan(r.gmvFen) }),
    orders: t.int({ resolve: (r) => r.ordersPaid }),
    spend: t.field({ type: 'Decimal', resolve: (r) => yuan(r.spendFen) }),
    roi: t.float({ nullable: true, description: 'GMV / spend (全站 ROI); null without spend.', resolve: (r) => r.roi }),
    attributedGmv: t.field({ type: 'Decimal', description: ATTRIBUTED_GMV, resolve: (r) => yuan(r.attributedGmvFen ?? r.gmvFen) }),
    attributedRoi: t.float({ nullable: true, description: ATTRIBUTED_ROI, resolve: (r) => r.attributedRoi }),
    rank: t.int({ nullable: true, description: RANK, resolve: (r) => r.rank }),
  }),
});

const RetrospectiveSourceRef = builder.objectRef<SourceFigures>('RetrospectiveSource').implement({
  fields: (t) => ({
    source: t.expose('source', { type: TrafficSourceEnum }),
    gmv: t.field({ type: 'Decimal', resolve: (r) => yuan(r.gmvFen) }),
    orders: t.int({ resolve: (r) => r.ordersPaid }),
    spend: t.field({ type: 'Decimal', resolve: (r) => yuan(r.spendFen) }),
    roi: t.float({ nullable: true, description: 'GMV / spend (全站 ROI); null without spend.', resolve: (r) => r.roi }),
    attributedGmv: t.field({ type: 'Decimal', description: ATTRIBUTED_GMV, resolve: (r) => yuan(r.attributedGmvFen ?? r.gmvFen) }),
    attributedRoi: t.float({ nullable: true, description: ATTRIBUTED_ROI, resolve: (r) => r.attributedRoi }),
    rank: t.int({ nullable: true, description: RANK, resolve: (r) => r.rank }),
  }),
});

const ParetoSkuRef = builder.objectRef<ParetoSku>('ParetoSku').implement({
  fields: (t) => ({
    sku: t.field({ type: SkuRef, resolve: (s) => s.skuId }),
    gmv: t.field({ type: 'Decimal', resolve: (s) => yuan(s.gmvFen) }),
    units: t.int({ resolve: (s) => s.unitsSold }),
    share: t.float({ description: "This SKU's share of the campaign's GMV.", resolve: (s) => s.share }),
    cumulativeShare: t.float({ description: 'Share of GMV of this SKU and every better seller.', resolve: (s) => s.cumulativeShare }),
  }),
});

const ParetoProductRef = builder.objectRef<ParetoProduct>('ParetoProduct').implement({
  description: 'A product among those making 80 % of GMV: the sum of its SKUs.',
  fields: (t) => ({
    product: t.field({ type: ProductRef, resolve: (p) => p.productId }),
    gmv: t.field({ type: 'Decimal', resolve: (p) => yuan(p.gmvFen) }),
    units: t.int({ resolve: (p) => p.unitsSold }),
    skusSold: t.int({ description: 'How many of its SKUs sold in the campaign.', resolve: (p) => p.skusSold }),
    share: t.float({ description: "This product's share of the campaign's GMV.", resolve: (p) => p.share }),
    cumulativeShare: t.float({ description: 'Share of GMV of this product and every better seller.', resolve: (p) => p.cumulativeShare }),
  }),
});

const RetrospectiveParetoRef = builder.objectRef<ParetoFigures>('RetrospectivePareto').implement({
  description:
    "帕累托: the fewest best sellers that together make at least 80 % of GMV — as products (DOMAIN.md: which products make 80 % of GMV, each the sum of its SKUs) and as SKUs. Shares are of the SKUs' line totals (quantity × unit price), before any order-level discount.",
  fields: (t) => ({
    products: t.field({ type: [ParetoProductRef], resolve: (p) => p.products }),
    productCount: t.int({ description: 'How many products make 80 % of GMV.', resolve: (p) => p.products.length }),
    soldProducts: t.int({ description: 'Products with any sale in the campaign.', resolve: (p) => p.soldProducts }),
    skus: t.field({ type: [ParetoSkuRef], resolve: (p) => p.skus }),
    skuCount: t.int({ description: 'How many SKUs make 80 % of GMV.', resolve: (p) => p.skus.length }),
    soldSkus: t.int({ description: 'SKUs with any sale in the campaign.', resolve: (p) => p.soldSkus }),
  }),
});

const RefundReasonRef = builder.objectRef<RefundReasonFigures>('RefundReasonFigures').implement({
  fields: (t) => ({
    reason: t.exposeString('reason'),
    refunds: t.exposeInt('refunds'),
    amount: t.field({ type: 'Decimal', resolve: (r) => yuan(r.amountFen) }),
    share: t.float({ description: "Share of the campaign's refunded amount.", resolve: (r) => r.share }),
  }),
});

const MilestoneChangeRef = builder.objectRef<MilestoneChangeRow>('MilestoneHistoryEntry').implement({
  description: 'A change of a milestone\'s status or risk level, and who made it.',
  fields: (t) => ({
    status: t.expose('status', { type: MilestoneStatusEnum }),
    riskLevel: t.expose('riskLevel', { type: RiskLevelEnum }),
    changedAt: t.expose('changedAt', { type: 'DateTime' }),
    changedBy: t.exposeString('changedBy', { nullable: true }),
  }),
});

const RetrospectiveMilestoneRef = builder.objectRef<MilestoneReview>('RetrospectiveMilestone').implement({
  fields: (t) => ({
    milestone: t.field({ type: MilestoneRef, resolve: (m) => m.milestone }),
    onTime: t.boolean({ nullable: true, description: 'Done by its due time; null while not done.', resolve: (m) => m.onTime }),
    secondsLate: t.int({ nullable: true, description: 'How late it was done (0 when on time); null while not done.', resolve: (m) => m.secondsLate }),
    highestRisk: t.field({ type: RiskLevelEnum, description: 'The highest risk level it ever had.', resolve: (m) => m.highestRisk }),
    changes: t.field({ type: [MilestoneChangeRef], description: 'Status and risk history, oldest first.', resolve: (m) => m.changes }),
  }),
});

const RetrospectiveAlertRef = builder.objectRef<AlertReview>('RetrospectiveAlert').implement({
  fields: (t) => ({
    alert: t.field({ type: AlertRef, resolve: (a) => a.alert }),
    secondsToAcknowledge: t.int({ nullable: true, resolve: (a) => a.secondsToAcknowledge }),
    secondsToResolve: t.int({ nullable: true, resolve: (a) => a.secondsToResolve }),
  }),
});

const RetrospectiveIncidentsRef = builder.objectRef<IncidentReview>('RetrospectiveIncidents').implement({
  description: 'The campaign’s incidents (CRITICAL ORDERS_STALLED, CONVERSION_DROP, LOW_STOCK) against the manuals’ clock: a response within 10 minutes, a fix within 30.',
  fields: (t) => ({
    incidents: t.exposeInt('incidents'),
    respondedInTime: t.exposeInt('respondedInTime', { description: 'Acknowledged within 10 minutes of turning critical.' }),
    fixedInTime: t.exposeInt('fixedInTime', { description: 'Resolved within 30 minutes of turning critical.' }),
    medianSecondsToRespond: t.exposeInt('medianSecondsToRespond', { nullable: true }),
    medianSecondsToFix: t.exposeInt('medianSecondsToFix', { nullable: true }),
  }),
});

const channels = (r: Retrospective) => r.channels();
const sources = (r: Retrospective) => r.sources();

export const RetrospectiveRef = builder.objectRef<Retrospective>('CampaignRetrospective').implement({
  description:
    '复盘: target against actual, hour by hour against plan, channels and sources by ROI, the Pareto SKUs, new and returning buyers, refunds by reason, milestones and alerts, and the lessons learned. Figures so far while the campaign runs; due two days after it ends.',
  // writeRetrospectiveLessons answers with the retrospective under MANAGE alone: the lessons it wrote and
  // when they are due stay readable (skipTypeScopes), the figures need READ. The types below are reached
  // only through here.
  authScopes: { read: true },
  fields: (t) => ({
    campaign: t.field({ type: CampaignRef, skipTypeScopes: true, resolve: (r) => r.campaign }),
    ended: t.boolean({ skipTypeScopes: true, resolve: (r) => r.ended }),
    dueAt: t.field({ type: 'DateTime', skipTypeScopes: true, description: 'Two days after the campaign ends.', resolve: (r) => r.dueAt }),
    overdue: t.boolean({
      skipTypeScopes: true,
      description: 'The campaign has ended, the due time has passed and no lessons are written.',
      resolve: (r) => r.overdue(),
    }),
    gmvTarget: t.field({ type: 'Decimal', resolve: (r) => yuan(r.campaign.gmvTargetFen) }),
    gmv: t.field({ type: 'Decimal', description: 'GMV of the campaign, refunds not deducted (over countedFrom–countedTo).', resolve: async (r) => yuan((await r.totals()).all.gmvFen) }),
    countedFrom: t.field({
      type: 'DateTime',
      description:
        'Start of the first minute the figures from rollups count (GMV, orders, buyers, channels, sources, SKUs, hours): the campaign start, or its first whole hour once the first minutes are older than the minute rollups kept.',
      resolve: (r) => r.progress.counted.from,
    }),
    countedTo: t.field({
      type: 'DateTime',
      description: 'End of the last minute counted (exclusive): now or the campaign end, or its last whole hour once the last minutes are older than the minute rollups kept.',
      resolve: (r) => r.progress.counted.to,
    }),
    netGmv: t.field({
      type: 'Decimal',
      description: "GMV minus every refund of the campaign's orders, including refunds after it ended.",
      resolve: async (r) => yuan(await r.netGmvFen()),
    }),
    achievementRate: t.float({ description: '达成率 = GMV / target.', resolve: async (r) => (await r.progress.figures()).achievementRate }),
    orders: t.int({ description: 'Paid orders.', resolve: async (r) => (await r.totals()).all.ordersPaid }),
    buyers: t.int({ description: 'Distinct customers with a paid order of the campaign, as `Metrics.buyers` counts them: exact up to 10,000 paid orders, an estimate past that.', resolve: async (r) => (await r.totals()).all.buyers }),
    visitors: t.int({ resolve: async (r) => (await r.totals()).all.visitors }),
    conversionRate: t.float({ nullable: true, description: 'buyers / visitors; null when no visit was recorded in the campaign (orders sent without traffic).', resolve: async (r) => retroConversion((await r.totals()).all) }),
    spend: t.field({ type: 'Decimal', resolve: async (r) => yuan((await r.totals()).all.spendFen) }),
    roi: t.float({
      nullable: true,
      description: 'GMV / spend; null without spend.',
      resolve: async (r) => {
        const { gmvFen, spendFen } = (await r.totals()).all;
        return spendFen > 0 ? gmvFen / spendFen : null;
      },
    }),
    hours: t.field({ type: [ProgressPointRef], description: 'Every hour of the window: plan against actual.', resolve: (r) => r.hours() }),
    channels: t.field({ type: [RetrospectiveChannelRef], description: 'Best ad ROI (attributedRoi) first; channels without spend last.', resolve: channels }),
    sources: t.field({ type: [RetrospectiveSourceRef], description: 'Best ad ROI (attributedRoi) first; sources without spend last.', resolve: sources }),
    bestChannel: t.field({ type: RetrospectiveChannelRef, nullable: true, resolve: async (r) => bestAndWorst(await channels(r)).best }),
    worstChannel: t.field({ type: RetrospectiveChannelRef, nullable: true, description: 'null unless two channels have spend.', resolve: async (r) => bestAndWorst(await channels(r)).worst }),
    bestSource: t.field({ type: RetrospectiveSourceRef, nullable: true, resolve: async (r) => bestAndWorst(await sources(r)).best }),
    worstSource: t.field({ type: RetrospectiveSourceRef, nullable: true, description: 'null unless two sources have spend.', resolve: async (r) => bestAndWorst(await sources(r)).worst }),
    pareto: t.field({ type: RetrospectiveParetoRef, resolve: (r) => r.pareto() }),
    newBuyers: t.int({
      description: "Buyers of the campaign whose first payment ever falls inside the campaign window (as Metrics.buyerMix for the campaign), counted from the campaign's orders up to 10,000 paid orders. Past that, the customers of its shops whose first payment ever falls inside the window, also those who did not buy through the campaign (at most the buyers).",
      resolve: async (r) => (await r.buyerMix()).newBuyers,
    }),
    returningBuyers: t.int({ description: 'Buyers of the campaign who had paid before it: buyers − new buyers.', resolve: async (r) => (await r.buyerMix()).returningBuyers }),
    newBuyerShare: t.float({
      nullable: true,
      description: 'new buyers / buyers; null without buyers.',
      resolve: async (r) => {
        const mix = await r.buyerMix();
        return mix.buyers > 0 ? mix.newBuyers / mix.buyers : null;
      },
    }),
    refundsByReason: t.field({ type: [RefundReasonRef], description: 'The largest refunded amount first.', resolve: (r) => r.refundsByReason() }),
    milestones: t.field({ type: [RetrospectiveMilestoneRef], resolve: (r) => r.milestones() }),
    alerts: t.field({
      type: [RetrospectiveAlertRef],
      description: "Alerts raised during the campaign about it or its shops, oldest first.",
      resolve: (r) => r.alerts(),
    }),
    medianSecondsToAcknowledge: t.int({ nullable: true, resolve: (r) => r.medianSecondsTo('acknowledge') }),
    incidents: t.field({ type: RetrospectiveIncidentsRef, resolve: (r) => r.incidents() }),
    medianSecondsToResolve: t.int({ nullable: true, resolve: (r) => r.medianSecondsTo('resolve') }),
    lessons: t.string({
      nullable: true,
      skipTypeScopes: true,
      description: 'Lessons learned, kept for the next campaign. Null to a caller who sees the campaign in part (Campaign.partial): they are written of the whole campaign.',
      resolve: async (r) => (await r.lessons())?.lessons || null,
    }),
    lessonsUpdatedBy: t.string({ nullable: true, skipTypeScopes: true, resolve: async (r) => (await r.lessons())?.updatedBy ?? null }),
    lessonsUpdatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      skipTypeScopes: true,
      description: 'When the lessons were last written; null until they are. Send it back as `writeRetrospectiveLessons`\'s `expectedUpdatedAt`.',
      resolve: async (r) => (await r.lessons())?.updatedAt ?? null,
    }),
    exportPath: t.string({
      description: 'GET this path with the Authorization header for the retrospective as an XLSX workbook.',
      resolve: (r) => exportPathOf(r.campaign.id),
    }),
  }),
});

builder.objectField(CampaignRef, 'retrospective', (t) =>
  t.field({
    type: RetrospectiveRef,
    description: '复盘 of this campaign (figures so far while it runs).',
    resolve: (campaign, _args, ctx) => {
      const now = ctx.now();
      return new Retrospective(ctx.db, ctx.viewer, campaign, now, minuteRollupsKeptFrom(now, ctx.retention));
    },
  }),
);

const WriteLessonsInput = builder.inputType('WriteRetrospectiveLessonsInput', {
  fields: (t) => ({
    campaignId: t.globalID({ for: CampaignRef, required: true }),
    lessons: t.string({ required: true, description: 'An empty text clears them.' }),
    expectedUpdatedAt: t.field({
      type: 'DateTime',
      description:
        'The `lessonsUpdatedAt` the editor loaded. Given, the lessons are written only if they are stored and nobody has written them since; otherwise userError CONFLICT (naming who wrote them and when, Asia/Shanghai) and nothing is written. Omitted or null: no check, the last write wins.',
    }),
  }),
});

builder.mutationFields((t) => ({
  writeRetrospectiveLessons: t.field({
    type: payloadType('WriteRetrospectiveLessonsPayload', 'retrospective', RetrospectiveRef),
    description: 'Writes the lessons learned of a campaign (MANAGE, the caller\'s campaigns only).',
    args: { input: t.arg({ type: WriteLessonsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => {
        const now = ctx.now();
        return writeRetrospectiveLessons(ctx.db, ctx.viewer, { ...input, campaignId: input.campaignId.id }, now, minuteRollupsKeptFrom(now, ctx.retention));
      }),
  }),
}));
