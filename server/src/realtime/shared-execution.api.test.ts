import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { sseData, sseMessages } from '../../test/sse.js';
import { sql } from 'drizzle-orm';
import { FAILURES_BEFORE_TELLING } from './ticker.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');
const LIVE = `subscription { liveMetrics(scope: {}) { sequence metrics { gmv orders topProducts { sku { code stock } } } } }`;

/**
 * A graphql-transport-ws socket read at the wire: the tests compare the exact text each subscriber
 * is sent, which the library client would parse away.
 */
async function rawSocket(url: string, authorization: string) {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const frames: string[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(String(data));
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  const until = async (predicate: () => boolean) => {
    while (!predicate()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  await until(() => frames.some((f) => JSON.parse(f).type === 'connection_ack'));
  const nexts = (id: string) => frames.filter((f) => JSON.parse(f).id === id && JSON.parse(f).type === 'next');
  return {
    subscribe: (id: string, query: string) => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } })),
    complete: (id: string) => socket.send(JSON.stringify({ id, type: 'complete' })),
    nexts,
    until: (id: string, count: number) => until(() => nexts(id).length >= count),
    close: () => socket.close(),
  };
}

describeEachBackend('live messages executed once per tick, whatever the audience', (backend) => {
  let server: TestServer;
  let shops: { a: string; b: string };
  let shopA: string;
  let skus: { a: string; b: string };
  let sockets: Awaited<ReturnType<typeof rawSocket>>[];

  beforeEach(async () => {
    const a = await insertShop(backend().db, '天猫店');
    const b = await insertShop(backend().db, '京东店');
    shops = { a: gid('Shop', a.id), b: gid('Shop', b.id) };
    shopA = a.id;
    skus = { a: gid('Sku', (await insertSku(backend().db, a.id, 'A1', 19_900)).sku.id), b: gid('Sku', (await insertSku(backend().db, b.id, 'B1', 5_000)).sku.id) };
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 });
    sockets = [];
  });
  afterEach(async () => {
    sockets.forEach((s) => s.close());
    await server.stop();
  });

  const open = async (credential = server.adminKey) => {
    const socket = await rawSocket(server.wsUrl, `Bearer ${credential}`);
    sockets.push(socket);
    return socket;
  };
  /** A live subscription over an event stream (SSE) with `credential`, ended by `signal`. */
  const openStream = (signal: AbortSignal, credential = server.adminKey) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query: LIVE }),
      signal,
    });
  /** An event stream's text as it arrives: `until(text)` reads on until `text` has been seen (or the stream ended). */
  const streamText = (response: Response) => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const stream = {
      seen: '',
      async until(text: string) {
        while (!stream.seen.includes(text)) {
          const { value, done } = await reader.read();
          if (done) return;
          stream.seen += value;
        }
      },
      ended: async () => (await reader.read()).done,
    };
    return stream;
  };
  let serial = 0;
  const pay = (shop: 'a' | 'b', amount: string) =>
    server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
      e: [{ id: `paid-${++serial}`, type: 'ORDER_PAID', occurredAt: '2026-11-11T11:00:00+08:00', shopId: shops[shop], source: 'SEARCH', orderId: `O${serial}`, customerId: 'c1', amount, items: [{ skuId: skus[shop], quantity: 1, unitPrice: amount }] }],
    });
  /** Executions of live selections during one tick that carries a change. */
  const executionsInTick = async (shop: 'a' | 'b') => {
    await pay(shop, '100.00');
    const before = server.app.liveExecutions.executions;
    await server.app.ticker.tick();
    return server.app.liveExecutions.executions - before;
  };

  it('runs one execution per tick for 1 and for 120 alike subscribers, and sends each the same bytes', async () => {
    const first = await open();
    first.subscribe('s0', LIVE);
    await first.until('s0', 1);
    expect(await executionsInTick('a')).toBe(1);
    await first.until('s0', 2);

    // 120 more subscriptions over 6 sockets, on the same document.
    const crowd = await Promise.all(Array.from({ length: 6 }, () => open()));
    crowd.forEach((socket, s) => Array.from({ length: 20 }, (_, i) => socket.subscribe(`c${s}-${i}`, LIVE)));
    await Promise.all(crowd.flatMap((socket, s) => Array.from({ length: 20 }, (_, i) => socket.until(`c${s}-${i}`, 1))));
    const serialised = server.app.liveExecutions.serialisations;
    const direct = server.app.liveExecutions.directWrites;
    expect(await executionsInTick('a')).toBe(1);
    await first.until('s0', 3);
    await Promise.all(crowd.flatMap((socket, s) => Array.from({ length: 20 }, (_, i) => socket.until(`c${s}-${i}`, 2))));

    expect(server.app.liveExecutions.serialisations - serialised).toBe(1); // one JSON for 121 sockets
    // Each subscriber's first message went the ordinary way; this tick went straight from the ticker to all 121.
    expect(server.app.liveExecutions.directWrites - direct).toBe(121);
    // Every subscriber got the same payload text, byte for byte, around its own id.
    const payloadOf = (frame: string) => frame.slice(frame.indexOf(',"type"'));
    const expected = payloadOf(first.nexts('s0')[2]!);
    for (const [s, socket] of crowd.entries()) for (let i = 0; i < 20; i++) expect(payloadOf(socket.nexts(`c${s}-${i}`)[1]!)).toBe(expected);
    const message = JSON.parse(first.nexts('s0')[2]!);
    expect(message).toEqual({
      id: 's0',
      type: 'next',
      payload: { data: { liveMetrics: { sequence: 3, metrics: { gmv: '200.00', orders: 2, topProducts: [{ sku: { code: 'A1', stock: 98 } }] } } } },
    });
  });

  it('stops writing to a subscription once it is completed, and keeps the others in sequence order', async () => {
    const socket = await open();
    socket.subscribe('stays', LIVE);
    socket.subscribe('leaves', LIVE);
    await Promise.all([socket.until('stays', 1), socket.until('leaves', 1)]);
    for (let i = 0; i < 3; i++) await executionsInTick('a');
    await Promise.all([socket.until('stays', 4), socket.until('leaves', 4)]);
    socket.complete('leaves');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server reads the complete message
    for (let i = 0; i < 2; i++) await executionsInTick('a');
    await socket.until('stays', 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sequences = (id: string) => socket.nexts(id).map((f) => JSON.parse(f).payload.data.liveMetrics.sequence as number);
    expect(sequences('stays')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sequences('leaves')).toEqual([1, 2, 3, 4]);
  });

  it('executes each distinct document once, and never shares between callers who may see different shops or do different things', async () => {
    const [readA, readAManage] = await Promise.all([
      server.createKey({ shopIds: [shopA], scopes: ['READ'] }),
      server.createKey({ shopIds: [shopA], scopes: ['READ', 'MANAGE'] }),
    ]);
    const admin = await open();
    const partner = await open(readA);
    const operator = await open(readAManage);
    admin.subscribe('full', LIVE);
    admin.subscribe('small', `subscription { liveMetrics(scope: {}) { sequence metrics { gmv } } }`);
    partner.subscribe('p1', LIVE);
    partner.subscribe('p2', LIVE);
    operator.subscribe('o1', LIVE);
    await Promise.all([admin.until('full', 1), admin.until('small', 1), partner.until('p1', 1), partner.until('p2', 1), operator.until('o1', 1)]);

    // Both shops sell: admin's two documents, the READ key's two alike subscriptions (one execution),
    // and the READ+MANAGE key over the same shop (its own execution): four, not five.
    await pay('b', '50.00');
    expect(await executionsInTick('a')).toBe(4);
    await Promise.all([admin.until('full', 2), partner.until('p1', 2), partner.until('p2', 2), operator.until('o1', 2)]);
    const gmvOf = (frame: string) => JSON.parse(frame).payload.data.liveMetrics.metrics.gmv;
    expect(gmvOf(admin.nexts('full').at(-1)!)).toBe('150.00');
    expect(gmvOf(partner.nexts('p1').at(-1)!)).toBe('100.00'); // shop B's sale is not the partner's
    expect(gmvOf(partner.nexts('p2').at(-1)!)).toBe('100.00');
    expect(gmvOf(operator.nexts('o1').at(-1)!)).toBe('100.00');
    expect(JSON.parse(partner.nexts('p1').at(-1)!).payload.data.liveMetrics.metrics.topProducts).toEqual([{ sku: { code: 'A1', stock: 99 } }]);
  });

  it('shares one execution between a WebSocket and an SSE subscriber of the same document', async () => {
    const socket = await open();
    socket.subscribe('ws', LIVE);
    await socket.until('ws', 1);
    const abort = new AbortController();
    const sse = sseMessages(await openStream(abort.signal));
    expect((await sse.next()).value!.data.liveMetrics.sequence).toBe(1);
    expect(await executionsInTick('a')).toBe(1);
    const update = (await sse.next()).value!;
    await socket.until('ws', 2);
    expect(update).toEqual(JSON.parse(socket.nexts('ws')[1]!).payload);
    abort.abort();
  });

  it('writes one serialised payload to every SSE subscriber of a tick, byte for byte', async () => {
    const abort = new AbortController();
    const streams = await Promise.all(Array.from({ length: 5 }, async () => sseData(await openStream(abort.signal))));
    for (const stream of streams) expect(JSON.parse((await stream.next()).value!).data.liveMetrics.sequence).toBe(1);
    const serialised = server.app.liveExecutions.serialisations;
    const direct = server.app.liveExecutions.directWrites;
    expect(await executionsInTick('a')).toBe(1);
    const texts = await Promise.all(streams.map(async (stream) => (await stream.next()).value!));
    // Without a WebSocket in the audience, the JSON was made once, for the five streams.
    expect(server.app.liveExecutions.serialisations - serialised).toBe(1);
    // Each stream's first message went the ordinary way; this tick went from the ticker to all five.
    expect(server.app.liveExecutions.directWrites - direct).toBe(5);
    expect(new Set(texts).size).toBe(1);
    expect(JSON.parse(texts[0]!)).toEqual({ data: { liveMetrics: { sequence: 2, metrics: { gmv: '100.00', orders: 1, topProducts: [{ sku: { code: 'A1', stock: 99 } }] } } } });
    abort.abort();
  });

  it('ends a stream written straight from the ticker when its key is revoked, and forgets a stream whose client left', async () => {
    const secret = await server.createKey({ shopIds: [shopA], scopes: ['READ'] });
    const [staying, leaving] = [new AbortController(), new AbortController()];
    const keyed = streamText(await openStream(staying.signal, secret));
    const other = streamText(await openStream(leaving.signal));
    await Promise.all([keyed.until('"sequence":1'), other.until('"sequence":1')]);
    const direct = server.app.liveExecutions.directWrites;
    await executionsInTick('a');
    await Promise.all([keyed.until('"sequence":2'), other.until('"sequence":2')]);
    expect(server.app.liveExecutions.directWrites - direct).toBe(2); // both past the iterator now

    const subscribers = server.app.ticker.stats().subscribers;
    leaving.abort();
    await expect.poll(() => server.app.ticker.stats().subscribers).toBe(subscribers - 1);

    const keys = await server.gql('{ apiKeys { id prefix } }');
    const key = keys.data.apiKeys.find((k: { prefix: string }) => secret.startsWith(k.prefix));
    await server.gql(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }`, { id: key.id });
    await keyed.until('event: complete');
    expect(keyed.seen.slice(keyed.seen.indexOf('"sequence":2'))).toContain('credential revoked');
    expect(await keyed.ended()).toBe(true);
    await expect.poll(() => server.app.ticker.stats().subscribers).toBe(subscribers - 2);
  });

  it('tells a stream written straight from the ticker that its figures cannot be computed any more, then ends it', async () => {
    const abort = new AbortController();
    const stream = streamText(await openStream(abort.signal));
    await stream.until('"sequence":1');
    const direct = server.app.liveExecutions.directWrites;
    await executionsInTick('a');
    await stream.until('"sequence":2');
    expect(server.app.liveExecutions.directWrites - direct).toBe(1);

    await backend().db.execute(sql`alter table metric_rollups rename to metric_rollups_away`);
    try {
      for (let i = 0; i < FAILURES_BEFORE_TELLING; i++) {
        server.app.ticker.markChanged();
        await server.app.ticker.tick();
      }
      await stream.until('event: complete');
    } finally {
      await backend().db.execute(sql`alter table metric_rollups_away rename to metric_rollups`);
    }
    // The failure is masked like any unexpected error, and it is the stream's last message.
    const messages = stream.seen.split('\n\n').filter((block) => block.startsWith('event: next')).map((block) => JSON.parse(block.slice(block.indexOf('data:') + 5)));
    expect(messages.at(-1)).toMatchObject({ data: null, errors: [{ message: 'Unexpected error.' }] });
    expect(messages.at(-1).errors[0].extensions ?? {}).not.toHaveProperty('http');
    expect(stream.seen.trimEnd().endsWith('event: complete\ndata:')).toBe(true);
    expect(await stream.ended()).toBe(true);
    abort.abort();
  });
});
