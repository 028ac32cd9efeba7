import { describe, expect, it } from 'vitest';
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
