import { builder } from '../../builder.js';
import { liveState, type Snapshot } from '../../realtime/ticker.js';
import { defaultLiveWindow, liveMetricsKey, liveMetricsSource, type LiveMetricsState } from './live-metrics.js';
import { MetricScopeInput, MetricsRef } from './metrics.schema.js';

const LiveWindowEnum = builder.enumType('LiveWindow', {
  description: 'The window of a live metrics stream.',
  values: {
    CAMPAIGN: { description: "The campaign's whole window (needs scope.campaignId)." },
    TODAY: { description: 'The current Asia/Shanghai day, rolling over at midnight; still scoped to the campaign if one is named.' },
  } as const,
});

const LiveMetricsRef = builder.objectRef<Snapshot<LiveMetricsState>>('LiveMetrics').implement({
  description: 'One message of a live metrics stream. The first message is the full current state.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence', {
      description: 'Per topic, increasing by one per message sent: a jump means a missed message — resubscribe to resync.',
    }),
    asOf: t.expose('asOf', {
      type: 'DateTime',
      description: 'The instant these figures describe: when they were computed, or, read from a replica that is behind, the commit time of the last transaction it replayed.',
    }),
    from: t.field({ type: 'DateTime', resolve: (s) => s.value.from }),
    to: t.field({ type: 'DateTime', resolve: (s) => s.value.to }),
    metrics: t.field({ type: MetricsRef, resolve: (s) => s.value.metrics }),
  }),
});

builder.subscriptionField('liveMetrics', (t) =>
  t.field({
    type: LiveMetricsRef,
    description:
      "Live metrics for a scope over the campaign's window (scope.campaignId) or the current Asia/Shanghai day (see `window`). First message: the full state; then at most one per tick when something changed, and the same state with a fresh asOf after a few quiet seconds (a heartbeat: a screen can tell a quiet feed from a stuck one).",
    args: {
      scope: t.arg({ type: MetricScopeInput, required: true }),
      window: t.arg({ type: LiveWindowEnum, description: 'Default: CAMPAIGN when scope.campaignId is set, else TODAY.' }),
    },
    subscribe: async (_root, { scope: input, window: requested }, ctx) => {
      const scope = {
        shopIds: input.shopIds?.map((id) => id.id),
        campaignId: input.campaignId?.id,
        channels: input.channels,
        sources: input.sources,
      };
      const window = requested ?? defaultLiveWindow(scope);
      return ctx.ticker.subscribe(liveMetricsKey(ctx.viewer, scope, window), await liveMetricsSource(ctx.readDb, ctx.viewer, scope, window, ctx.retention));
    },
    resolve: (message) => liveState(message),
  }),
);
