import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { fenToYuan } from '../../lib/money.js';
import { ShopRef } from '../shop/shop.schema.js';
import {
  CAMPAIGN_STATUSES,
  campaignStatus,
  createCampaign,
  deleteCampaign,
  listCampaigns,
  loadCampaigns,
  updateCampaign,
} from './campaign.service.js';
import { conversionTargetOf, CONVERSION_TARGET_DEFAULT_BP, type CampaignRow } from './campaign.table.js';

/** The default target as the API states it (0.03), from the column's own default. */
const DEFAULT_TARGET = conversionTargetOf({ conversionTargetBp: CONVERSION_TARGET_DEFAULT_BP });

export const CampaignStatusEnum = builder.enumType('CampaignStatus', {
  description: 'Derived from the campaign window and the current time; CANCELLED once cancelled.',
  values: CAMPAIGN_STATUSES,
});

const CampaignShopTargetRef = builder.objectRef<{ shopId: string; gmvTargetFen: number }>('CampaignShopTarget').implement({
  description: 'One shop’s part of a campaign’s GMV target (目标拆解).',
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (s) => s.shopId }),
    gmvTarget: t.field({ type: 'Decimal', description: 'In yuan.', resolve: (s) => fenToYuan(s.gmvTargetFen) }),
  }),
});

const CampaignShopTargetInput = builder.inputType('CampaignShopTargetInput', {
  fields: (t) => ({
    shopId: t.globalID({ for: ShopRef, required: true }),
    gmvTarget: t.field({ type: 'Decimal', required: true, description: 'In yuan, above zero.' }),
  }),
});

const SHOP_TARGETS_DESCRIPTION =
  '目标拆解: each shop’s part of gmvTarget, every shop of the campaign once, adding up exactly to gmvTarget. Staff and partners over only some of the shops see the campaign (their part) once it is split.';

export const CampaignRef = builder.loadableNode('Campaign', {
  description: '大促活动: a sales campaign with a window, a GMV target and milestones.',
  id: uuidNodeId<CampaignRow>(),
  load: (ids: string[], ctx) => loadCampaigns(ctx.db, ctx.viewer, ids),
  sort: (campaign) => campaign.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    theme: t.exposeString('theme', { nullable: true, description: 'e.g. 满300减50' }),
    status: t.field({ type: CampaignStatusEnum, resolve: (c, _args, ctx) => campaignStatus(c, ctx.now()) }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    gmvTarget: t.field({
      type: 'Decimal',
      description: 'GMV target in yuan; for a caller who sees only some of its shops (partial), their shops’ part of it.',
      resolve: (c) => fenToYuan(c.gmvTargetFen),
    }),
    conversionTarget: t.float({
      nullable: true,
      description:
        `目标转化率: the conversion (buyers / visitors, in [0, 1]) the campaign plans for, by which the war room moves ad budget between traffic sources. ${DEFAULT_TARGET} (the manuals’ order conversion target) unless set; null: none.`,
      resolve: conversionTargetOf,
    }),
    hourlyShape: t.floatList({
      nullable: true,
      description: 'Relative weight of each Asia/Shanghai hour (0–23) in the plan curve; null means the default Double 11 shape.',
      resolve: (c) => c.hourlyShape,
    }),
    shops: t.field({ type: [ShopRef], description: 'The shops it runs in; for a partial caller, theirs only.', resolve: (c) => c.shopIds }),
    shopTargets: t.field({
      type: [CampaignShopTargetRef],
      nullable: true,
      description:
        '目标拆解: each shop’s part of the GMV target, adding up to it; null when the target is not split. A caller over only some of the campaign’s shops sees the campaign (their part of it) only when it is split.',
      resolve: (c) => (c.shopTargetsFen ? c.shopIds.map((shopId) => ({ shopId, gmvTargetFen: c.shopTargetsFen?.[shopId] ?? 0 })) : null),
    }),
    partial: t.boolean({
      description:
        'True when the caller sees only some of the campaign’s shops: shops, gmvTarget, shopTargets, progress, metrics and the retrospective are their part (their shops’ orders against their shops’ targets). Changes need a caller over all its shops.',
      resolve: (c) => c.partial === true,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  campaign: t.field({
    type: CampaignRef,
    nullable: true,
    args: { id: t.arg.globalID({ for: CampaignRef, required: true }) },
    resolve: (_root, { id }) => id.id,
  }),
  campaigns: t.connection({
    type: CampaignRef,
    description: 'Campaigns the caller may see, latest start first.',
    args: { status: t.arg({ type: CampaignStatusEnum }) },
    resolve: (_root, { status, ...args }, ctx) => listCampaigns(ctx.db, ctx.viewer, { status, now: ctx.now() }, args),
  },
    { name: 'CampaignConnection' },
    { name: 'CampaignEdge' },
  ),
}));

const CreateCampaignInput = builder.inputType('CreateCampaignInput', {
  fields: (t) => ({
    requestId: t.string({ description: 'Makes a retry safe (a double tap, a lost answer): the same requestId from the same credential creates once and answers again with what it made; with different input it is refused (CONFLICT). At most 200 characters.' }),
    name: t.string({ required: true }),
    theme: t.string(),
    startsAt: t.field({ type: 'DateTime', required: true }),
    endsAt: t.field({ type: 'DateTime', required: true }),
    gmvTarget: t.field({ type: 'Decimal', required: true }),
    conversionTarget: t.float({ description: `目标转化率 in (0, 1], at most two decimals of a percent (0.0325); omitted: ${DEFAULT_TARGET}; null: none.` }),
    shopIds: t.globalIDList({ for: ShopRef, required: true }),
    hourlyShape: t.floatList({ description: '24 non-negative weights, one per Asia/Shanghai hour.' }),
    shopTargets: t.field({ type: [CampaignShopTargetInput], description: `${SHOP_TARGETS_DESCRIPTION} Omitted or null: not split.` }),
  }),
});

const DeleteCampaignInput = builder.inputType('DeleteCampaignInput', {
  fields: (t) => ({ id: t.globalID({ for: CampaignRef, required: true }) }),
});

const UpdateCampaignInput = builder.inputType('UpdateCampaignInput', {
  fields: (t) => ({
    id: t.globalID({ for: CampaignRef, required: true }),
    name: t.string(),
    theme: t.string(),
    startsAt: t.field({ type: 'DateTime' }),
    endsAt: t.field({ type: 'DateTime' }),
    gmvTarget: t.field({ type: 'Decimal' }),
    conversionTarget: t.float({ description: '目标转化率 in (0, 1]; null clears it. Part of an ended campaign’s record.' }),
    shopIds: t.globalIDList({ for: ShopRef }),
    hourlyShape: t.floatList(),
    shopTargets: t.field({
      type: [CampaignShopTargetInput],
      description: `${SHOP_TARGETS_DESCRIPTION} Omitted: unchanged (a change of shops or target must then give it again); null or []: no split.`,
    }),
    cancelled: t.boolean({ description: 'true cancels the campaign; false reinstates it.' }),
  }),
});

// null (remove the split) stays null, apart from an omitted field (leave it as it is).
const shopTargetsOf = (targets: { shopId: { id: string }; gmvTarget: string }[] | null | undefined) =>
  targets == null ? targets : targets.map((target) => ({ shopId: target.shopId.id, gmvTarget: target.gmvTarget }));

builder.mutationFields((t) => ({
  createCampaign: t.field({
    type: payloadType('CreateCampaignPayload', 'campaign', CampaignRef),
    args: { input: t.arg({ type: CreateCampaignInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createCampaign(ctx.db, ctx.viewer, { ...input, shopIds: input.shopIds.map((id) => id.id), shopTargets: shopTargetsOf(input.shopTargets) })),
  }),
  deleteCampaign: t.field({
    type: payloadType('DeleteCampaignPayload', 'campaign', CampaignRef),
    description:
      'Removes a campaign made by mistake, with its milestones, alert settings and lessons, while nothing (no order, visit, spend entry or alert) is attributed to it; otherwise CONFLICT: it is a record, cancelled (before its end) and kept. Answers with the campaign as it was. Needs a caller over all its shops.',
    args: { input: t.arg({ type: DeleteCampaignInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => deleteCampaign(ctx.db, ctx.viewer, input.id.id, ctx.now())),
  }),
  updateCampaign: t.field({
    type: payloadType('UpdateCampaignPayload', 'campaign', CampaignRef),
    args: { input: t.arg({ type: UpdateCampaignInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        updateCampaign(
          ctx.db,
          ctx.viewer,
          { ...input, id: input.id.id, shopIds: input.shopIds?.map((id) => id.id), shopTargets: shopTargetsOf(input.shopTargets) },
          ctx.now(),
        ),
      ),
  }),
}));
