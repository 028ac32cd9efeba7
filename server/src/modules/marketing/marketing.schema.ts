import { builder } from '../../builder.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { MAX_SPEND_ENTRIES, recordSpend, type RecordSpendResult, type SpendError } from './marketing.service.js';
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
    campaignId: t.id({ description: 'Global Campaign id the spend is attributed to; the shop must take part.' }),
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
    message: t.exposeString('message'),
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
