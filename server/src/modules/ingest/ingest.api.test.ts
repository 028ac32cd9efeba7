import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';

const INGEST = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index eventId field message code } }
}`;
const INGEST_ZH = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted userErrors { index code message messageZh: message(locale: ZH_CN) } }
}`;

describeEachBackend('event ingestion', (backend) => {
  let server: TestServer;
  let shop: string;
  let shopRowId: string;
  let sku: string;
  let otherShopSku: string;
  beforeEach(async () => {
    const { db } = backend();
    const s = await insertShop(backend().db, '天猫店');
    shop = gid('Shop', s.id);
    shopRowId = s.id;
    sku = gid('Sku', (await insertSku(db, s.id, 'SKU-1', 19_900)).sku.id);
    const other = await insertShop(db, '京东店', 'JD');
    otherShopSku = gid('Sku', (await insertSku(db, other.id, 'SKU-J')).sku.id);
    server = await startTestServer(backend(), { now: () => new Date('2026-11-11T12:00:00+08:00') });
  });
  afterEach(() => server.stop());

  const at = (hhmm: string) => `2026-11-11T${hhmm}:00+08:00`;
  const order = (id: string, extra: Record<string, unknown>) => ({ shopId: shop, source: 'SEARCH', orderId: id, ...extra });

  it('materialises an order paid before it was placed, with exact money', async () => {
    const result = await server.gql(INGEST, {
      events: [
        order('O1', { id: 'e2', type: 'ORDER_PAID', occurredAt: at('10:05'), amount: '398.00', customerId: 'c1' }),
        order('O1', { id: 'e1', type: 'ORDER_PLACED', occurredAt: at('10:00'), items: [{ skuId: sku, quantity: 2, unitPrice: '199.00' }] }),
      ],
    });
    expect(result.data.ingestEvents).toEqual({ accepted: 2, duplicates: 0, userErrors: [] });
    const orders = await server.gql('{ orders { edges { node { externalId status amount placedAt paidAt customer { externalId paidOrders spend } items { quantity sku { stock } } } } } }');
    expect(orders.data.orders.edges[0].node).toEqual({
      externalId: 'O1',
      status: 'PAID',
      amount: '398.00',
      placedAt: '2026-11-11T02:00:00.000Z',
      paidAt: '2026-11-11T02:05:00.000Z',
      customer: { externalId: 'c1', paidOrders: 1, spend: '398.00' },
      items: [{ quantity: 2, sku: { stock: 98 } }],
    });
  });

  it('an order placed at the first instant taken and paid in a later batch keeps both times; the year 0050 is refused, not read as 1950', async () => {
    const early = await server.gql(INGEST, { events: [order('O50', { id: 'p50', type: 'ORDER_PLACED', occurredAt: '0050-06-01T00:00:00.000Z', items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] })] });
    expect(early.errors?.[0]).toMatchObject({ message: expect.stringContaining('from 2000-01-01 to 9998-12-31'), extensions: { code: 'BAD_USER_INPUT' } });
    const placed = await server.gql(INGEST, { events: [order('O00', { id: 'p00', type: 'ORDER_PLACED', occurredAt: '2000-01-01T00:00:00+08:00', items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] })] });
    expect(placed.data.ingestEvents).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
    // The second batch finds the order as stored (order.ingest.ts reads it with raw SQL) and pays it.
    const paid = await server.gql(INGEST, { events: [order('O00', { id: 'y00', type: 'ORDER_PAID', occurredAt: '2000-01-01T00:05:00+08:00', amount: '199.00', customerId: 'c00' })] });
    expect(paid.data.ingestEvents).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
    const orders = await server.gql('{ orders { edges { node { externalId status placedAt paidAt } } } }');
    expect(orders.data.orders.edges.map((e: { node: unknown }) => e.node)).toEqual([{ externalId: 'O00', status: 'PAID', placedAt: '1999-12-31T16:00:00.000Z', paidAt: '1999-12-31T16:05:00.000Z' }]);
    const day = await server.gql(`{ metrics(scope: {}, from: "2000-01-01T00:00:00+08:00", to: "2000-01-02T00:00:00+08:00") { orders gmv } }`);
    expect(day.data.metrics).toEqual({ orders: 1, gmv: '199.00' });
  });

  it('logs producer ids exactly as sent, quotes, braces and separators included, and knows their replays', async () => {
    const ids = ['a"b', 'c\\d', '{e,f}', 'NULL', 'g\u001eh'];
    const visits = ids.map((id) => ({ id, type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: `${id}|\u001e"` }));
    expect((await server.gql(INGEST, { events: visits })).data.ingestEvents).toEqual({ accepted: 5, duplicates: 0, userErrors: [] });
    const logged = await rows<{ event_id: string; visitor: string }>(backend().db, sql`select event_id, payload->>'visitorId' as visitor from events order by seq`);
    expect(logged.map((r) => [r.event_id, r.visitor]).sort()).toEqual(ids.map((id) => [id, `${id}|\u001e"`]).sort());
    expect((await server.gql(INGEST, { events: [...visits].reverse() })).data.ingestEvents).toEqual({ accepted: 0, duplicates: 5, userErrors: [] });
  });

  it('logs nothing for a shop that does not exist (the log has no foreign key; the catalog check is the guard)', async () => {
    const nowhere = gid('Shop', '00000000-0000-4000-8000-000000000000');
    const result = await server.gql(INGEST, { events: [{ id: 'x1', type: 'VISIT', occurredAt: at('09:00'), shopId: nowhere, source: 'SEARCH', visitorId: 'u1' }] });
    expect(result.data.ingestEvents.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    expect(await rows(backend().db, sql`select 1 from events`)).toEqual([]);
  });

  it('reports invalid events by index and still accepts the valid ones', async () => {
    const result = await server.gql(INGEST, {
      events: [
        { id: 'v1', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' },
        { id: 'v2', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH' },
        order('O2', { id: 'p1', type: 'ORDER_PAID', occurredAt: at('09:10'), amount: '1.005', customerId: 'c1' }),
        order('O3', { id: 'p2', type: 'ORDER_PLACED', occurredAt: at('09:10'), items: [{ skuId: otherShopSku, quantity: 1, unitPrice: '1.00' }] }),
        { id: 'v3', type: 'VISIT', occurredAt: at('09:00'), shopId: 'garbage', source: 'SEARCH', visitorId: 'u1' },
      ],
    });
    const payload = result.data.ingestEvents;
    expect(payload.accepted).toBe(1);
    expect(payload.userErrors.map((e: { index: number; code: string; field: string[] }) => [e.index, e.code, e.field.slice(3).join('.')])).toEqual([
      [1, 'INVALID_INPUT', 'visitorId'],
      [2, 'INVALID_AMOUNT', 'amount'],
      [3, 'NOT_FOUND', 'items.0.skuId'],
      [4, 'NOT_FOUND', 'shopId'],
    ]);
  });

  it('refuses, by index, amounts past ¥10,000,000 per order and instants PostgreSQL cannot store, and keeps the rest of the batch', async () => {
    // A payment of ¥2,147,483,648 once failed its whole batch's transaction (its points overflowed an
    // integer), and so did year 0 (a timestamptz cannot hold it): the producer got an internal error.
    const events = [
      { id: 'v1', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' },
      order('O5', { id: 'big', type: 'ORDER_PAID', occurredAt: at('09:10'), amount: '2147483648.00', customerId: 'c1' }),
      order('O6', { id: 'many', type: 'ORDER_PLACED', occurredAt: at('09:10'), items: [{ skuId: sku, quantity: 100_000, unitPrice: '1000.00' }] }),
      order('O7', { id: 'top', type: 'ORDER_PAID', occurredAt: at('09:11'), amount: '10000000.00', customerId: 'c2' }),
    ];
    const result = await server.gql(INGEST, { events });
    expect(result.data.ingestEvents.accepted).toBe(2);
    expect(result.data.ingestEvents.userErrors.map((e: { index: number; code: string; field: string[]; message: string }) => [e.index, e.code, e.field.slice(3).join('.'), e.message])).toEqual([
      [1, 'INVALID_AMOUNT', 'amount', 'at most ¥10,000,000.00 per order'],
      [2, 'INVALID_AMOUNT', 'items', 'the items come to more than ¥10,000,000.00, the most one order may be'],
    ]);
    const zh = await server.gql(INGEST_ZH, { events: [{ ...events[1], id: 'big2' }, order('O9', { id: 'sku', type: 'ORDER_PLACED', occurredAt: at('09:10'), items: [{ skuId: otherShopSku, quantity: 1, unitPrice: '1.00' }] })] });
    expect(zh.data.ingestEvents.userErrors.map((e: { index: number; messageZh: string }) => [e.index, e.messageZh])).toEqual([
      [0, '单笔订单最多 ¥10,000,000.00'],
      [1, '不是该店铺的 SKU'],
    ]);
    const customers = await rows<{ points: number }>(backend().db, sql`select points from customers`);
    expect(customers).toEqual([{ points: 10_000_000 }]);

    const yearZero = await server.gql(INGEST, { events: [{ ...events[0], id: 'v0', occurredAt: '0001-01-01T00:00:00+08:00' }] });
    expect(yearZero.errors?.[0]).toMatchObject({ message: expect.stringContaining('from 2000-01-01 to 9998-12-31'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await rows(backend().db, sql`select event_id from event_keys order by event_id`)).toEqual([{ event_id: 'top' }, { event_id: 'v1' }]);
  });

  it('refuses, by index, an event whose text PostgreSQL cannot store (NUL, half a surrogate pair), and keeps the rest of the batch', async () => {
    // PostgreSQL's text and jsonb cannot hold U+0000 or half a surrogate pair: one such id failed the whole batch as an internal error.
    const nul = 'x\u0000y';
    const result = await server.gql(INGEST, {
      events: [
        { id: 'v1', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' },
        { id: nul, type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u2' },
        { id: 'v3', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: nul },
        order('O8', { id: 'p8', type: 'ORDER_PAID', occurredAt: at('09:10'), amount: '1.00', customerId: nul }),
        order(nul, { id: 'p9', type: 'ORDER_PAID', occurredAt: at('09:10'), amount: '1.00', customerId: 'c9' }),
        order('O10', { id: 'p10', type: 'ORDER_REFUNDED', occurredAt: at('09:20'), amount: '1.00', reason: nul }),
        { id: 'half\ud800', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u3' },
      ],
    });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data.ingestEvents.accepted).toBe(1);
    expect(result.data.ingestEvents.userErrors.map((e: { index: number; code: string; field: string[]; message: string }) => [e.index, e.code, e.field.slice(3).join('.'), e.message])).toEqual([
      [1, 'INVALID_INPUT', 'id', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
      [2, 'INVALID_INPUT', 'visitorId', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
      [3, 'INVALID_INPUT', 'customerId', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
      [4, 'INVALID_INPUT', 'orderId', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
      [5, 'INVALID_INPUT', 'reason', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
      [6, 'INVALID_INPUT', 'id', 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate'],
    ]);
  });

  it('says an id too long and a refund over the order in the API’s words: characters and yuan, not zod’s or fen', async () => {
    const result = await server.gql(
      `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { index field message messageZh: message(locale: ZH_CN) } } }`,
      {
        events: [
          { id: 'v'.repeat(129), type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' },
          order('O20', { id: 'p20', type: 'ORDER_PAID', occurredAt: at('09:10'), amount: '200.00', customerId: 'c20' }),
          order('O20', { id: 'r20', type: 'ORDER_REFUNDED', occurredAt: at('09:20'), amount: '200.01', reason: '七天无理由退货' }),
        ],
      },
    );
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const errors = result.data.ingestEvents.userErrors.map((e: { index: number; message: string; messageZh: string }) => [e.index, e.message, e.messageZh]);
    expect(errors).toEqual([
      [0, 'must be at most 128 characters', '最多 128 个字符'],
      [2, 'refunds would exceed the order amount of ¥200.00', '退款将超过订单金额 ¥200.00'],
    ]);
  });

  it('echoes an id longer than any id may be cut to its first 128 characters, not whole', async () => {
    const result = await server.gql(`mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { userErrors { index eventId } } }`, {
      events: [{ id: 'x'.repeat(10_000), type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' }],
    });
    expect(result.data.ingestEvents.userErrors).toEqual([{ index: 0, eventId: `${'x'.repeat(128)}…` }]);
  });

  it('counts a replay as a duplicate and refuses a reused id with different content', async () => {
    const visit = { id: 'v1', type: 'VISIT', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1' };
    await server.gql(INGEST, { events: [visit] });
    const again = await server.gql(INGEST, { events: [visit, { ...visit, visitorId: 'u2' }] });
    expect(again.data.ingestEvents.accepted).toBe(0);
    expect(again.data.ingestEvents.duplicates).toBe(1);
    expect(again.data.ingestEvents.userErrors).toMatchObject([{ index: 1, code: 'CONFLICT' }]);
    const [visits] = await rows<{ n: number }>(backend().db, sql`select sum(visits)::int as n from metric_rollups where granularity = 'DAY'`);
    expect(visits!.n).toBe(1);
    // The console reads the same refusals in Chinese, with the event's id: reused across batches and within one.
    const zh = await server.gql(INGEST_ZH, { events: [{ ...visit, visitorId: 'u2' }, { ...visit, id: 'v9' }, { ...visit, id: 'v9', visitorId: 'u3' }] });
    expect(zh.data.ingestEvents.userErrors).toEqual([
      { index: 0, code: 'CONFLICT', message: 'event id v1 was already used for a different event', messageZh: '事件 id v1 已被另一个不同的事件使用' },
      { index: 2, code: 'CONFLICT', message: 'event id v9 appears twice in this batch with different content', messageZh: '事件 id v9 在本批中出现两次且内容不同' },
    ]);
  });

  it('leaves no empty order behind when every event of a new order is refused', async () => {
    await server.gql(INGEST, { events: [order('O1', { id: 'e1', type: 'ORDER_PLACED', occurredAt: at('10:00'), items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] })] });
    const reused = await server.gql(INGEST, { events: [order('O2', { id: 'e1', type: 'ORDER_PLACED', occurredAt: at('10:01'), items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] })] });
    expect(reused.data.ingestEvents.userErrors).toMatchObject([{ index: 0, code: 'CONFLICT' }]);
    const orders = await server.gql('{ orders { totalCount edges { node { externalId } } } }');
    expect(orders.data.orders).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'O1' } }] });
  });

  it('refuses a refund beyond the paid amount and keeps partial refunds', async () => {
    await server.gql(INGEST, { events: [order('O4', { id: 'p', type: 'ORDER_PAID', occurredAt: at('08:00'), amount: '100.00', customerId: 'c9' })] });
    const refunds = await server.gql(INGEST, {
      events: [
        order('O4', { id: 'r1', type: 'ORDER_REFUNDED', occurredAt: at('11:00'), amount: '30.00', reason: '七天无理由' }),
        order('O4', { id: 'r2', type: 'ORDER_REFUNDED', occurredAt: at('11:30'), amount: '80.00' }),
      ],
    });
    expect(refunds.data.ingestEvents.accepted).toBe(1);
    expect(refunds.data.ingestEvents.userErrors).toMatchObject([{ index: 1, code: 'INVALID_AMOUNT' }]);
    const o = await server.gql('{ orders { edges { node { status refundedAmount netAmount refunds { amount reason } } } } }');
    expect(o.data.orders.edges[0].node).toEqual({ status: 'PAID', refundedAmount: '30.00', netAmount: '70.00', refunds: [{ amount: '30.00', reason: '七天无理由' }] });
    // The refused refund left nothing in the log: its id can still carry the corrected refund.
    expect(await rows(backend().db, sql`select event_id from event_keys order by event_id`)).toEqual([{ event_id: 'p' }, { event_id: 'r1' }]);
    const corrected = await server.gql(INGEST, { events: [order('O4', { id: 'r2', type: 'ORDER_REFUNDED', occurredAt: at('11:30'), amount: '70.00' })] });
    expect(corrected.data.ingestEvents).toMatchObject({ accepted: 1, userErrors: [] });
    expect(await rows(backend().db, sql`select event_id from events order by event_id`)).toEqual([{ event_id: 'p' }, { event_id: 'r1' }, { event_id: 'r2' }]);
  });

  it('checks a refund that came before its payment once the payment comes, and refuses the payment it would exceed', async () => {
    const early = await server.gql(INGEST, { events: [order('O8', { id: 'r', type: 'ORDER_REFUNDED', occurredAt: at('11:00'), amount: '1000000.00' })] });
    expect(early.data.ingestEvents).toMatchObject({ accepted: 1, userErrors: [] });
    const paid = await server.gql(INGEST, { events: [order('O8', { id: 'p', type: 'ORDER_PAID', occurredAt: at('10:00'), amount: '10.00', customerId: 'c8' })] });
    expect(paid.data.ingestEvents).toMatchObject({ accepted: 0, userErrors: [{ index: 0, code: 'INVALID_AMOUNT' }] });
    // The refund counts from its own moment; the refused payment added no GMV or order to it.
    const day = `{ metrics(scope: {}, from: "2026-11-11T00:00:00+08:00", to: "2026-11-12T00:00:00+08:00") { gmv netGmv orders } }`;
    expect((await server.gql(day)).data.metrics).toEqual({ gmv: '0.00', netGmv: '-1000000.00', orders: 0 });
    const corrected = await server.gql(INGEST, { events: [order('O8', { id: 'p', type: 'ORDER_PAID', occurredAt: at('10:00'), amount: '1000000.00', customerId: 'c8' })] });
    expect(corrected.data.ingestEvents).toMatchObject({ accepted: 1, userErrors: [] });
    const o = await server.gql('{ orders { edges { node { status refundedAmount netAmount } } } }');
    expect(o.data.orders.edges[0].node).toEqual({ status: 'REFUNDED', refundedAmount: '1000000.00', netAmount: '0.00' });
    expect((await server.gql(day)).data.metrics).toEqual({ gmv: '1000000.00', netGmv: '0.00', orders: 1 });
  });

  it('accepts a SKU created after the catalog was first read, on its first use', async () => {
    const visit = (id: string, skuId: string) => ({ id, type: 'PRODUCT_VIEW', occurredAt: at('09:00'), shopId: shop, source: 'SEARCH', visitorId: 'u1', skuId });
    expect((await server.gql(INGEST, { events: [visit('w1', sku)] })).data.ingestEvents.accepted).toBe(1);
    const created = await server.gql(`mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { skus { id } } userErrors { code } } }`, {
      input: { shopId: shop, name: '羽绒服', category: '服饰', role: 'PROFIT', skus: [{ code: 'NEW-1', price: '599.00', cost: '200.00', stock: 10 }] },
    });
    const fresh = created.data.createProduct.product.skus[0].id;
    const placed = await server.gql(INGEST, {
      events: [visit('w2', fresh), order('O9', { id: 'n1', type: 'ORDER_PLACED', occurredAt: at('09:01'), items: [{ skuId: fresh, quantity: 2, unitPrice: '599.00' }] })],
    });
    expect(placed.data.ingestEvents).toEqual({ accepted: 2, duplicates: 0, userErrors: [] });
  });

  it('keeps another shop\'s SKUs unknown to a key limited to one shop, even once they are cached', async () => {
    const otherShop = (await rows<{ shop_id: string }>(backend().db, sql`select shop_id from skus where code = 'SKU-J'`))[0]!.shop_id;
    // The admin key's batch puts the JD shop and its SKU into the catalog cache first.
    const asAdmin = await server.gql(INGEST, { events: [{ id: 'j1', type: 'PRODUCT_VIEW', occurredAt: at('09:00'), shopId: gid('Shop', otherShop), source: 'SEARCH', visitorId: 'u1', skuId: otherShopSku }] });
    expect(asAdmin.data.ingestEvents.accepted).toBe(1);
    const tmallOnly = await server.createKey({ shopIds: [Buffer.from(shop, 'base64').toString().split(':')[1]!], scopes: ['INGEST'] });
    const forged = gid('Sku', '00000000-0000-4000-8000-000000000000');
    const result = await server.gql(
      INGEST,
      {
        events: [
          { id: 'k1', type: 'PRODUCT_VIEW', occurredAt: at('09:05'), shopId: shop, source: 'SEARCH', visitorId: 'u2', skuId: otherShopSku },
          { id: 'k2', type: 'PRODUCT_VIEW', occurredAt: at('09:05'), shopId: shop, source: 'SEARCH', visitorId: 'u2', skuId: forged },
          { id: 'k3', type: 'PRODUCT_VIEW', occurredAt: at('09:05'), shopId: gid('Shop', otherShop), source: 'SEARCH', visitorId: 'u2', skuId: otherShopSku },
        ],
      },
      bearer(tmallOnly),
    );
    // The real JD SKU and a made-up one answer alike: the key learns nothing about the other shop.
    expect(result.data.ingestEvents.accepted).toBe(0);
    expect(result.data.ingestEvents.userErrors.map((e: { index: number; code: string; field: string[] }) => [e.index, e.code, e.field.slice(3).join('.')])).toEqual([
      [0, 'NOT_FOUND', 'skuId'],
      [1, 'NOT_FOUND', 'skuId'],
      [2, 'FORBIDDEN', 'shopId'],
      [2, 'NOT_FOUND', 'skuId'],
    ]);
    const [stored] = await rows<{ n: number }>(backend().db, sql`select count(*)::int as n from events where event_id like 'k%'`);
    expect(stored!.n).toBe(0);
  });

  it("lets an order's later events leave its source out (a warehouse's shipment), refuses a source-less event of an order not known yet, and still refuses one naming another source", async () => {
    const without = (id: string, extra: Record<string, unknown>) => ({ shopId: shop, orderId: id, ...extra });
    const first = await server.gql(INGEST, {
      events: [
        order('O1', { id: 'p1', type: 'ORDER_PLACED', occurredAt: at('10:00'), items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] }),
        without('O1', { id: 'y1', type: 'ORDER_PAID', occurredAt: at('10:05'), amount: '199.00', customerId: 'c1' }),
        // O2: its earliest event names no source, a later one does: the order is that one's.
        without('O2', { id: 'p2', type: 'ORDER_PLACED', occurredAt: at('10:10'), items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] }),
        { ...without('O2', { id: 'y2', type: 'ORDER_PAID', occurredAt: at('10:12'), amount: '199.00', customerId: 'c2' }), source: 'PAID' },
      ],
    });
    expect(first.data.ingestEvents).toEqual({ accepted: 4, duplicates: 0, userErrors: [] });
    const shipped = await server.gql(INGEST, {
      events: [
        without('O1', { id: 's1', type: 'ORDER_SHIPPED', occurredAt: at('11:00'), carrier: '顺丰', trackingNumber: 'SF1001' }),
        without('O3', { id: 's3', type: 'ORDER_SHIPPED', occurredAt: at('11:00'), carrier: '中通', trackingNumber: 'ZT3' }),
        order('O1', { id: 'r1', type: 'ORDER_REFUNDED', occurredAt: at('11:30'), amount: '10.00', source: 'SOCIAL' }),
        { id: 'v1', type: 'VISIT', occurredAt: at('11:00'), shopId: shop, visitorId: 'u1' },
      ],
    });
    expect(shipped.data.ingestEvents.accepted).toBe(1);
    expect(shipped.data.ingestEvents.userErrors).toEqual([
      { index: 1, eventId: 's3', field: ['input', 'events', '1', 'source'], code: 'INVALID_INPUT', message: expect.stringContaining('order O3 is not known yet') },
      { index: 2, eventId: 'r1', field: ['input', 'events', '2', 'source'], code: 'CONFLICT', message: expect.stringContaining('attributed to SEARCH') },
      { index: 3, eventId: 'v1', field: ['input', 'events', '3', 'source'], code: 'INVALID_INPUT', message: 'VISIT needs its traffic source' },
    ]);
    const orders = await server.gql('{ orders { edges { node { externalId source status carrier refundedAmount } } } }');
    expect(orders.data.orders.edges.map((e: { node: unknown }) => e.node).sort((a: { externalId: string }, b: { externalId: string }) => a.externalId.localeCompare(b.externalId))).toEqual([
      { externalId: 'O1', source: 'SEARCH', status: 'SHIPPED', carrier: '顺丰', refundedAmount: '0.00' },
      { externalId: 'O2', source: 'PAID', status: 'PAID', carrier: null, refundedAmount: '0.00' },
    ]);
    // The refused events' keys were given back: sent again with the source, O3's shipment is accepted.
    const again = await server.gql(INGEST, { events: [{ ...without('O3', { id: 's3', type: 'ORDER_SHIPPED', occurredAt: at('11:00'), carrier: '中通', trackingNumber: 'ZT3' }), source: 'SEARCH' }] });
    expect(again.data.ingestEvents).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
  });

  it("keeps a campaign order's campaign for its source-less events, and refuses one naming another campaign", async () => {
    const [double11, other] = [await insertCampaign(backend().db, [shopRowId]), await insertCampaign(backend().db, [shopRowId], '年货节')];
    const placed = await server.gql(INGEST, {
      events: [order('O4', { id: 'p4', type: 'ORDER_PLACED', occurredAt: at('10:00'), campaignId: gid('Campaign', double11.id), items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] })],
    });
    expect(placed.data.ingestEvents).toEqual({ accepted: 1, duplicates: 0, userErrors: [] });
    const later = await server.gql(INGEST, {
      events: [
        { id: 'y4', type: 'ORDER_PAID', occurredAt: at('10:05'), shopId: shop, orderId: 'O4', amount: '199.00', customerId: 'c4' },
        { id: 'd4', type: 'ORDER_DELIVERED', occurredAt: at('12:00'), shopId: shop, orderId: 'O4', campaignId: gid('Campaign', other.id) },
      ],
    });
    expect(later.data.ingestEvents.accepted).toBe(1);
    expect(later.data.ingestEvents.userErrors).toEqual([{ index: 1, eventId: 'd4', field: ['input', 'events', '1', 'source'], code: 'CONFLICT', message: expect.stringContaining('attributed to SEARCH and a campaign') }]);
    // The payment counted under the order's campaign.
    const figures = await server.gql('query ($c: ID!) { metrics(scope: { campaignId: $c }, from: "2026-11-11T00:00:00+08:00", to: "2026-11-12T00:00:00+08:00") { gmv orders } }', { c: gid('Campaign', double11.id) });
    expect(figures.data.metrics).toEqual({ gmv: '199.00', orders: 1 });
  });
});

