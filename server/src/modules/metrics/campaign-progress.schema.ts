import { builder } from '../../builder.js';
import { fenToYuan } from '../../lib/money.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import type { CampaignRow } from '../campaign/campaign.table.js';
import { minuteRollupsKeptFrom } from '../history/history.retention.js';
import { ShopRef } from '../shop/shop.schema.js';
import { CampaignProgress, type DayFigures, type ProgressPoint, type ShopPart } from './campaign-progress.js';
import { MetricsRef } from './metrics.schema.js';
import { assertAskedWindow, metricsView, scopeConditions } from './metrics.service.js';

const yuan = (fen: number | null) => (fen === null ? null : fenToYuan(fen));

export const ProgressPointRef = builder.objectRef<ProgressPoint>('ProgressPoint').implement({
  description: 'One Asia/Shanghai hour of the campaign window: plan against actual GMV.',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'Start of the hour (the campaign start for a partial first hour).' }),
    plannedGmv: t.field({ type: 'Decimal', description: 'GMV planned for this hour, in yuan.', resolve: (p) => fenToYuan(p.plannedFen) }),
    cumulativePlannedGmv: t.field({
      type: 'Decimal',
      description: 'GMV planned from the campaign start to the end of this hour.',
      resolve: (p) => fenToYuan(p.cumulativePlannedFen),
    }),
    actualGmv: t.field({
      type: 'Decimal',
      nullable: true,
      description:
        'GMV of this hour so far; null for hours that have not started, and for a partial first or last hour outside countedFrom–countedTo (its minute rollups are past retention).',
      resolve: (p) => yuan(p.actualFen),
    }),
    cumulativeActualGmv: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'GMV from countedFrom to the end of this hour (or now); null where actualGmv is.',
      resolve: (p) => yuan(p.cumulativeActualFen),
    }),
  }),
});

const CampaignDayRef = builder.objectRef<DayFigures>('CampaignDayProgress').implement({
  description:
    "The campaign's current Asia/Shanghai day against that day's share of the plan: a campaign behind since its first day reads behind cumulatively while today may be selling above plan.",
  fields: (t) => ({
    date: t.expose('date', { type: 'Date', description: 'The day, Asia/Shanghai.' }),
    from: t.field({ type: 'DateTime', description: 'Where the day is counted from: its 00:00, or the campaign start on its first day.', resolve: (d) => d.from }),
    gmv: t.field({ type: 'Decimal', description: 'GMV of the campaign from `from` to now, refunds not deducted.', resolve: (d) => fenToYuan(d.gmvFen) }),
    plannedGmv: t.field({ type: 'Decimal', description: 'What the plan curve expects from `from` to now.', resolve: (d) => fenToYuan(d.plannedFen) }),
    pace: t.float({ nullable: true, description: 'gmv / plannedGmv (1 = on plan today); null while nothing of the day is planned.', resolve: (d) => d.pace }),
  }),
});

export const CampaignProgressRef = builder.objectRef<CampaignProgress>('CampaignProgress').implement({
  description:
    "Actual GMV of the campaign (orders attributed to it) against its target and plan curve. The plan spreads the target over the window by the campaign's hourly shape (default: a Double 11 day), linearly within each hour.",
  // Campaign.progress is reachable from updateCampaign's answer, which needs only MANAGE: figures need READ.
  // ProgressPoint is reached only through here and CampaignRetrospective, both scoped.
  authScopes: { read: true },
  fields: (t) => ({
    asOf: t.field({ type: 'DateTime', description: 'The instant these figures describe.', resolve: (p) => p.asOf }),
    gmv: t.field({
      type: 'Decimal',
      description: 'Actual GMV from the campaign start to now (or its end), refunds not deducted: over countedFrom–countedTo.',
      resolve: async (p) => fenToYuan(await p.actualFen()),
    }),
    countedFrom: t.field({
      type: 'DateTime',
      description:
        'Start of the first minute gmv and the curve count: the campaign start, rounded up to a whole minute. Later when the first minutes are older than the minute rollups kept (RETENTION_MINUTE_ROLLUPS_DAYS): the first whole hour.',
      resolve: (p) => p.counted.from,
    }),
    countedTo: t.field({
      type: 'DateTime',
      description:
        'End of the last minute counted (exclusive): now or the campaign end, rounded up to a whole minute. Earlier when the last minutes are older than the minute rollups kept: the last whole hour.',
      resolve: (p) => p.counted.to,
    }),
    target: t.field({ type: 'Decimal', description: 'The GMV target.', resolve: (p) => fenToYuan(p.campaign.gmvTargetFen) }),
    achievementRate: t.float({
      description: '达成率 = gmv / target. Not capped: above 1 once the target is beaten.',
      resolve: async (p) => (await p.figures()).achievementRate,
    }),
    plannedGmv: t.field({
      type: 'Decimal',
      description: 'GMV the plan expects by now: the target times the planned share of the window elapsed.',
      resolve: async (p) => fenToYuan((await p.figures()).plannedFen),
    }),
    pace: t.float({
      nullable: true,
      description: 'Actual cumulative GMV / planned cumulative GMV at this moment (1 = on plan); null before anything is planned.',
      resolve: async (p) => (await p.figures()).pace,
    }),
    projectedGmv: t.field({
      type: 'Decimal',
      nullable: true,
      description: 'Final GMV if the campaign keeps its pace: gmv / planned share elapsed. Null before anything is planned; the actual GMV once the campaign has ended.',
      resolve: async (p) => yuan((await p.figures()).projectedFen),
    }),
    remaining: t.field({
      type: 'Decimal',
      description: 'target − gmv, never below 0.',
      resolve: async (p) => fenToYuan((await p.figures()).remainingFen),
    }),
    requiredPace: t.float({
      nullable: true,
      description:
        'What the rest of the window must sell at to reach the target, as a multiple of the plan: remaining / (target − plannedGmv). 1.25 = a quarter above the plan for every hour left; 0 once the target is reached; null once the campaign has ended short of it, or when no planned hour is left while GMV is short.',
      resolve: async (p) => (await p.figures()).requiredPace,
    }),
    today: t.field({
      type: CampaignDayRef,
      nullable: true,
      description: "Today (Asia/Shanghai) against today's share of the plan; null before the start and once the campaign has ended.",
      resolve: (p) => p.today(),
    }),
    curve: t.field({
      type: [ProgressPointRef],
      description: 'One point per Asia/Shanghai hour of the campaign window.',
      resolve: (p) => p.curve(),
    }),
  }),
});

export const CampaignShopPartRef = builder.objectRef<ShopPart>('CampaignShopPart').implement({
  description:
    'One shop’s part of a split campaign (目标拆解): its part of the target and its progress against it, the figures a caller over that shop alone reads in Campaign.progress.',
  // Figures, like CampaignProgress: Campaign is reachable from updateCampaign's answer, which needs only MANAGE.
  authScopes: { read: true },
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (part) => part.shopId }),
    gmvTarget: t.field({ type: 'Decimal', description: 'The shop’s part of the GMV target, in yuan (its shopTargets entry).', resolve: (part) => fenToYuan(part.progress.campaign.gmvTargetFen) }),
    progress: t.field({
      type: CampaignProgressRef,
      description: 'GMV of the shop’s orders attributed to the campaign against its part of the target and of the plan curve: achievementRate, pace, plannedGmv, projectedGmv.',
      resolve: (part) => part.progress,
    }),
  }),
});

/**
 * The progress a live tick computed for this very row (live-campaign-progress.schema.ts). A stream's
 * `campaign { shopParts }` then describes the tick's instant, as its `progress` does, and the topic's
 * subscribers share one grouped query per tick instead of asking one each per message.
 */
const tickProgress = new WeakMap<CampaignRow, CampaignProgress>();
export function rememberTickProgress(progress: CampaignProgress): void {
  tickProgress.set(progress.campaign, progress);
}

builder.objectFields(CampaignRef, (t) => ({
  shopParts: t.field({
    type: [CampaignShopPartRef],
    nullable: true,
    description:
      'Beside shopTargets: each shop’s part of a split campaign with its progress against its own target and plan, in the order of shopTargets; null when the target is not split. A partial caller gets their shops’ parts only.',
    resolve: (campaign, _args, ctx) => {
      const now = ctx.now();
      return (tickProgress.get(campaign) ?? new CampaignProgress(ctx.db, ctx.viewer, campaign, now, minuteRollupsKeptFrom(now, ctx.retention))).shopParts();
    },
  }),
  progress: t.field({
    type: CampaignProgressRef,
    description: 'Actual GMV, achievement rate, pace against plan and projected final GMV, as of now.',
    resolve: (campaign, _args, ctx) => {
      const now = ctx.now();
      return new CampaignProgress(ctx.db, ctx.viewer, campaign, now, minuteRollupsKeptFrom(now, ctx.retention));
    },
  }),
  metrics: t.field({
    type: MetricsRef,
    description: "Metrics of the orders and traffic attributed to this campaign; the window defaults to the campaign's.",
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (campaign, { from, to }, ctx) => {
      const now = ctx.now();
      const scope = scopeConditions(ctx.viewer, { campaignId: campaign.id });
      const window = { from: from ?? campaign.startsAt, to: to ?? campaign.endsAt };
      if (from || to) assertAskedWindow(window.from, window.to);
      return metricsView(ctx.db, scope, window.from, window.to, now, minuteRollupsKeptFrom(now, ctx.retention));
    },
  }),
}));
