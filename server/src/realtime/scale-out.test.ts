import { createClient } from 'graphql-ws';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { gid, insertShop, insertSku } from '../../test/fixtures.js';
import { hasRedisServer, startRedis } from '../../test/redis-server.js';
import { gqlAt, startServerProcess, TEST_ADMIN_KEY, type ServerProcess } from '../../test/server-process.js';
import { CREDENTIAL_LIMITS } from '../auth/limits.js';
import { openDatabase, type Database } from '../db/client.js';

const adminUrl = inject('postgresUrl');
const TICK_MS = 200;
if (process.env.PEAKOPS_REQUIRE_REDIS === '1' && !hasRedisServer()) {
  throw new Error('PEAKOPS_REQUIRE_REDIS=1 but redis-server is not installed');
}

/** Two instances, one PostgreSQL, one Redis: a subscriber on B sees what was ingested on A. */
describe.skipIf(!adminUrl || !hasRedisServer())('scale-out through Redis [postgres + redis]', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A fresh database on the shared PostgreSQL, a fresh redis-server, and instances A and B on both. */
  async function twoInstances(extraEnv: Record<string, string>): Promise<{ a: ServerProcess; b: ServerProcess; database: Database }> {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const name = `peakops_scale_${Date.now()}`;
    const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = adminUrl!.replace(/\/[^/]*$/, `/${name}`);
    const env = { DATABASE_URL: url, REDIS_URL: redis.url, TICK_MS: String(TICK_MS), ...extraEnv };
    const a = await startServerProcess(env, []);
    cleanups.push(() => void a.child.kill('SIGKILL'));
    const b = await startServerProcess(env, []);
    cleanups.push(() => void b.child.kill('SIGKILL'));
    const database = await openDatabase({ kind: 'postgres', url, maxConnections: 1 });
    cleanups.push(() => database.close());
    return { a, b, database };
  }

  it('delivers an order ingested on instance A to a subscriber on instance B within two ticks', async () => {
    // Ticks are fast and the fallback refresh (10 s) slow: only a Redis notice can make B update in time.
    const { a, b, database } = await twoInstances({});
    const shop = await insertShop(database.db, '天猫店');
    const sku = gid('Sku', (await insertSku(database.db, shop.id, 'S1', 9_900)).sku.id);

    const client = createClient({ url: b.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    cleanups.push(() => client.dispose());
    const received: { at: number; orders: number }[] = [];
    client.subscribe<{ liveMetrics: { metrics: { orders: number } } }>(
      { query: 'subscription { liveMetrics(scope: {}) { sequence metrics { orders } } }' },
      { next: (r) => void received.push({ at: performance.now(), orders: r.data!.liveMetrics.metrics.orders }), error: () => {}, complete: () => {} },
    );
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]!.orders).toBe(0);
    // Let B's ticker run past its first computation, so only a notice can trigger the next.
    await new Promise((resolve) => setTimeout(resolve, 3 * TICK_MS));

    const response = await fetch(`${a.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({
        query: 'mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }',
        variables: { e: [{ id: 'p1', type: 'ORDER_PAID', occurredAt: new Date().toISOString(), shopId: gid('Shop', shop.id), source: 'SEARCH', orderId: 'O1', customerId: 'c1', amount: '99.00', items: [{ skuId: sku, quantity: 1, unitPrice: '99.00' }] }] },
      }),
    });
    const ingested = performance.now();
    expect(((await response.json()) as { data: { ingestEvents: { accepted: number } } }).data.ingestEvents.accepted).toBe(1);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(2);
    expect(received[1]!.orders).toBe(1);
    expect(received[1]!.at - ingested).toBeLessThanOrEqual(2 * TICK_MS + 250);
  }, 120_000);

  it('raises an alert once when both instances evaluate the same change, and B hears of a raise on A', async () => {
    const { a, b, database } = await twoInstances({});
    const shop = await insertShop(database.db, '天猫店');
    const sku = await insertSku(database.db, shop.id, 'HOT-1', 9_900); // 100 in stock, line 50
    const client = createClient({ url: b.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    cleanups.push(() => client.dispose());
    const changes: string[] = [];
    client.subscribe<{ alertChanged: { change: string; alert: { rule: string; value: number } } }>(
      { query: 'subscription { alertChanged { change alert { rule value } } }' },
      { next: (r) => void changes.push(`${r.data!.alertChanged.change}:${r.data!.alertChanged.alert.rule}:${r.data!.alertChanged.alert.value}`), error: () => {}, complete: () => {} },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 60 units sold on A: the notice reaches both instances through Redis and both evaluate.
    const sold = await gqlAt(a.url, 'mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }', {
      e: [{ id: 'p1', type: 'ORDER_PAID', occurredAt: new Date().toISOString(), shopId: gid('Shop', shop.id), source: 'SEARCH', orderId: 'O1', customerId: 'c1', amount: '5940.00', items: [{ skuId: gid('Sku', sku.sku.id), quantity: 60, unitPrice: '99.00' }] }],
    });
    expect(sold.data?.ingestEvents).toEqual({ accepted: 1 });
    await expect.poll(() => changes, { timeout: 15_000 }).toEqual(['RAISED:LOW_STOCK:40']);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // both have evaluated by now
    expect(changes).toEqual(['RAISED:LOW_STOCK:40']);
    const rows = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from alerts where rule = 'LOW_STOCK'`);
    expect([...rows][0]?.n).toBe(1);
  }, 120_000);

  it('shares revocations and rate budgets across instances: a key revoked on A closes its socket on B (4403); a budget spent on A is spent on B', async () => {
    // A small bucket (40 points, 1 a second) so one request's cost is felt on the other instance.
    const { a, b, database } = await twoInstances({ RATE_LIMIT_MAX: '40', RATE_LIMIT_RESTORE_PER_SECOND: '1' });
    const shop = await insertShop(database.db, '天猫店');

    const createKey = async () => {
      const created = await gqlAt(a.url, `mutation ($s: [ID!]) { createApiKey(input: { name: "partner", scopes: [READ], shopIds: $s }) { apiKey { id } secret } }`, { s: [gid('Shop', shop.id)] });
      return created.data.createApiKey as { apiKey: { id: string }; secret: string };
    };
    const spender = await createKey();
    // 1 + 19 = 20 points on A, then the same on B: only 20 are left in the shared bucket (≤ 2 restored since).
    const page = '{ shops(first: 19) { edges { node { id } } } }';
    const onA = await fetch(`${a.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${spender.secret}` }, body: JSON.stringify({ query: page }) });
    expect(onA.status).toBe(200);
    const onB = await fetch(`${b.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${spender.secret}` }, body: JSON.stringify({ query: '{ shops(first: 30) { edges { node { id } } } }' }) });
    expect(onB.status).toBe(429);
    expect(((await onB.json()) as { extensions: { cost: { throttleStatus: { currentlyAvailable: number } } } }).extensions.cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(22);

    const watched = await createKey();
    let closeCode = 0;
    const client = createClient({
      url: b.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${watched.secret}` },
      on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
    });
    cleanups.push(() => client.dispose());
    const first = new Promise((resolve) =>
      client.subscribe({ query: 'subscription { liveMetrics(scope: {}) { sequence } }' }, { next: resolve, error: () => {}, complete: () => {} }),
    );
    await first;
    const revoked = await gqlAt(a.url, `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: watched.apiKey.id });
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).toBeTruthy();
    const at = performance.now();
    await expect.poll(() => closeCode, { timeout: 5_000 }).toBe(4403);
    expect(performance.now() - at).toBeLessThan(2 * TICK_MS + 1_000);
  }, 120_000);

  it(`holds a key to ${CREDENTIAL_LIMITS.socketsPerCredential} sockets across both instances: the next is refused with 4429 on either, and a socket closed on A frees a slot on B`, async () => {
    const { a, b, database } = await twoInstances({});
    const shop = await insertShop(database.db, '天猫店');
    const created = await gqlAt(a.url, `mutation ($s: [ID!]) { createApiKey(input: { name: "wall", scopes: [READ], shopIds: $s }) { secret } }`, { s: [gid('Shop', shop.id)] });
    const secret = (created.data.createApiKey as { secret: string }).secret;
    /** A screen on `instance`: resolves once the server has acknowledged it, or with its close code if refused. */
    const screen = (instance: ServerProcess) => {
      let closeCode: number | null = null;
      const client = createClient({
        url: instance.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: `Bearer ${secret}` },
        onNonLazyError: () => {},
        on: { closed: (event) => void (closeCode = (event as { code: number }).code) },
      });
      cleanups.push(() => client.dispose());
      const settled = new Promise<string>((resolve) => {
        client.on('connected', () => resolve('connected'));
        client.on('closed', (event) => resolve(`closed ${(event as { code: number }).code}`));
      });
      return { client, settled, closeCode: () => closeCode };
    };
    const half = CREDENTIAL_LIMITS.socketsPerCredential / 2;
    const onA = Array.from({ length: half }, () => screen(a));
    const onB = Array.from({ length: half }, () => screen(b));
    expect(new Set(await Promise.all([...onA, ...onB].map((s) => s.settled)))).toEqual(new Set(['connected']));
    // Behind one instance alone the key would have 25 of its 50 left; across the cluster it has none.
    expect(await screen(b).settled).toBe('closed 4429');
    expect(await screen(a).settled).toBe('closed 4429');
    // The admin key is not held to it.
    const admin = createClient({ url: b.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    cleanups.push(() => admin.dispose());
    await new Promise<void>((resolve) => admin.on('connected', () => resolve()));
    // A screen leaves A: its slot is B's to give.
    await onA[0]!.client.dispose();
    await expect.poll(async () => screen(b).settled, { timeout: 5_000, interval: 100 }).toBe('connected');
    expect(await screen(a).settled).toBe('closed 4429');
  }, 120_000);
});

