import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Distinct operation names kept as label values. Names come from callers (any document, and even an
 * unauthenticated one is parsed and validated before it is refused), so without a bound a caller
 * could grow every histogram by a series per name it invents; past it they count as `other`.
 */
export const MAX_OPERATION_NAMES = 200;
/** A GraphQL name, at most 64 characters; `params.operationName` is the caller's string, unchecked. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** Maps operation names to label values: the first MAX_OPERATION_NAMES valid names as they are, then `other`. */
export function operationNameLabels(max = MAX_OPERATION_NAMES): (name: string | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (name === undefined || name === 'Anonymous') return 'Anonymous';
    if (!OPERATION_NAME.test(name)) return 'invalid';
    if (seen.has(name)) return name;
    if (seen.size >= max) return 'other';
    seen.add(name);
    return name;
  };
}

/** What the live-topic and engine figures are read from, when Prometheus scrapes. */
export interface LiveStatsSources {
  ticker: { stats(): { topics: number; subscribers: number; computationsLastTick: number; ticks: number; failures: number; topicsFailed: number } };
  liveExecutions: { executions: number; directWrites: number };
  queryCount: () => number;
  alertEngine: { stats: { evaluations: number; consecutiveFailures: number; pointsExpiryFailures: number; rectificationSweepFailures: number } };
  /** The webhook dispatcher's failed claims and recordings in a row; 0 where none runs. */
  webhookFailuresInARow: () => number;
  /** False while the Redis pub/sub is unreachable (always true without REDIS_URL). */
  pubsubConnected: () => boolean;
  /** Rate-limit takes metered locally because Redis did not answer. */
  rateLimitLocalFallbacks: () => number;
  credentialCapLocalFallbacks: () => number;
  /** Heartbeats of the credential caps that Redis did not take whole. */
  credentialCapHeartbeatFailures: () => number;
}

export interface AppMetrics {
  /** Yoga's Prometheus plugin over our registry; /metrics itself is served by app.ts, beside /ready. */
  plugin: Plugin;
  /** One exposition: GraphQL operations and the peakops_* figures. */
  exposition(): Promise<{ contentType: string; body: string }>;
}

/** Seconds: from 5 ms (a cached page) to 10 s (an export-sized query). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The app's metrics, one registry per app (tests run several apps in one process): operations from
 * `@graphql-yoga/plugin-prometheus` (count, duration, errors by operation name and type) and the live
 * topics' work per tick, which must not grow with subscribers. Parse, validate and context phases,
 * summaries, deprecated-field and resolver metrics stay off: each is work on every request.
 */
export function createAppMetrics(sources: LiveStatsSources): AppMetrics {
  const registry = new Registry();
  const nameLabel = operationNameLabels();
  const labelNames = ['operationName', 'operationType'] as const;
  const operationLabels = (params: FillLabelsFnParams) => ({
    operationName: nameLabel(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });

  const plugin = usePrometheus({
    registry,
    endpoint: false,
    metrics: {
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_envelop_request_duration', help: 'Seconds executing a GraphQL operation (a subscription: its whole life)', labelNames, buckets: DURATION_BUCKETS },
        fillLabelsFn: operationLabels,
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: { name: 'graphql_envelop_error_result', help: 'Errors in GraphQL results, by the phase that raised them', labelNames: [...labelNames, 'phase'] },
        fillLabelsFn: (params: FillLabelsFnParams & { errorPhase?: string }) => ({ ...operationLabels(params), phase: params.errorPhase ?? 'unknown' }),
      }),
      // Operations per second are the duration histogram's _count: a separate counter would cost a second label lookup per request.
      graphql_envelop_request: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_yoga_http_duration: false,
    },
  });

  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  // A running total kept elsewhere, exposed as a counter (rate() over it gives per second).
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
  gauge('peakops_live_topics', 'Live topics with at least one subscriber', () => sources.ticker.stats().topics);
  gauge('peakops_live_subscribers', 'Live subscriptions on this instance', () => sources.ticker.stats().subscribers);
  gauge('peakops_live_topic_computations_last_tick', 'Topics recomputed in the newest tick so far (does not grow with subscribers)', () => sources.ticker.stats().computationsLastTick);
  counter('peakops_live_executions_total', 'Live messages executed (once per alike subscribers)', () => sources.liveExecutions.executions);
  counter('peakops_live_ticks_total', 'Live ticks run', () => sources.ticker.stats().ticks);
  counter('peakops_live_topic_failures_total', 'Live topic computations that failed (retried at the next tick)', () => sources.ticker.stats().failures);
  counter('peakops_live_topics_failed_total', 'Live topics that failed several ticks in a row and ended their subscriptions with the error', () => sources.ticker.stats().topicsFailed);
  counter('peakops_live_direct_writes_total', 'Live ticks written straight to a WebSocket or an event stream (SSE), past the per-subscriber chain', () => sources.liveExecutions.directWrites);
  counter('peakops_db_queries_total', 'Statements issued through drizzle', sources.queryCount);
  counter('peakops_alert_evaluations_total', 'Alert rule evaluations', () => sources.alertEngine.stats.evaluations);
  gauge('peakops_alert_evaluation_failures_consecutive', 'Alert evaluations failed in a row (/ready turns red past a bound)', () => sources.alertEngine.stats.consecutiveFailures);
  gauge('peakops_points_expiry_failures_consecutive', 'Points expiry runs failed in a row (/ready turns red past a bound)', () => sources.alertEngine.stats.pointsExpiryFailures);
  gauge('peakops_rectification_sweep_failures_consecutive', 'Daily rectification sweeps failed in a row (/ready turns red past a bound)', () => sources.alertEngine.stats.rectificationSweepFailures);
  gauge('peakops_pubsub_connected', '1 while the Redis pub/sub carries notices between instances (or no Redis is used); 0 while each instance hears only itself', () => (sources.pubsubConnected() ? 1 : 0));
  counter('peakops_credential_caps_local_fallbacks_total', 'Sockets and subscriptions counted against their credential\'s cap by this instance alone because Redis did not answer (a key may then hold one cap per instance)', sources.credentialCapLocalFallbacks);
  counter('peakops_credential_caps_heartbeat_failures_total', 'Heartbeats of the credential caps that Redis did not take whole (unreachable, or refusing a write, e.g. out of memory): other instances count this one\'s sockets as last written until one succeeds', sources.credentialCapHeartbeatFailures);
  counter('peakops_rate_limit_local_fallbacks_total', 'Requests metered by this instance\'s own bucket because Redis did not answer (a caller may then spend one budget per instance)', sources.rateLimitLocalFallbacks);
  gauge('peakops_webhook_dispatch_failures_consecutive', 'Webhook outbox claims and recordings failed in a row (/ready turns red past a bound)', sources.webhookFailuresInARow);

  return {
    plugin,
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
