import { createContextCache } from '@pothos/core';
import { Repeater } from 'graphql-yoga';
import { loadCampaignRuleSettings } from '../alert/rules/settings-in-force.js';
import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import type { Context } from '../../context.js';
import { CampaignRef } from './campaign.schema.js';
import { loadCampaigns, requireScopeCampaign } from './campaign.service.js';
import { SYSTEM } from '../../auth/viewer.js';
import { seesCampaign } from './campaign.part.js';
import type { DbOrTx } from '../../db/client.js';
import { forbidden, notFound } from '../../errors.js';
import {
  createMilestone,
  isOverdue,
  loadMilestones,
  overdueAt,
  MAX_MILESTONES_PER_CAMPAIGN,
  milestonesOfCampaigns,
  responsePlanDueAt,
  isResponsePlanOverdue,
  updateMilestone,
  type AnnounceMilestone,
  type MilestoneChange,
} from './milestone.service.js';
import { MILESTONE_STATUSES, RISK_LEVELS, type CampaignRow, type MilestoneRow } from './campaign.table.js';

export const MilestoneStatusEnum = builder.enumType('MilestoneStatus', { values: MILESTONE_STATUSES });
export const RiskLevelEnum = builder.enumType('RiskLevel', {
  description: '风险预警 level. HIGH requires a response plan (风险应对方案) within 24 hours.',
  values: RISK_LEVELS,
});

/** The campaign rules' settings, read once per request (or live message): never a read per milestone. */
const deadlineSettings = createContextCache((ctx: Context) => loadCampaignRuleSettings(ctx.db, ['MILESTONE_OVERDUE', 'HIGH_RISK_WITHOUT_PLAN']));

/** A milestone's deadlines as the alert engine judges them, resolved for its campaign (alert/rules). */
async function deadlinesOf(ctx: Context, m: MilestoneRow): Promise<{ graceMinutes: number; planHours: number }> {
  const settings = await deadlineSettings(ctx);
  return {
    graceMinutes: settings.resolve('MILESTONE_OVERDUE', { campaignId: m.campaignId }).threshold,
    planHours: settings.resolve('HIGH_RISK_WITHOUT_PLAN', { campaignId: m.campaignId }).threshold,
  };
}

export const MilestoneRef = builder.loadableNode('Milestone', {
  description: '关键节点: a dated deliverable of a campaign with an owner and a completion standard.',
  id: uuidNodeId<MilestoneRow>(),
  load: (ids: string[], ctx) => loadMilestones(ctx.db, ctx.viewer, ids),
  sort: (milestone) => milestone.id,
  fields: (t) => ({
    campaign: t.field({ type: CampaignRef, resolve: (m) => m.campaignId }),
    name: t.exposeString('name'),
    owner: t.exposeString('owner'),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    completionStandard: t.exposeString('completionStandard', { description: '完成标准, e.g. "page loads in under 3 s".' }),
    status: t.expose('status', { type: MilestoneStatusEnum }),
    riskLevel: t.expose('riskLevel', { type: RiskLevelEnum }),
    responsePlan: t.exposeString('responsePlan', { nullable: true }),
    actualSituation: t.exposeString('actualSituation', { nullable: true, description: '实际情况: what actually happened, or where it stands now.' }),
    highRiskSince: t.expose('highRiskSince', { type: 'DateTime', nullable: true }),
    responsePlanDueAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'When a HIGH risk without a response plan must have one: 24 h after it became HIGH, or the HIGH_RISK_WITHOUT_PLAN hours set for its campaign (the alert fires once past it). Null once the milestone is DONE.',
      resolve: async (m, _args, ctx) => responsePlanDueAt(m, (await deadlinesOf(ctx, m)).planHours),
    }),
    responsePlanOverdue: t.boolean({
      description: 'Not DONE, HIGH risk, no response plan, and its hours (responsePlanDueAt) are up: what HIGH_RISK_WITHOUT_PLAN alerts.',
      resolve: async (m, _args, ctx) => isResponsePlanOverdue(m, ctx.now(), (await deadlinesOf(ctx, m)).planHours),
    }),
    overdue: t.boolean({
      description: 'Not DONE and past overdueAt (its due time plus the MILESTONE_OVERDUE grace): what the alert calls overdue.',
      resolve: async (m, _args, ctx) => isOverdue(m, ctx.now(), (await deadlinesOf(ctx, m)).graceMinutes),
    }),
    overdueAt: t.field({
      type: 'DateTime',
      description: 'When it counts as overdue if not DONE by then: dueAt plus the MILESTONE_OVERDUE grace set for its campaign (0 by default), when that alert fires.',
      resolve: async (m, _args, ctx) => overdueAt(m, (await deadlinesOf(ctx, m)).graceMinutes),
    }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.objectField(CampaignRef, 'milestones', (t) =>
  t.loadableList({
    type: MilestoneRef,
    description: 'Milestones, soonest due first.',
    load: (campaignIds: string[], ctx) => milestonesOfCampaigns(ctx.db, ctx.viewer, campaignIds),
    resolve: (campaign) => campaign.id,
  }),
);

const CreateMilestoneInput = builder.inputType('CreateMilestoneInput', {
  fields: (t) => ({
    requestId: t.string({ description: 'Makes a retry safe (a double tap, a lost answer): the same requestId from the same credential creates once and answers again with what it made; with different input it is refused (CONFLICT). At most 200 characters.' }),
    campaignId: t.globalID({ for: CampaignRef, required: true }),
    name: t.string({ required: true }),
    owner: t.string({ required: true }),
    dueAt: t.field({ type: 'DateTime', required: true }),
    completionStandard: t.string({ required: true }),
    status: t.field({ type: MilestoneStatusEnum }),
    riskLevel: t.field({ type: RiskLevelEnum }),
    responsePlan: t.string(),
    actualSituation: t.string(),
  }),
});

const UpdateMilestoneInput = builder.inputType('UpdateMilestoneInput', {
  fields: (t) => ({
    id: t.globalID({ for: MilestoneRef, required: true }),
    name: t.string(),
    owner: t.string(),
    dueAt: t.field({ type: 'DateTime' }),
    completionStandard: t.string(),
    status: t.field({ type: MilestoneStatusEnum }),
    riskLevel: t.field({ type: RiskLevelEnum }),
    responsePlan: t.string({ description: 'An empty string clears it (not allowed while the risk is HIGH).' }),
    actualSituation: t.string({ description: '实际情况; an empty string clears it.' }),
  }),
});

builder.mutationFields((t) => ({
  createMilestone: t.field({
    type: payloadType('CreateMilestonePayload', 'milestone', MilestoneRef),
    description: `Adds a milestone to a campaign. A campaign has at most ${MAX_MILESTONES_PER_CAMPAIGN} milestones; one more is refused with LIMIT_REACHED and nothing is written.`,
    args: { input: t.arg({ type: CreateMilestoneInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createMilestone(ctx.db, ctx.viewer, { ...input, campaignId: input.campaignId.id }, ctx.now(), milestoneAnnouncer(ctx))),
  }),
  updateMilestone: t.field({
    type: payloadType('UpdateMilestonePayload', 'milestone', MilestoneRef),
    args: { input: t.arg({ type: UpdateMilestoneInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateMilestone(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now(), milestoneAnnouncer(ctx))),
  }),
}));

/**
 * What the milestone service tells, once its write committed: every instance's screens get the whole row, and
 * the alert rules look again (a status, risk or plan changed: MILESTONE alerts may open or clear).
 */
function milestoneAnnouncer(ctx: Context): AnnounceMilestone {
  return (change, milestone) => {
    ctx.pubsub.publish('milestone:changed', { change, campaignId: milestone.campaignId, milestone: { ...milestone } });
    ctx.evaluateAlertsSoon();
  };
}

const DATE_FIELDS = ['dueAt', 'highRiskSince', 'completedAt', 'createdAt', 'updatedAt'] as const;

/** The published row back into a MilestoneRow; it crossed JSON (and maybe Redis). */
function milestoneFromMessage(data: Record<string, unknown>): MilestoneRow {
  const row = { ...data } as Record<string, unknown>;
  for (const field of DATE_FIELDS) row[field] = row[field] ? new Date(row[field] as string) : null;
  return row as unknown as MilestoneRow;
}

const MilestoneChangeEnum = builder.enumType('MilestoneChange', { values: ['CREATED', 'UPDATED'] as const });

type MilestoneChanged = { change: MilestoneChange; milestone: MilestoneRow };
/** What the stream yields: a change, or the refusal that ends it (raised by the field, as the ticker's failures are). */
type MilestoneMessage = MilestoneChanged | { refused: unknown };

const MilestoneChangedRef = builder.objectRef<MilestoneChanged>('MilestoneChanged').implement({
  description: 'A milestone of the campaign was created or changed, and how it is now.',
  fields: (t) => ({
    change: t.expose('change', { type: MilestoneChangeEnum }),
    milestone: t.field({ type: MilestoneRef, resolve: (c) => c.milestone }),
  }),
});

/** Keyed by the published message, which pubsub hands every subscriber alike: one read per change, not per screen. */
const campaignAtMessage = new WeakMap<object, Promise<CampaignRow | null>>();
function campaignAt(db: DbOrTx, message: { campaignId: string }): Promise<CampaignRow | null> {
  let shops = campaignAtMessage.get(message);
  if (!shops) {
    shops = loadCampaigns(db, SYSTEM, [message.campaignId]).then(([row]) => row ?? null);
    campaignAtMessage.set(message, shops);
  }
  return shops;
}

builder.subscriptionField('milestoneChanged', (t) =>
  t.field({
    type: MilestoneChangedRef,
    description: 'Every create or change of a milestone of this campaign, on any instance, after it committed: the board stays current without polling.',
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true }) },
    // A Repeater, not a generator: leaving ends it at once, where a generator's return() waited for the
    // campaign's next change (never, once it has ended) and kept the socket counted against the caps.
    subscribe: (_root, { campaignId }, ctx): AsyncIterable<MilestoneMessage> =>
      new Repeater<MilestoneMessage>(async (push, stop) => {
        // Refused before anything streams when the caller may not see the campaign (the stream's first
        // result is the error, as graphql-ws reports an operation refused).
        const campaign = await requireScopeCampaign(ctx.db, ctx.viewer, campaignId.id, ['campaignId']);
        const source = ctx.pubsub.subscribe('milestone:changed')[Symbol.asyncIterator]();
        void stop.then(() => source.return?.());
        for (let next = await source.next(); !next.done; next = await source.next()) {
          const message = next.value;
          if (message.campaignId !== campaign.id) continue;
          // updateCampaign may since have added a shop the caller does not see, hiding the campaign from them:
          // its shops are read again once per message for every subscriber (campaignAt), on the primary so
          // a lagging replica cannot let one through. The answer is the one subscribing now would get, and it
          // ends the stream.
          const seen = await campaignAt(ctx.db, message);
          if (!seen || !seesCampaign(ctx.viewer, seen)) {
            await push({ refused: ctx.viewer.shops === 'ALL' ? notFound('Campaign', ['campaignId']) : forbidden('Campaign', ['campaignId']) });
            break;
          }
          await push({ change: message.change, milestone: milestoneFromMessage(message.milestone) });
        }
        stop();
      }),
    resolve: (message: MilestoneMessage) => {
      if ('refused' in message) throw message.refused;
      return message;
    },
  }),
);
