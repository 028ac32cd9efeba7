import { parse } from 'graphql';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { ARMOR_LIMITS } from './limits.js';
import { documentId, extractTrustedDocuments } from './trusted-documents.js';

/** `campaign → milestones → campaign → …` nested to the given depth: valid, and as deep as asked. */
function deepQuery(campaignId: string, depth: number): string {
  let inner = 'id';
  // The outermost level sits under Campaign, so it is milestones; they alternate inwards.
  for (let level = depth - 1; level >= 0; level--) inner = level % 2 === 0 ? `milestones { ${inner} }` : `campaign { ${inner} }`;
  return `{ campaign(id: "${campaignId}") { ${inner} } }`;
}

describeEachBackend('limits before execution', (backend) => {
  let server: TestServer;
  let campaign: string;
  let shop: string;
  const trusted = extractTrustedDocuments();

  beforeEach(async () => {
    shop = (await insertShop(backend().db, '甲店')).id;
    campaign = gid('Campaign', (await insertCampaign(backend().db, [shop])).id);
    server = await startTestServer(backend(), {
      rateLimit: { maximumAvailable: 100, restoreRate: 10 },
      trustedDocuments: new Set(trusted.keys()),
    });
  });
  afterEach(() => server.stop());

  it('refuses a 30-deep query and a query with 1,000 aliases before running them: errors, no data', async () => {
    const deep = await server.post(deepQuery(campaign, 30));
    expect(deep.body.data).toBeUndefined();
    expect(deep.body.errors?.map((e) => e.message).join(' ')).toMatch(/(depth|cost) limit/i);
    // Refused as the caller's mistake, in Chinese too, with the limit and what was found.
    expect(deep.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(deep.body.errors?.map((e) => e.extensions?.messageZh).join(' ')).toMatch(/(查询嵌套深度超过上限 12（实际 30）|查询的静态成本超过上限 20000（实际 \d+）)/);
    const aliases = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`;
    const many = await server.post(aliases);
    expect(many.body.data).toBeUndefined();
    expect(many.body.errors?.[0]?.message).toMatch(/(aliases|token) limit/i);
    expect(many.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', messageZh: expect.stringMatching(/^(别名数量超过上限 20（实际 1000）|查询的词法单元数量超过上限 3000)$/) });
    // A query within the limits still runs.
    const fine = await server.gql(deepQuery(campaign, 6));
    expect(fine.errors, JSON.stringify(fine.errors)).toBeUndefined();
  });

  it('lets every document of the war room through the limits', async () => {
    expect(trusted.size).toBeGreaterThanOrEqual(8);
    const variables = { campaignId: campaign, id: campaign, from: '2026-11-11T00:00:00Z', to: '2026-11-12T00:00:00Z' };
    for (const [, text] of trusted) {
      // Subscriptions go over SSE: the first chunk says whether the limits let it through; then stop.
      const abort = new AbortController();
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: text.startsWith('subscription') ? 'text/event-stream' : 'application/json', ...bearer(server.adminKey) },
        body: JSON.stringify({ query: text, variables }),
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      abort.abort();
      const answer = new TextDecoder().decode(value);
      expect(answer, text.slice(0, 60)).not.toMatch(/limit of|exceeded/i);
    }
    expect(ARMOR_LIMITS.maxDepth.n).toBe(12);
  });

  it('charges each request to its credential: extensions.cost on every answer, 429 with Retry-After and nothing run when over budget', async () => {
    const secret = await server.createKey({ shopIds: [shop], scopes: ['READ', 'INGEST'] });
    const first = await server.post('{ viewer { kind } shops(first: 10) { edges { node { name } } } }', {}, bearer(secret));
    expect(first.body.extensions?.cost).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 12,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: 88, restoreRate: 10 },
    });
    // 95 events cost 96 points: a full bucket holds them, the 88 left do not. Refused whole, for now.
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `v${i}`, type: 'VISIT', occurredAt: '2026-11-11T02:00:00Z', shopId: gid('Shop', shop), source: 'SEARCH', visitorId: `v${i}` }));
    const ingest = `mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`;
    const refused = await server.post(ingest, { e: events(95) }, bearer(secret));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', messageZh: expect.stringMatching(/^请求过于频繁：此请求消耗 96 点，当前可用 \d+ 点；请 \d+ 秒后重试$/) });
    const stored = await server.gql(`{ metrics(scope: {}, from: "2026-11-11T00:00:00Z", to: "2026-11-12T00:00:00Z") { pageViews } }`);
    expect(stored.data.metrics.pageViews).toBe(0);
    // Another credential has its own budget.
    expect((await server.post('{ viewer { kind } }')).status).toBe(200);
  });

  it('refuses a request that costs more than a full bucket as too big to ever run, not as a wait: HTTP 400, no Retry-After', async () => {
    const secret = await server.createKey({ shopIds: [shop], scopes: ['READ', 'INGEST'] });
    // 120 events cost 121 points; the bucket holds 100 when full, so no wait would ever let them in.
    const events = Array.from({ length: 120 }, (_, i) => ({ id: `v${i}`, type: 'VISIT', occurredAt: '2026-11-11T02:00:00Z', shopId: gid('Shop', shop), source: 'SEARCH', visitorId: `v${i}` }));
    const tooBig = await server.post(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, { e: events }, bearer(secret));
    expect(tooBig.status).toBe(400);
    expect(tooBig.headers.get('retry-after')).toBeNull();
    expect(tooBig.body.data).toBeUndefined();
    expect(tooBig.body.errors).toEqual([
      {
        message: 'This request costs 121 points, more than any single request may cost (100, a full bucket): ask for smaller pages (first, last, limit), fewer nested lists or fewer events per call',
        extensions: {
          code: 'BAD_USER_INPUT',
          messageZh: '此请求消耗 121 点，超过单个请求的上限（100，即令牌桶的全部容量）：请减小分页（first、last、limit）、减少嵌套的列表或每次少发送一些事件',
        },
      },
    ]);
    expect(tooBig.body.extensions?.cost).toMatchObject({ requestedQueryCost: 121, actualQueryCost: null });
    const stored = await server.gql(`{ metrics(scope: {}, from: "2026-11-11T00:00:00Z", to: "2026-11-12T00:00:00Z") { pageViews } }`);
    expect(stored.data.metrics.pageViews).toBe(0);
    // Nothing was taken from the bucket: a request that fits runs at once.
    const fits = await server.post('{ viewer { kind } }', {}, bearer(secret));
    expect(fits.body.extensions?.cost).toMatchObject({ throttleStatus: { currentlyAvailable: 99 } });
  });

  it('refuses a page size the field refuses anyway with the field’s rule, before pricing it', async () => {
    const secret = await server.createKey({ shopIds: [shop], scopes: ['READ'] });
    const window = 'scope: {}, from: "2026-01-01T00:00:00+08:00", to: "2026-12-07T00:00:00+08:00"';
    const rule = {
      message: 'limit must be between 1 and 100',
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', messageZh: 'limit 必须在 1 到 100 之间' },
    };
    // 100,000 products would cost 100,002 points; the rule is what the caller needs to hear, as limit: -1 does.
    for (const [query, variables] of [
      [`{ metrics(${window}) { topProducts(limit: 100000) { sku { code } } } }`, {}],
      [`query ($n: Int) { metrics(${window}) { topProducts(limit: $n) { sku { code } } } }`, { n: 100_000 }],
      [`query { ...M } fragment M on Query { metrics(${window}) { ... on Metrics { topProducts(limit: 100000) { sku { code } } } } }`, {}],
    ] as const) {
      const answer = await server.post(query, variables, bearer(secret));
      expect(answer.status, query).toBe(400);
      expect(answer.body.data, query).toBeUndefined();
      expect(answer.body.errors?.[0], query).toMatchObject(rule);
    }
    const negative = await server.post(`{ metrics(${window}) { topProducts(limit: -1) { sku { code } } } }`, {}, bearer(secret));
    expect(negative.body.errors?.[0]).toMatchObject(rule);
    // (A literal `last` that large is Armor's to refuse first: its static cost reads it too.)
    const series = await server.post(`query ($n: Int) { metrics(${window}) { series(interval: DAY, last: $n) { gmv } } }`, { n: 100_000 }, bearer(secret));
    expect(series.body.errors?.[0]).toMatchObject({ message: 'last must be between 1 and 2000', extensions: { code: 'BAD_USER_INPUT', messageZh: 'last 必须在 1 到 2000 之间' } });
    // Within the rule, the same field runs (and is priced as before).
    const fine = await server.post(`{ metrics(${window}) { topProducts(limit: 5) { sku { code } } } }`, {}, bearer(secret));
    expect(fine.body.errors).toBeUndefined();
    expect(fine.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 + 1 + 5 * 1 });
  });

  it('charges nodes(ids:) per id, as a page per row, and takes at most 100 ids', async () => {
    const secret = await server.createKey({ shopIds: [shop], scopes: ['READ'] });
    const ids = (n: number) => Array.from({ length: n }, () => campaign);
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Campaign { name progress { gmv } } } }`;
    // The field 1, and per id its progress 1 (scalars are free).
    const ten = await server.post(query, { ids: ids(10) }, bearer(secret));
    expect(ten.body.errors).toBeUndefined();
    expect(ten.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 + 10 * 1 });
    const tooMany = await server.post(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ids(101) }, bearer(secret));
    expect(tooMany.body.errors?.[0]).toMatchObject({
      message: 'nodes takes at most 100 ids; got 101',
      extensions: { code: 'BAD_USER_INPUT', messageZh: 'nodes 最多接受 100 个 id，收到 101 个' },
    });
  });

  it('charges a count of every visible row as a thousand rows, so aliased counts cannot keep the database scanning', async () => {
    const secret = await server.createKey({ shopIds: [shop], scopes: ['READ'] });
    const one = await server.post('{ orders(first: 1) { totalCount } }', {}, bearer(secret));
    expect(one.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 + 1_000 });
    const aliases = Array.from({ length: 20 }, (_, i) => `c${i}: orders(first: 1) { totalCount }`).join(' ');
    const many = await server.post(`{ ${aliases} }`, {}, bearer(secret));
    expect(many.status).toBe(400); // 20,020 points: more than a full bucket ever holds
    expect(many.body.data ?? null).toBeNull();
  });

  it('lets a screen key run the war room’s documents and nothing else', async () => {
    const screen = await server.createKey({ name: '大屏', shopIds: [shop], scopes: ['READ'], trustedDocumentsOnly: true });
    const [id, text] = [...trusted].find(([, t]) => t.includes('WarRoomCampaigns'))!;
    expect(id).toBe(documentId(parse(text)));
    const allowed = await server.post(text, {}, bearer(screen));
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data.campaigns.edges).toHaveLength(1);
    const other = await server.post('{ orders { totalCount } }', {}, bearer(screen));
    expect(other.body.data).toBeUndefined();
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
