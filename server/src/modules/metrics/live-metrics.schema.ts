import { builder } from '../../builder.js';
import type { Snapshot } from '../../realtime/ticker.js';
import { liveMetricsKey, liveMetricsSource, type LiveMetricsState } from './live-metrics.js';
import { MetricScopeInput, MetricsRef } from './metrics.schema.js';

const LiveMetricsRef = builder.objectRef<Snapshot<LiveMetricsState>>('LiveMetrics').implement({
  description: 'One message of a live metrics stream. The first message is the full current state.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence', {
      description: 'Per topic, increasing by one per message sent: a jump means a missed message — resubscribe to resync.',
    }),
    asOf: t.expose('asOf', { type: 'DateTime', description: 'When these figures were computed.' }),
    from: t.field({ type: 'DateTime', resolve: (s) => s.value.from }),
    to: t.field({ type: 'DateTime', resolve: (s) => s.value.to }),
    metrics: t.field({ type: MetricsRef, resolve: (s) => s.value.metrics }),
  }),
});

builder.subscriptionField('liveMetrics', (t) =>
  t.field({
    type: LiveMetricsRef,
    description:
      "Live metrics for a scope over the campaign's window (scope.campaignId) or the current Asia/Shanghai day. First message: the full state; then at most one per tick, only when something changed.",
    args: { scope: t.arg({ type: MetricScopeInput, required: true }) },
    subscribe: async (_root, { scope: input }, ctx) => {
      const scope = {
        shopIds: input.shopIds?.map((id) => id.id),
        campaignId: input.campaignId?.id,
        channels: input.channels,
        sources: input.sources,
      };
      return ctx.ticker.subscribe(liveMetricsKey(ctx.viewer, scope), await liveMetricsSource(ctx.db, ctx.viewer, scope));
    },
    resolve: (snapshot) => snapshot,
  }),
);
