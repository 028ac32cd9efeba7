import { shopsKey, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../../lib/time.js';
import type { TopicSource } from '../../realtime/ticker.js';
import { DomainError } from '../../errors.js';
import { minuteRollupsKeptFrom, type RetentionSettings } from '../history/history.retention.js';
import { requireScopeCampaign } from '../campaign/campaign.service.js';
import { assertScopeShops, metricsView, scopeConditions, type MetricScopeInput, type MetricsView } from './metrics.service.js';

/** CAMPAIGN: the campaign's whole window; TODAY: the current Asia/Shanghai day (still scoped to the campaign if one is named). */
export type LiveWindow = 'CAMPAIGN' | 'TODAY';

export interface LiveMetricsState {
  from: Date;
  to: Date;
  metrics: MetricsView;
}

/**
 * The topic key of a live scope: the same scope seen by viewers with the same shops is one topic.
 * Lists are sorted and deduplicated so `[A, B]` and `[B, A]` share a topic.
 */
export function liveMetricsKey(viewer: Viewer, scope: MetricScopeInput, window: LiveWindow): string {
  const sorted = (list?: readonly string[] | null) => (list?.length ? [...new Set(list)].sort() : null);
  return JSON.stringify({
    topic: 'metrics',
    window,
    shopIds: sorted(scope.shopIds),
    campaignId: scope.campaignId ?? null,
    channels: sorted(scope.channels),
    sources: sorted(scope.sources),
    viewerShops: shopsKey(viewer),
  });
}

/** The window a live stream gets when the subscriber names none: the campaign's if the scope has one. */
export function defaultLiveWindow(scope: MetricScopeInput): LiveWindow {
  return scope.campaignId ? 'CAMPAIGN' : 'TODAY';
}

/**
 * The window is the campaign's (CAMPAIGN) or the current Asia/Shanghai day (TODAY), which rolls over
 * at midnight (a new window is itself a change, so it produces a message).
 */
export async function liveMetricsSource(
  db: DbOrTx,
  viewer: Viewer,
  scope: MetricScopeInput,
  window: LiveWindow,
  retention: Pick<RetentionSettings, 'minuteRollupsDays'>,
): Promise<TopicSource<LiveMetricsState>> {
  assertScopeShops(viewer, scope);
  const found = scope.campaignId ? await requireScopeCampaign(db, viewer, scope.campaignId, ['scope', 'campaignId']) : null;
  if (window === 'CAMPAIGN' && !found) {
    throw new DomainError('INVALID_INPUT', { en: 'window CAMPAIGN needs scope.campaignId', zh: 'window 为 CAMPAIGN 时需要 scope.campaignId' }, ['window']);
  }
  const campaign = window === 'CAMPAIGN' ? found : null;
  const conditions = scopeConditions(viewer, scope);
  return {
    async compute(now) {
      const today = shanghaiDate(now);
      const from = campaign ? campaign.startsAt : startOfShanghaiDay(today);
      const to = campaign ? campaign.endsAt : startOfShanghaiDay(addDays(today, 1));
      // An ended campaign can be watched too, months on: its ragged edges may be past the minute horizon.
      const metrics = metricsView(db, conditions, from, to, now, minuteRollupsKeptFrom(now, retention));
      // The figures of one tick, loaded once; every subscriber's fields reuse them. Overdue shipments
      // are a state of the orders, not of the rollups, so they are read (through their partial index)
      // each tick too: an order crossing its shop's deadline changes the stream without any new event.
      // Each shop's deadline is read with them (the scope's shops, the rule's few settings rows): per
      // topic and tick, never per subscriber, and uncached, so a threshold moved shows on the next tick.
      await Promise.all([metrics.totals(), metrics.unshippedOverdue()]);
      return { from, to, metrics };
    },
    async fingerprint(state) {
      const { all } = await state.metrics.totals();
      const { visitors, carters, buyers, ...counters } = all;
      return JSON.stringify([state.from, state.to, counters, visitors, carters, buyers, await state.metrics.unshippedOverdue()]);
    },
  };
}
