import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { eq, sql } from 'drizzle-orm';
import { skus } from '../modules/product/product.table.js';
import { FAILURES_BEFORE_TELLING } from './ticker.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');
const LIVE = `subscription { liveMetrics(scope: {}) { sequence asOf from to metrics { gmv orders } } }`;
type Message = { sequence: number; asOf: string; from: string; to: string; metrics: { gmv: string; orders: number } };

/** A graphql-ws subscription (the library's own client) collecting messages as they arrive. */
function watch(client: Client, query = LIVE) {
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  const unsubscribe = client.subscribe<{ liveMetrics: Message }>(
    { query },
    {
      next: (result) => {
        if (result.data) messages.push(result.data.liveMetrics);
        waiters.splice(0).forEach((w) => w());
      },
      error: (error) => {
        throw error;
      },
      complete: () => {},
    },
  );
  const until = async (count: number) => {
    while (messages.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { messages, until, unsubscribe };
}

describeEachBackend('live metrics over graphql-ws', (backend) => {
  let server: TestServer;
  let clients: Client[];
  let shop: string;
  let shopRowId: string;
  let sku: string;

  beforeEach(async () => {
    const s = await insertShop(backend().db, '天猫店');
    shop = gid('Shop', s.id);
    shopRowId = s.id;
    sku = gid('Sku', (await insertSku(backend().db, s.id, 'S1', 19_900)).sku.id);
    // A long tick: the tests drive ticks themselves, so every count below is deterministic.
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 });
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.stop();
  });

  const connect = () => {
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: server.wsParams });
    clients.push(client);
    return client;
  };

  const pay = (orderId: string, amount: string) =>
    server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [{ id: `paid-${orderId}`, type: 'ORDER_PAID', occurredAt: '2026-11-11T11:00:00+08:00', shopId: shop, source: 'SEARCH', orderId, customerId: 'c1', amount, items: [{ skuId: sku, quantity: 1, unitPrice: amount }] }],
    });

  it('sends the full state first, then an update whose GMV matches the metrics query', async () => {
    await pay('O1', '199.00');
    const live = watch(connect());
    await live.until(1);
    expect(live.messages[0]).toMatchObject({ sequence: 1, from: '2026-11-10T16:00:00.000Z', to: '2026-11-11T16:00:00.000Z', metrics: { gmv: '199.00', orders: 1 } });

    await server.app.ticker.tick(); // nothing changed: no message
    await pay('O2', '1000.50');
    await server.app.ticker.tick();
    await live.until(2);
    const query = await server.gql(`{ metrics(scope: {}, from: "2026-11-10T16:00:00Z", to: "2026-11-11T16:00:00Z") { gmv orders } }`);
    expect(live.messages).toHaveLength(2);
    expect(live.messages[1]).toMatchObject({ sequence: 2, metrics: query.data.metrics });
    expect(query.data.metrics).toEqual({ gmv: '1199.50', orders: 2 });
  });

  it("gives a campaign's screen today's figures (window TODAY) next to the whole campaign (CAMPAIGN)", async () => {
    const campaign = await insertCampaign(backend().db, [shopRowId]);
    const id = gid('Campaign', campaign.id);
    const event = (orderId: string, amount: string, occurredAt: string, campaignId: string | null) => ({
      id: `paid-${orderId}`, type: 'ORDER_PAID', occurredAt, shopId: shop, source: 'SEARCH', orderId, customerId: 'c1', amount, campaignId,
      items: [{ skuId: sku, quantity: 1, unitPrice: amount }],
    });
    await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [
        event('Y1', '300.00', '2026-11-10T21:00:00+08:00', id), // the campaign, yesterday
        event('T1', '120.00', '2026-11-11T09:00:00+08:00', id), // the campaign, today
        event('T2', '999.00', '2026-11-11T10:00:00+08:00', null), // today, not the campaign's
      ],
    });
    const query = (window: string) => `subscription { liveMetrics(scope: { campaignId: "${id}" }${window}) { from to metrics { gmv orders } } }`;
    const today = watch(connect(), query(', window: TODAY'));
    const whole = watch(connect(), query(''));
    await Promise.all([today.until(1), whole.until(1)]);
    expect(today.messages[0]).toMatchObject({ from: '2026-11-10T16:00:00.000Z', to: '2026-11-11T16:00:00.000Z', metrics: { gmv: '120.00', orders: 1 } });
    expect(whole.messages[0]).toMatchObject({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-11T16:00:00.000Z', metrics: { gmv: '420.00', orders: 2 } });
    expect(server.app.ticker.stats().topics).toBe(2);

    const noCampaign = await new Promise<unknown>((resolve) =>
      connect().subscribe({ query: 'subscription { liveMetrics(scope: {}, window: CAMPAIGN) { sequence } }' }, { next: resolve, error: resolve, complete: () => {} }),
    );
    expect(JSON.stringify(noCampaign)).toContain('window CAMPAIGN needs scope.campaignId');
  });

  it('costs the database the same per tick for 1 and for 200 subscribers of one scope', async () => {
    const first = watch(connect());
    await first.until(1);
    // Each measured tick carries a real change, so every subscriber is sent (and resolves) a message.
    const queriesPerTick = async (orderId: string, watchers: ReturnType<typeof watch>[]) => {
      await pay(orderId, '50.00');
      const expected = watchers.map((w) => w.messages.length + 1);
      const start = backend().database.queryCount();
      await server.app.ticker.tick();
      await Promise.all(watchers.map((w, i) => w.until(expected[i]!)));
      return backend().database.queryCount() - start;
    };
    const alone = await queriesPerTick('A1', [first]);
    const crowd = [first, ...Array.from({ length: 199 }, () => watch(connect()))];
    await Promise.all(crowd.map((w) => w.until(1)));
    expect(server.app.ticker.stats()).toMatchObject({ topics: 1, subscribers: 200 });
    expect(await queriesPerTick('A2', crowd)).toBe(alone);
    expect(alone).toBeGreaterThan(0);
    expect(crowd.every((w) => w.messages.at(-1)!.metrics.orders === 2)).toBe(true);
  });

  it("reflects the database at each tick in nested fields too (a SKU's stock), loading them once per tick for all subscribers", async () => {
    const NESTED = `subscription { liveMetrics(scope: {}) { sequence metrics { orders topProducts { sku { code stock } } } } }`;
    type Nested = { metrics: { orders: number; topProducts: { sku: { code: string; stock: number } }[] } };
    await pay('S1', '199.00');
    const watchers = [watch(connect(), NESTED), watch(connect(), NESTED)];
    await Promise.all(watchers.map((w) => w.until(1)));
    const stockOf = (w: ReturnType<typeof watch>) => (w.messages.at(-1) as unknown as Nested).metrics.topProducts[0]!.sku.stock;
    expect(watchers.map(stockOf)).toEqual([99, 99]);

    // The stock drops (a warehouse correction), then an order arrives: the next message shows both.
    await backend().db.update(skus).set({ stock: 7 }).where(eq(skus.shopId, shopRowId));
    await pay('S2', '199.00');
    const start = backend().database.queryCount();
    await server.app.ticker.tick();
    await Promise.all(watchers.map((w) => w.until(2)));
    const queriesForTwo = backend().database.queryCount() - start;
    expect(watchers.map(stockOf)).toEqual([6, 6]);

    // A third subscriber adds no query to a tick: nested loads are shared per topic and tick.
    const third = watch(connect(), NESTED);
    await third.until(1);
    await pay('S3', '199.00');
    const again = backend().database.queryCount();
    await server.app.ticker.tick();
    await Promise.all([...watchers, third].map((w, i) => w.until(i < 2 ? 3 : 2)));
    expect(backend().database.queryCount() - again).toBe(queriesForTwo);
    expect(stockOf(third)).toBe(5);
  });

  it('tells a screen whose figures cannot be computed any more, and ends only that subscription', async () => {
    const client = connect();
    const received: { data?: unknown; errors?: readonly { message: string }[] }[] = [];
    let completed = false;
    client.subscribe({ query: LIVE }, { next: (r) => void received.push(r), error: (e) => void received.push({ errors: [{ message: String(e) }] }), complete: () => void (completed = true) });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    await pay('O1', '199.00');
    await server.app.ticker.tick();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    expect(server.app.liveExecutions.directWrites).toBe(1); // the second tick went straight to the socket

    // The rollups vanish under the topic (a botched migration, a dropped table): a tick or two may fail
    // quietly, a lasting failure reaches the screen as an error (masked), then the subscription completes.
    await backend().db.execute(sql`alter table metric_rollups rename to metric_rollups_away`);
    try {
      for (let i = 0; i < FAILURES_BEFORE_TELLING; i++) {
        server.app.ticker.markChanged();
        await server.app.ticker.tick();
      }
      await expect.poll(() => completed, { timeout: 10_000 }).toBe(true);
    } finally {
      await backend().db.execute(sql`alter table metric_rollups_away rename to metric_rollups`);
    }
    expect(received).toHaveLength(3);
    expect(received[2]).toMatchObject({ data: null, errors: [{ message: 'Unexpected error.' }] });
    expect(server.app.ticker.stats()).toMatchObject({ topics: 0, topicsFailed: 1 });

    // The socket lives on: the screen resubscribes on it and gets the figures again.
    const again = watch(client);
    await again.until(1);
    expect(again.messages[0]).toMatchObject({ sequence: 1, metrics: { gmv: '199.00', orders: 1 } });
  });

  it('removes the topic and its work when the last subscriber leaves', async () => {
    const a = watch(connect());
    const b = watch(connect());
    await Promise.all([a.until(1), b.until(1)]);
    expect(server.app.ticker.stats()).toMatchObject({ topics: 1, subscribers: 2 });
    a.unsubscribe();
    b.unsubscribe();
    await expect.poll(() => server.app.ticker.stats().topics).toBe(0);
    const start = backend().database.queryCount();
    await server.app.ticker.tick();
    expect(backend().database.queryCount()).toBe(start);

    // Closing the socket without unsubscribing releases the subscription too.
    const closer = connect();
    const c = watch(closer);
    await c.until(1);
    expect(server.app.ticker.stats().topics).toBe(1);
    await closer.dispose();
    await expect.poll(() => server.app.ticker.stats().topics).toBe(0);
  });

  it('never repeats or rewinds a sequence, and a skipped number is a gap the client can see', async () => {
    const live = watch(connect());
    await live.until(1);
    for (let i = 0; i < 3; i++) {
      await pay(`G${i}`, '10.00');
      await server.app.ticker.tick();
    }
    await live.until(4);
    const sequences = live.messages.map((m) => m.sequence);
    expect(sequences).toEqual([1, 2, 3, 4]);
    // A client that missed a message notices the jump and resubscribes for a fresh snapshot.
    const received = [sequences[0]!, sequences[2]!, sequences[3]!];
    const gap = received.findIndex((s, i) => i > 0 && s !== received[i - 1]! + 1);
    expect(gap).toBe(1);
    const resync = watch(connect());
    await resync.until(1);
    expect(resync.messages[0]!.metrics).toEqual(live.messages[3]!.metrics);
  });

  it('a client away for 5 s while orders arrive resubscribes into exactly a fresh snapshot', async () => {
    const first = connect();
    const before = watch(first);
    await before.until(1);
    await first.dispose(); // the client drops off
    const ticking = setInterval(() => void server.app.ticker.tick(), 200);
    try {
      for (let i = 0; i < 5; i++) {
        await pay(`away-${i}`, '88.00');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const back = watch(connect());
      const fresh = watch(connect());
      await Promise.all([back.until(1), fresh.until(1)]);
      expect(back.messages[0]!.metrics).toEqual({ gmv: '440.00', orders: 5 });
      expect(back.messages[0]!.metrics).toEqual(fresh.messages[0]!.metrics);
    } finally {
      clearInterval(ticking);
    }
  }, 20_000);
});
