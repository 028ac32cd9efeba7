import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

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
  id: string;
  rule: string;
  severity: string;
  shopId: string | null;
  campaignId: string | null;
  subject: string;
  message: string;
  raisedAt: string;
  dedupeKey: string;
  status: string;
  value: number | null;
  threshold: number | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  updatedAt: string;
}

export type AppPubSub = ReturnType<typeof createPubSub<Topics>>;

/**
 * In-process pub/sub, or through Redis when REDIS_URL is set, so subscribers on any instance hear of
 * events ingested on any other.
 */
export function createAppPubSub(redisUrl?: string): { pubsub: AppPubSub; close(): Promise<void> } {
  if (!redisUrl) return { pubsub: createPubSub<Topics>(), close: async () => {} };
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget }),
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
