import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eq } from 'drizzle-orm';
import { describeEachBackend, sessionsWaitingOnLocks } from '../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../test/fixtures.js';
import { skus } from '../modules/product/product.table.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { sseMessages } from '../../test/sse.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');

describeEachBackend('campaign progress over SSE, and socket life', (backend) => {
  let server: TestServer;
  let shop: string;
  let sku: string;
  let campaign: string;

  let skuRow: string;

  beforeEach(async () => {
    const s = await insertShop(backend().db, '天猫店');
    shop = gid('Shop', s.id);
    skuRow = (await insertSku(backend().db, s.id, 'S1', 19_900)).sku.id;
    sku = gid('Sku', skuRow);
    campaign = gid('Campaign', (await insertCampaign(backend().db, [s.id])).id);
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 });
  });
  afterEach(() => server.stop());

  it('streams the campaign snapshot first over SSE, then the new GMV after an order is paid', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({
        query: `subscription ($id: ID!) { campaignProgress(campaignId: $id) { sequence campaign { name } progress { gmv target achievementRate } } }`,
        variables: { id: campaign },
      }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const messages = sseMessages(response);
    const first = (await messages.next()).value!;
    expect(first.data.campaignProgress).toEqual({ sequence: 1, campaign: { name: '双11' }, progress: { gmv: '0.00', target: '1000000.00', achievementRate: 0 } });

    await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [{ id: 'p1', type: 'ORDER_PAID', occurredAt: '2026-11-11T11:00:00+08:00', shopId: shop, source: 'SEARCH', campaignId: campaign, orderId: 'O1', customerId: 'c1', amount: '2500.00', items: [{ skuId: sku, quantity: 1, unitPrice: '2500.00' }] }],
    });
    await server.app.ticker.tick();
    const second = (await messages.next()).value!;
    expect(second.data.campaignProgress).toMatchObject({ sequence: 2, progress: { gmv: '2500.00', achievementRate: 0.0025 } });
    abort.abort();
  });

  it('streams liveMetrics over SSE: snapshot first, then GMV equal to the metrics query at that moment', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: 'subscription { liveMetrics(scope: {}) { sequence metrics { gmv orders } } }' }),
      signal: abort.signal,
    });
    const messages = sseMessages(response);
    expect((await messages.next()).value!.data.liveMetrics).toEqual({ sequence: 1, metrics: { gmv: '0.00', orders: 0 } });
    await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [{ id: 'p9', type: 'ORDER_PAID', occurredAt: '2026-11-11T09:30:00+08:00', shopId: shop, source: 'PAID', orderId: 'O9', customerId: 'c9', amount: '66.60', items: [{ skuId: sku, quantity: 1, unitPrice: '66.60' }] }],
    });
    await server.app.ticker.tick();
    const update = (await messages.next()).value!.data.liveMetrics;
    const query = await server.gql(`{ metrics(scope: {}, from: "2026-11-10T16:00:00Z", to: "2026-11-11T16:00:00Z") { gmv orders } }`);
    expect(update).toEqual({ sequence: 2, metrics: query.data.metrics });
    expect(update.metrics).toEqual({ gmv: '66.60', orders: 1 });
    abort.abort();
    await expect.poll(() => server.app.ticker.stats().topics).toBe(0); // the SSE client left: its topic is gone
  });

  it('on shutdown, lets a batch under way answer and ends event streams cleanly', async () => {
    // PGlite has one connection: nothing can hold the batch back from another session there.
    if (backend().kind !== 'postgres') return;
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: 'subscription { liveMetrics(scope: {}) { sequence } }' }),
    });
    const messages = sseMessages(response);
    expect((await messages.next()).value!.data.liveMetrics).toEqual({ sequence: 1 });

    // The batch sells a SKU another session holds, so it is under way when the stop comes.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = backend().db.transaction(async (tx) => {
      await tx.select().from(skus).where(eq(skus.id, skuRow)).for('update');
      locked();
      await held;
    });
    await isLocked;
    const sale = server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [{ id: 'p1', type: 'ORDER_PAID', occurredAt: '2026-11-11T11:00:00+08:00', shopId: shop, source: 'SEARCH', orderId: 'O1', customerId: 'c1', amount: '199.00', items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] }],
    });
    await expect.poll(() => sessionsWaitingOnLocks(backend().db)).toBe(1);
    const stopped = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await sale).data.ingestEvents).toEqual({ accepted: 1 });
    // The stream ends (done), rather than failing as a cut connection.
    expect(await messages.next()).toEqual({ done: true, value: undefined });
    await stopped;
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 }); // for afterEach
  });

  it('closes sockets with the restart code on shutdown, so clients know to reconnect', async () => {
    let closeCode = 0;
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: server.wsParams,
      on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    });
    const first = new Promise((resolve) =>
      client.subscribe({ query: 'subscription { liveMetrics(scope: {}) { sequence } }' }, { next: resolve, error: () => {}, complete: () => {} }),
    );
    await first;
    await server.stop();
    await expect.poll(() => closeCode).toBe(1012);
    expect(server.app.ticker.stats().topics).toBe(0);
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 }); // for afterEach
    await client.dispose();
  });
});
