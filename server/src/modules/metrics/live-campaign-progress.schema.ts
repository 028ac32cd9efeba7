import { builder } from '../../builder.js';
import { liveState, type Snapshot, type TopicSource } from '../../realtime/ticker.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { requireCampaign, requireScopeCampaign } from '../campaign/campaign.service.js';
import { shopsKey } from '../../auth/viewer.js';
import { minuteRollupsKeptFrom } from '../history/history.retention.js';
import { CampaignProgress } from './campaign-progress.js';
import { CampaignProgressRef, rememberTickProgress } from './campaign-progress.schema.js';
import { MINUTE_MS } from '../../lib/time.js';

const LiveCampaignProgressRef = builder.objectRef<Snapshot<CampaignProgress>>('LiveCampaignProgress').implement({
  description: 'One message of a campaign progress stream. The first message is the full current state.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence', { description: 'Per topic, increasing by one per message: a jump means a missed message.' }),
    asOf: t.expose('asOf', { type: 'DateTime' }),
    campaign: t.field({ type: CampaignRef, resolve: (s) => s.value.campaign }),
    progress: t.field({ type: CampaignProgressRef, resolve: (s) => s.value }),
  }),
});

builder.subscriptionField('campaignProgress', (t) =>
  t.field({
    type: LiveCampaignProgressRef,
    description:
      'Live progress of a campaign against its target and plan. First message: the full state; then at most one per tick when the actual GMV changed, at least once a minute while pace and projection move with the plan, and the same state with a fresh asOf after a few quiet seconds (a heartbeat).',
    args: { campaignId: t.arg.globalID({ for: CampaignRef, required: true }) },
    subscribe: async (_root, { campaignId }, ctx) => {
      const campaign = await requireScopeCampaign(ctx.db, ctx.viewer, campaignId.id, ['campaignId']);
      const source: TopicSource<CampaignProgress> = {
        async compute(now) {
          // Re-read each tick: an edited target or window shows up without resubscribing.
          const current = await requireCampaign(ctx.readDb, ctx.viewer, campaign.id, ['campaignId']);
          const progress = new CampaignProgress(ctx.readDb, ctx.viewer, current, now, minuteRollupsKeptFrom(now, ctx.retention));
          await progress.actualFen(); // the one query per tick; subscribers' fields reuse it
          rememberTickProgress(progress); // and their campaign { shopParts }, asked once per tick when asked
          return progress;
        },
        async fingerprint(progress) {
          return `${await progress.actualFen()}|${Math.floor(progress.asOf.getTime() / MINUTE_MS)}`;
        },
      };
      return ctx.ticker.subscribe(`campaignProgress|${campaign.id}|${shopsKey(ctx.viewer)}`, source);
    },
    resolve: (message) => liveState(message),
  }),
);
