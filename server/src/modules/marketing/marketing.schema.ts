import { builder } from '../../builder.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { refusalMessageField } from '../../graphql/locale.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { fenToYuan } from '../../lib/money.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { listSpend, loadSpendEntries } from './marketing.list.js';
import { MAX_SPEND_ENTRIES, recordSpend, type RecordSpendResult, type SpendError } from './marketing.service.js';
import type { MarketingSpendRow } from './marketing.table.js';
import { voidSpend, type VoidSpendResult } from './marketing.void.js';

const MarketingSpendEntryInput = builder.inputType('MarketingSpendEntryInput', {
  description: 'One marketing spend entry (直通车, 引力魔方, 千川 …): money spent on a source of traffic for a shop. Checked on its own, so one bad entry does not fail the call.',
  fields: (t) => ({
    id: t.string({ required: true, description: "The producer's idempotency key, unique per shop (≤ 128 chars): replaying the entry changes nothing." }),
    shopId: t.id({ required: true, description: 'Global Shop id.' }),
    spentAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'When the money was spent: the start of the hour of an hourly ad report, or the instant. Counted in that minute, hour and Asia/Shanghai day; not more than 5 minutes in the future.',
    }),
    channel: t.field({ type: ChannelEnum, description: "Defaults to the shop's platform; must match it." }),
    source: t.field({ type: TrafficSourceEnum, required: true, description: 'The traffic source the money bought (PAID for 直通车/推广, SOCIAL for content and live-stream promotion …).' }),
    campaignId: t.id({ description: 'Global Campaign id the spend is attributed to: the shop must take part, spentAt must be inside the campaign window [startsAt, endsAt), and the campaign must not be cancelled (warm-up spend before a campaign is recorded without one).' }),
    amount: t.field({ type: 'Decimal', required: true, description: 'Yuan, above zero, at most two decimals.' }),
  }),
});

const RecordMarketingSpendInput = builder.inputType('RecordMarketingSpendInput', {
  fields: (t) => ({
    entries: t.field({ type: [MarketingSpendEntryInput], required: true, description: `At most ${MAX_SPEND_ENTRIES} entries; more is BAD_USER_INPUT and nothing is stored.` }),
  }),
});

const MarketingSpendErrorRef = builder.objectRef<SpendError>('MarketingSpendError').implement({
  description: 'Why one entry of the call was not accepted.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the entry in input.entries.' }),
    entryId: t.exposeString('entryId', { nullable: true }),
    field: t.exposeStringList('field', { description: 'Path of the offending field, e.g. ["input", "entries", "3", "amount"].' }),
    message: t.string(refusalMessageField),
    code: t.exposeString('code', {
      description: 'INVALID_INPUT, INVALID_AMOUNT, NOT_FOUND, FORBIDDEN (a shop outside the credential grant) or CONFLICT (an entry id reused for different content).',
    }),
  }),
});

const RecordMarketingSpendPayload = builder.objectRef<RecordSpendResult>('RecordMarketingSpendPayload').implement({
  description: 'When this returns, every accepted entry is durable and counted in Metrics.spend.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'New entries stored and counted.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Replays of entries already stored; they changed nothing.' }),
    userErrors: t.field({ type: [MarketingSpendErrorRef], resolve: (r) => r.userErrors }),
  }),
});

builder.mutationField('recordMarketingSpend', (t) =>
  t.field({
    type: RecordMarketingSpendPayload,
    skipTypeScopes: true,
    // An ad-platform export runs on an INGEST key; an operator types in a day's budget with MANAGE.
    authScopes: { ingest: true, manage: true },
    description:
      'Records marketing spend per shop, source and time (and optionally campaign); idempotent on (shop, MarketingSpendEntryInput.id). Feeds Metrics.spend and Metrics.roi (GMV / spend; ROI < 1 means pause the channel).',
    args: { input: t.arg({ type: RecordMarketingSpendInput, required: true }) },
    resolve: (_root, { input }, ctx) => recordSpend(ctx.db, ctx.viewer, input.entries, ctx.now(), ctx.announceCounted),
  }),
);

const MarketingSpendEntryKeyInput = builder.inputType('MarketingSpendEntryKeyInput', {
  description: 'A recorded spend entry: its shop and the id it was recorded under.',
  fields: (t) => ({
    shopId: t.id({ required: true, description: 'Global Shop id.' }),
    id: t.string({ required: true, description: 'The MarketingSpendEntryInput.id the entry was recorded with.' }),
  }),
});

const VoidMarketingSpendInput = builder.inputType('VoidMarketingSpendInput', {
  fields: (t) => ({
    entries: t.field({ type: [MarketingSpendEntryKeyInput], required: true, description: `At most ${MAX_SPEND_ENTRIES} entries.` }),
    reason: t.string({ required: true, description: 'Why the entries are void (1–500 characters), kept with them: e.g. "typed ¥50,000 for ¥5,000".' }),
  }),
});

const VoidMarketingSpendPayload = builder.objectRef<VoidSpendResult>('VoidMarketingSpendPayload').implement({
  description: 'When this returns, the voided entries count nowhere: Metrics.spend, ROI and the ROI alert read as if they had never been recorded.',
  fields: (t) => ({
    voided: t.exposeInt('voided', { description: 'Entries this call voided.' }),
    alreadyVoided: t.exposeInt('alreadyVoided', { description: 'Entries voided before, or named twice in the call: nothing changed for them.' }),
    userErrors: t.field({
      type: [MarketingSpendErrorRef],
      description: 'FORBIDDEN (a shop outside the credential grant), NOT_FOUND (no such shop, or no such entry in it) or INVALID_INPUT, by index in input.entries.',
      resolve: (r) => r.userErrors,
    }),
  }),
});

builder.mutationField('voidMarketingSpend', (t) =>
  t.field({
    type: VoidMarketingSpendPayload,
    skipTypeScopes: true,
    // Whoever may record spend may take back a wrong entry: the ad-platform export restating its figures (INGEST), an operator (MANAGE).
    authScopes: { ingest: true, manage: true },
    description:
      'Voids recorded spend entries (the caller\'s shops only): each stays stored, marked void with who, when and why, and its amount leaves Metrics.spend and ROI in the same transaction. Record the right figure under a new id; a voided id stays taken. Voiding twice changes nothing.',
    args: { input: t.arg({ type: VoidMarketingSpendInput, required: true }) },
    resolve: (_root, { input }, ctx) => voidSpend(ctx.db, ctx.viewer, input.entries, input.reason, ctx.now(), ctx.announceCounted),
  }),
);

const MarketingSpendEntryRef = builder.loadableNode('MarketingSpendEntry', {
  description: 'A recorded spend entry as stored, voided or not: a voided entry stays, marked with who voided it, when and why, and counts nowhere.',
  id: uuidNodeId<MarketingSpendRow>(),
  load: (ids: string[], ctx) => loadSpendEntries(ctx.db, ctx.viewer, ids),
  sort: (entry) => entry.id,
  fields: (t) => ({
    entryId: t.exposeString('entryId', { description: "The producer's id it was recorded under (MarketingSpendEntryInput.id): what voidMarketingSpend takes with the shop." }),
    shop: t.field({ type: ShopRef, resolve: (e) => e.shopId }),
    spentAt: t.expose('spentAt', { type: 'DateTime' }),
    channel: t.expose('channel', { type: ChannelEnum }),
    source: t.expose('source', { type: TrafficSourceEnum }),
    campaignId: t.globalID({
      nullable: true,
      description: 'Global Campaign id the spend is attributed to, as recorded; null when none.',
      resolve: (e) => (e.campaignId === null ? null : { type: CampaignRef, id: e.campaignId }),
    }),
    amount: t.field({ type: 'Decimal', description: 'Yuan, as recorded (a voided entry keeps its amount).', resolve: (e) => fenToYuan(e.amountFen) }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    voidedAt: t.expose('voidedAt', { type: 'DateTime', nullable: true, description: 'Null while the entry counts in Metrics.spend.' }),
    voidedBy: t.exposeString('voidedBy', { nullable: true, description: 'Who voided it (the user or key name).' }),
    voidReason: t.exposeString('voidReason', { nullable: true }),
  }),
});

const MarketingSpendFilter = builder.inputType('MarketingSpendFilter', {
  description: 'Conditions combine with AND; an omitted or empty list means no restriction.',
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef, description: "Only these shops; a shop outside the caller's grant is FORBIDDEN." }),
    from: t.field({ type: 'DateTime', description: 'spentAt at or after.' }),
    to: t.field({ type: 'DateTime', description: 'spentAt before (exclusive); after from.' }),
    sources: t.field({ type: [TrafficSourceEnum] }),
    campaignId: t.globalID({ for: CampaignRef }),
    voided: t.boolean({ description: 'true: only voided entries; false: only those that count; omitted or null: both.' }),
  }),
});

builder.queryField('marketingSpend', (t) =>
  t.connection(
    {
      type: MarketingSpendEntryRef,
      description: "Recorded spend entries of the caller's shops, voided ones included, newest spentAt first: where an operator finds the entry to void.",
      args: { filter: t.arg({ type: MarketingSpendFilter }) },
      resolve: (_root, { filter, ...args }, ctx) =>
        listSpend(ctx.db, ctx.viewer, { ...filter, shopIds: filter?.shopIds?.map((id) => id.id), campaignId: filter?.campaignId?.id }, args),
    },
    { name: 'MarketingSpendEntryConnection' },
    { name: 'MarketingSpendEntryEdge' },
  ),
);
