import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, Repeater, SlidingBuffer } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import { closeRedis, redisClient, type RedisReport } from '../lib/redis.js';

/**
 * Typed topics, `domain:event`. Payloads are plain JSON (they may cross Redis): ids and ISO strings.
 * `ingest:committed` tells every instance's ticker that rollups changed, so live topics recompute.
 */
export type Topics = {
  'ingest:committed': [{ at: string; accepted: number }];
  /** The whole alert, so subscribers need no database read to receive it. */
  'alert:raised': [AlertMessage];
  /** Every lifecycle change (raised, escalated, acknowledged, resolved), with the alert as it is after it. */
  'alert:changed': [AlertMessage & { change: string }];
  /** A milestone created or changed (the whole row, ISO dates), so a campaign's screens update without polling. */
  'milestone:changed': [{ change: 'CREATED' | 'UPDATED'; campaignId: string; milestone: Record<string, unknown> }];
  /** Sessions, users or keys revoked (`session:<id>`, `user:<id>`, `key:<id>`): caches forget them, sockets close. */
  'auth:revoked': [{ ids: string[] }];
};

export interface AlertMessage {
  /** The shops it concerns: its shop, or every shop of its campaign (absent in messages of older instances). */
  shopIds?: string[];
  /** A campaign's milestone alert that callers over some of its shops see too (the campaign is split: alert.service.ts). */
  seenInPart?: boolean;
  id: string;
  rule: string;
  severity: string;
  shopId: string | null;
  campaignId: string | null;
  subject: string;
  message: string;
  /** Absent in messages of instances older than English alert texts. */
  messageEn?: string | null;
  raisedAt: string;
  dedupeKey: string;
  status: string;
  value: number | null;
  threshold: number | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  updatedAt: string;
  /** The incident clock (alert.incident.ts); absent in messages of instances older than it. */
  criticalSince?: string | null;
  responseOverdueAt?: string | null;
  fixOverdueAt?: string | null;
}

export type AppPubSub = ReturnType<typeof createPubSub<Topics>>;

/**
 * How a service that counts (events, spend) tells every instance that rollups changed, once its
 * transaction has committed and only when it counted something: their live topics and alert rules
 * recompute on the next tick. `null` where nobody listens (a benchmark, or a caller's own transaction
 * that has not committed yet).
 */
export type AnnounceCounted = (accepted: number, at: Date) => void;

export function countedAnnouncer(pubsub: AppPubSub): AnnounceCounted {
  return (accepted, at) => pubsub.publish('ingest:committed', { at: at.toISOString(), accepted });
}

type EventTargetOf = NonNullable<NonNullable<Parameters<typeof createPubSub<Topics>>[0]>['eventTarget']>;

/**
 * Redis, and this process alone while Redis is unreachable. Through Redis an instance hears its own
 * events as every other instance does (they come back on its subscription); while Redis is down they
 * are delivered here directly instead of being lost, so this instance's screens still get their
 * ingest notices, alerts and milestones. The other instances miss them until Redis is back: live
 * figures catch up on their periodic refresh (LIVE_HEARTBEAT_MS); lists reload on reconnect.
 * Payloads go through JSON either way, so a subscriber sees the same shapes.
 */
function withLocalFallback(redis: EventTargetOf, publishClient: Redis): EventTargetOf {
  const local = new EventTarget();
  return {
    addEventListener(type, callback) {
      redis.addEventListener(type, callback);
      local.addEventListener(type, callback as EventListenerOrEventListenerObject);
    },
    removeEventListener(type, callback) {
      redis.removeEventListener(type, callback);
      local.removeEventListener(type, callback as EventListenerOrEventListenerObject);
    },
    dispatchEvent(event) {
      const json = JSON.stringify(event.detail);
      const here = () => void local.dispatchEvent(new CustomEvent(event.type, { detail: JSON.parse(json) as unknown }));
      if (publishClient.status === 'ready') publishClient.publish(event.type, json).catch(here);
      else here();
      return true;
    },
  };
}

/**
 * Messages one subscription may fall behind by before its oldest are dropped. Yoga's subscription has no
 * buffer: its 1,025th undelivered message threw inside the publisher's event dispatch, an uncaught
 * exception that ended the process (one evaluation resolving 1,100 alerts with a war room listening). A
 * feed that lags this far reloads its list when it reconnects.
 */
export const SUBSCRIBER_BACKLOG = 4_096;

/** Yoga's pub/sub with every subscription given its own bounded buffer (SUBSCRIBER_BACKLOG). */
function boundedPubSub(target: EventTargetOf): AppPubSub {
  const { publish } = createPubSub<Topics>({ eventTarget: target });
  function subscribe(routingKey: string, id?: string) {
    const topic = id === undefined ? routingKey : `${routingKey}:${id}`;
    return new Repeater<unknown>((push, stop) => {
      const listener = (event: CustomEvent) => void push(event.detail);
      target.addEventListener(topic, listener);
      void stop.then(() => target.removeEventListener(topic, listener));
    }, new SlidingBuffer(SUBSCRIBER_BACKLOG));
  }
  // The overloads of Yoga's typed subscribe; the topic names and payloads are checked by `Topics` at each call.
  return { publish, subscribe: subscribe as AppPubSub['subscribe'] };
}

/**
 * The subscribe client as the Redis event target uses it. The target never awaits SUBSCRIBE or UNSUBSCRIBE,
 * so one refused (AUTH failing on a wrong or rotated password) was an unhandled rejection that ended the
 * process, at start or mid-campaign. Here a refusal is reported, and a channel whose SUBSCRIBE was refused is
 * subscribed again when the client is next ready (ioredis resubscribes by itself only the channels Redis took).
 */
function resubscribing(client: Redis, report: RedisReport): Redis {
  const refusedChannels = new Set<string>();
  const reportRefusal = (command: string, error: Error) =>
    report({ message: `Redis (pub/sub subscriptions) refused ${command}: ${error.message}`, down: true });
  const subscribe = (channels: readonly string[]) =>
    client.subscribe(...channels).then(
      () => channels.forEach((channel) => refusedChannels.delete(channel)),
      (error: Error) => {
        channels.forEach((channel) => refusedChannels.add(channel));
        reportRefusal('SUBSCRIBE', error);
      },
    );
  client.on('ready', () => {
    if (refusedChannels.size > 0) void subscribe([...refusedChannels]);
  });
  // Only the two commands the target sends are wrapped; the rest (its 'message' listener) is the client itself.
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'subscribe') return (channel: string) => subscribe([channel]);
      if (property === 'unsubscribe') {
        return (channel: string) => {
          refusedChannels.delete(channel);
          return target.unsubscribe(channel).catch((error: Error) => reportRefusal('UNSUBSCRIBE', error));
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * In-process pub/sub, or through Redis when REDIS_URL is set, so subscribers on any instance hear of
 * events ingested on any other.
 */
export function createAppPubSub(redisUrl: string | undefined, report: RedisReport): { pubsub: AppPubSub; connected(): boolean; close(): Promise<void> } {
  if (!redisUrl) return { pubsub: boundedPubSub(new EventTarget() as EventTargetOf), connected: () => true, close: async () => {} };
  // Publishing never waits for a reconnect (withLocalFallback delivers here meanwhile). Subscribing
  // does: a channel subscribed while Redis is down is subscribed once it is back, never dropped.
  const publishClient = redisClient(redisUrl, 'pub/sub', { maxRetriesPerRequest: 3, enableOfflineQueue: false }, report);
  const subscribeClient = redisClient(redisUrl, 'pub/sub subscriptions', { maxRetriesPerRequest: null }, report);
  const eventTarget = withLocalFallback(createRedisEventTarget({ publishClient, subscribeClient: resubscribing(subscribeClient, report) }), publishClient);
  return {
    pubsub: boundedPubSub(eventTarget),
    connected: () => publishClient.status === 'ready' && subscribeClient.status === 'ready',
    async close() {
      await Promise.allSettled([closeRedis(publishClient), closeRedis(subscribeClient)]);
    },
  };
}
