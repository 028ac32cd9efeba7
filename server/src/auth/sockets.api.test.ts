import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../modules/api-key/api-key.table.js';
import { CREDENTIAL_LIMITS } from './limits.js';
import { sha256 } from './secrets.js';

/** Opens a socket and subscribes; resolves with the first message, error, or the close code. */
function watch(server: TestServer, connectionParams: Record<string, unknown> | undefined, query: string) {
  let closeCode: number | null = null;
  const closed = new Promise<number>((resolve) => {
    clients.push(
      createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams,
        onNonLazyError: () => {}, // the refusals below are what these tests expect
        on: { closed: (event) => resolve((closeCode = (event as { code: number }).code)) },
      }),
    );
  });
  const client = clients.at(-1)!;
  const first = new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve) =>
    client.subscribe({ query }, { next: (r) => resolve(r as never), error: (e) => resolve(Array.isArray(e) ? { errors: e } : { errors: [{ extensions: { code: `closed ${(e as { code?: number }).code}` } }] }), complete: () => {} }),
  );
  return { closed, first, closeCode: () => closeCode };
}
const clients: Client[] = [];

/** Opens an event stream (SSE) subscription; `first` is its first event, `rest()` reads everything after it until the server ends it. */
async function stream(server: TestServer, secret: string, query: string) {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(secret) },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = '';
  // The first event, past any keep-alive comment the stream opens with.
  while (!first.includes('data:')) {
    const { value, done } = await reader.read();
    if (done) break;
    first += decoder.decode(value);
  }
  /** Read only when asked: a stream the test aborts is never read past its first event. */
  const rest = async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value);
    }
  };
  return { first, rest, close: () => controller.abort() };
}

describeEachBackend('credentials on sockets, and tenants on live streams', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    server = await startTestServer(backend(), { tickMs: 100 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server.stop();
  });

  const LIVE = 'subscription { liveMetrics(scope: {}) { sequence metrics { gmv } } }';

  it('refuses a socket without a valid credential at connection_init with 4403', async () => {
    for (const params of [undefined, { authorization: 'Bearer pk_wrong' }]) {
      const socket = watch(server, params, LIVE);
      expect(await socket.closed).toBe(4403);
    }
  });

  it('closes a socket with 4403 within a tick when its key is revoked, and refuses the key afterwards', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const socket = watch(server, bearer(secret), LIVE);
    expect((await socket.first).data).toBeTruthy();
    const keys = await server.gql('{ apiKeys { id prefix } }');
    const key = keys.data.apiKeys.find((k: { prefix: string }) => secret.startsWith(k.prefix));
    const revokedAt = Date.now();
    await server.gql(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: key.id });
    expect(await socket.closed).toBe(4403);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect((await server.post('{ viewer { kind } }', {}, bearer(secret))).status).toBe(401);
  });

  it('closes a socket whose key was revoked without a notice reaching this instance, at the next credential check', async () => {
    const checked = await startTestServer(backend(), { tickMs: 100, revocationSweepMs: 50 });
    try {
      const secret = await checked.createKey({ shopIds: [shopA], scopes: ['READ'] });
      const socket = watch(checked, bearer(secret), LIVE);
      expect((await socket.first).data).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(socket.closeCode()).toBeNull(); // a standing credential stays connected through the checks
      // Revoked behind this instance's back, as another instance does while Redis is unreachable: no notice here.
      await backend().db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.secretHash, sha256(secret)));
      expect(await socket.closed).toBe(4403);
    } finally {
      await checked.stop();
    }
  });

  it('ends an event stream (SSE) within a tick when its key is revoked: its last event says why, and the key is refused afterwards', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const open = await stream(server, secret, LIVE);
    expect(open.first).toContain('sequence');
    const keys = await server.gql('{ apiKeys { id prefix } }');
    const key = keys.data.apiKeys.find((k: { prefix: string }) => secret.startsWith(k.prefix));
    const revokedAt = Date.now();
    await server.gql(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: key.id });
    const rest = await open.rest();
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    expect(rest).toContain('credential revoked');
    expect(rest).toContain('UNAUTHENTICATED');
    expect(rest).toContain('event: complete');
    expect((await server.post('{ viewer { kind } }', {}, bearer(secret))).status).toBe(401);
  });

  it('ends an event stream whose key was revoked without a notice reaching this instance, at the next credential check, and one whose key expires', async () => {
    const checked = await startTestServer(backend(), { tickMs: 100, revocationSweepMs: 50 });
    try {
      const secret = await checked.createKey({ shopIds: [shopA], scopes: ['READ'] });
      const expiring = await checked.createKey({ shopIds: [shopA], scopes: ['READ'], expiresAt: new Date(Date.now() + 1_500).toISOString() });
      const revoked = await stream(checked, secret, LIVE);
      const expired = await stream(checked, expiring, LIVE);
      let revokedEnded = false;
      const revokedRest = revoked.rest();
      void revokedRest.then(() => (revokedEnded = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(revokedEnded).toBe(false); // a standing credential keeps its stream through the checks
      await backend().db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.secretHash, sha256(secret)));
      expect(await revokedRest).toContain('credential revoked');
      expect(await expired.rest()).toContain('credential expired');
    } finally {
      await checked.stop();
    }
  });

  it('closes a socket with 4403 when its credential expires while connected', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'], expiresAt: new Date(Date.now() + 1_500).toISOString() });
    const socket = watch(server, bearer(secret), LIVE);
    expect((await socket.first).data).toBeTruthy();
    expect(await socket.closed).toBe(4403);
    expect((await server.post('{ viewer { kind } }', {}, bearer(secret))).status).toBe(401);
  });

  it('refuses a live stream naming a foreign shop or campaign with FORBIDDEN, before any work', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const foreign = await insertCampaign(backend().db, [shopB], '乙店双11');
    // Warm the key's cache entry over HTTP, so the socket's own checks read nothing from the database.
    expect((await server.gql('{ viewer { kind } }', {}, bearer(secret))).data.viewer.kind).toBe('API_KEY');
    const before = backend().database.queryCount();
    const byShop = watch(server, bearer(secret), `subscription { liveMetrics(scope: { shopIds: ["${gid('Shop', shopB)}"] }) { sequence } }`);
    expect((await byShop.first).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A foreign shop is refused from the credential alone: not one query.
    expect(backend().database.queryCount() - before).toBe(0);
    const byCampaign = watch(server, bearer(secret), `subscription { campaignProgress(campaignId: "${gid('Campaign', foreign.id)}") { sequence } }`);
    expect((await byCampaign.first).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A campaign costs one lookup (is it among the caller's?), and no figures are computed.
    expect(backend().database.queryCount() - before).toBe(1);
    expect(server.app.ticker.stats().topics).toBe(0);
  });

  it('refuses an alert feed naming a foreign shop, or a campaign of none of its shops, with FORBIDDEN instead of a stream that never delivers', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const foreign = await insertCampaign(backend().db, [shopB], '乙店双11');
    // A campaign over both shops: shop A's part of it is the partner's, as in the alerts list.
    const spanning = await insertCampaign(backend().db, [shopA, shopB], '双11');
    const opens = async (query: string) => {
      const feed = watch(server, bearer(secret), query);
      const outcome = await Promise.race([feed.first, new Promise((resolve) => setTimeout(() => resolve('open'), 300))]);
      return outcome === 'open' ? 'open' : (outcome as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code;
    };
    for (const field of ['alertRaised', 'alertChanged']) {
      const selection = field === 'alertRaised' ? '{ id }' : '{ change }';
      expect(await opens(`subscription { ${field}(filter: { shopIds: ["${gid('Shop', shopB)}"] }) ${selection} }`), field).toBe('FORBIDDEN');
      expect(await opens(`subscription { ${field}(filter: { campaignId: "${gid('Campaign', foreign.id)}" }) ${selection} }`), field).toBe('FORBIDDEN');
      // An unknown campaign is refused alike: the answer does not tell which campaigns exist.
      expect(await opens(`subscription { ${field}(filter: { campaignId: "${gid('Campaign', '00000000-0000-4000-8000-000000000000')}" }) ${selection} }`), field).toBe('FORBIDDEN');
      // Its own shop, and its part of a spanning campaign, are feeds like any other: open, waiting for alerts.
      expect(await opens(`subscription { ${field}(filter: { shopIds: ["${gid('Shop', shopA)}"] }) ${selection} }`), field).toBe('open');
      expect(await opens(`subscription { ${field}(filter: { campaignId: "${gid('Campaign', spanning.id)}" }) ${selection} }`), field).toBe('open');
    }
  });

  it('tells the screen its live heartbeat in the connection_ack, so its quiet-stream watchdog waits for this server', async () => {
    const beating = await startTestServer(backend(), { tickMs: 100, heartbeatMs: 20_000 });
    const socket = new WebSocket(beating.wsUrl, 'graphql-transport-ws');
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const ack = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
      socket.send(JSON.stringify({ type: 'connection_init', payload: beating.wsParams }));
      expect(await ack).toEqual({ type: 'connection_ack', payload: { heartbeatMs: 20_000 } });
    } finally {
      socket.close();
      await beating.stop();
    }
  });

  it(`caps the sockets one credential may hold open (${CREDENTIAL_LIMITS.socketsPerCredential}), refusing the next with 4429`, async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const open = Array.from({ length: CREDENTIAL_LIMITS.socketsPerCredential }, () => watch(server, bearer(secret), LIVE));
    await Promise.all(open.map((socket) => socket.first));
    const extra = watch(server, bearer(secret), LIVE);
    expect(await extra.closed).toBe(4429);
    // Another credential is not affected.
    expect((await watch(server, server.wsParams, LIVE).first).data).toBeTruthy();
  });

  it('frees a socket the moment its screen leaves, even while its filtered alert or milestone stream has had nothing to send', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const campaign = await insertCampaign(backend().db, [shopA]);
    const quiet = [
      'subscription { alertRaised(filter: { severities: [CRITICAL] }) { id } }',
      'subscription { alertChanged(filter: { severities: [CRITICAL] }) { change } }',
      `subscription { milestoneChanged(campaignId: "${gid('Campaign', campaign.id)}") { change } }`,
    ];
    // More screens than the cap come and go, one after another, each subscribed to a stream that stays silent.
    for (let i = 0; i <= CREDENTIAL_LIMITS.socketsPerCredential; i++) {
      let connected: () => void = () => {};
      const ready = new Promise<void>((resolve) => (connected = resolve));
      const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: bearer(secret), on: { connected: () => connected() } });
      await ready;
      client.subscribe({ query: quiet[i % quiet.length]! }, { next: () => {}, error: () => {}, complete: () => {} });
      await new Promise((resolve) => setTimeout(resolve, 20)); // the server has started the stream
      await client.dispose();
    }
    // The next screen of the same key gets in (with the leaked streams of before, it was refused 4429).
    const next = watch(server, bearer(secret), LIVE);
    expect((await next.first).data).toBeTruthy();
  });

  it('gives back the subscription slot of a subscribe refused as invalid, so an old app retrying it cannot lock its key out', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: bearer(secret) });
    clients.push(client);
    const refusal = (query: string) =>
      new Promise<string | undefined>((resolve) =>
        client.subscribe({ query }, { next: () => resolve('next'), error: (e) => resolve((e as { message?: string }[])[0]?.message), complete: () => resolve('complete') }),
      );
    for (let i = 0; i <= CREDENTIAL_LIMITS.subscriptionsPerCredential; i++) {
      expect(await refusal('subscription { liveMetrics(scope: {}) { noSuchField } }')).toMatch(/Cannot query field "noSuchField"/);
    }
    // The same key subscribes again, on this socket and on another.
    expect((await watch(server, bearer(secret), LIVE).first).data).toBeTruthy();
  });

  it('counts event streams (SSE) against the same subscription cap, and gives a slot back when a stream is closed', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const open = () => stream(server, secret, 'subscription { liveMetrics(scope: {}) { sequence } }');
    const streams = [];
    for (let i = 0; i < CREDENTIAL_LIMITS.subscriptionsPerCredential; i++) streams.push(await open());
    expect(streams.every((stream) => stream.first.includes('sequence'))).toBe(true);
    const refused = await open();
    expect(refused.first).toContain(`At most ${CREDENTIAL_LIMITS.subscriptionsPerCredential} subscriptions per credential`);
    refused.close();
    // A socket of the same key is held to the same count.
    expect((await watch(server, bearer(secret), LIVE).first).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    streams.pop()!.close();
    await expect.poll(async () => { const again = await open(); again.close(); return again.first.includes('sequence'); }, { timeout: 5_000 }).toBe(true);
    for (const stream of streams) stream.close();
  });

  it('refuses a key without READ to subscribe', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['INGEST'] });
    const socket = watch(server, bearer(secret), LIVE);
    expect((await socket.first).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("refuses ingest events for a foreign shop one by one, storing nothing of them", async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['INGEST', 'READ'] });
    const visit = (id: string, shop: string) => ({ id, type: 'VISIT', occurredAt: '2026-11-11T02:00:00Z', shopId: gid('Shop', shop), source: 'SEARCH', visitorId: `v-${id}` });
    const result = await server.gql(
      `mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted userErrors { index code field } } }`,
      { e: [visit('1', shopA), visit('2', shopB), visit('3', shopA), visit('4', '00000000-0000-4000-8000-000000000000')] },
      bearer(secret),
    );
    expect(result.data.ingestEvents).toEqual({
      accepted: 2,
      userErrors: [
        { index: 1, code: 'FORBIDDEN', field: ['input', 'events', '1', 'shopId'] },
        { index: 3, code: 'FORBIDDEN', field: ['input', 'events', '3', 'shopId'] },
      ],
    });
    const metrics = await server.gql(`{ metrics(scope: {}, from: "2026-11-11T00:00:00Z", to: "2026-11-12T00:00:00Z") { pageViews byChannel { channel visitors } } }`);
    expect(metrics.data.metrics).toEqual({ pageViews: 2, byChannel: [{ channel: 'TMALL', visitors: 2 }] });
  });
});
