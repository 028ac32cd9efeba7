import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { until } from '../../../e2e/support/stack.js';
import { hasRedisServer, startRedis } from '../../test/redis-server.js';
import { createAppPubSub, SUBSCRIBER_BACKLOG, type AlertMessage } from './pubsub.js';

const alert = (n: number): AlertMessage & { change: string } => ({
  change: 'RESOLVED',
  id: `a${n}`,
  rule: 'LOW_STOCK',
  severity: 'WARNING',
  status: 'RESOLVED',
  shopId: null,
  campaignId: null,
  subject: `SKU ${n}`,
  message: '',
  raisedAt: new Date(0).toISOString(),
  dedupeKey: `k${n}`,
  value: null,
  threshold: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  updatedAt: new Date(0).toISOString(),
});

describe('in-process pub/sub', () => {
  it('survives a burst larger than a subscriber can take at once, keeping the newest messages', async () => {
    const { pubsub } = createAppPubSub(undefined, () => {});
    const feed = pubsub.subscribe('alert:changed')[Symbol.asyncIterator]();
    const listening = feed.next(); // a subscription starts listening when first asked, as a resolver's is
    const burst = SUBSCRIBER_BACKLOG + 1_000;
    // One evaluation's changes are published in one synchronous loop; yoga's own subscription threw at its 1,025th.
    for (let n = 0; n < burst; n++) pubsub.publish('alert:changed', alert(n));
    expect((await listening).value!.id).toBe('a0');
    const received: string[] = [];
    for (let i = 0; i < SUBSCRIBER_BACKLOG; i++) received.push((await feed.next()).value!.id);
    expect(received[0]).toBe(`a${burst - SUBSCRIBER_BACKLOG}`);
    expect(received.at(-1)).toBe(`a${burst - 1}`);
    await feed.return?.();
  });

  it('lets a subscriber leave at once, with nothing published meanwhile', async () => {
    const { pubsub } = createAppPubSub(undefined, () => {});
    const feed = pubsub.subscribe('alert:raised')[Symbol.asyncIterator]();
    const waiting = feed.next();
    await feed.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});

describe.skipIf(!hasRedisServer())('pub/sub through Redis that refuses the password', () => {
  it('lives on, says so, and hears its channels once Redis lets it in (a wrong or rotated password ended the process)', async () => {
    const redis = await startRedis();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', 'the-new-one');
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    const reports: string[] = [];
    const app = createAppPubSub(redis.url.replace('redis://', 'redis://:the-old-one@'), (change) => reports.push(change.message));
    try {
      const feed = app.pubsub.subscribe('alert:changed')[Symbol.asyncIterator]();
      const first = feed.next();
      await until('the refusal reported', 10_000, () => reports.some((r) => r.includes('refused SUBSCRIBE') && r.includes('WRONGPASS')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(unhandled).toEqual([]);

      // The password the instance has becomes the right one (a rotation finished): it reconnects, subscribes
      // again, and hears what another instance publishes.
      await admin.config('SET', 'requirepass', 'the-old-one');
      await until('the client ready again', 15_000, () => app.connected());
      const other = new Redis(redis.url.replace('redis://', 'redis://:the-old-one@'));
      await until('a message heard on the channel', 10_000, async () => (await other.publish('alert:changed', JSON.stringify(alert(7)))) > 0);
      expect((await first).value!.id).toBe('a7');
      await feed.return?.();
      other.disconnect();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      await app.close();
      admin.disconnect();
      await redis.stop();
    }
  }, 60_000);
});
