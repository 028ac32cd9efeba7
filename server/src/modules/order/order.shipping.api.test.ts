import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';

const INGEST = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index field message code } }
}`;
const INGEST_ZH = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted userErrors { index code messageZh: message(locale: ZH_CN) } }
}`;
const NOW = new Date('2026-11-11T12:00:00+08:00');
const at = (local: string) => new Date(`2026-${local}:00+08:00`).toISOString();

type Event = Record<string, unknown>;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every non-zero shipping figure of the rollups, per granularity, bucket and source. */
async function shippingRollups(db: Parameters<typeof rows>[0]) {
  const found = await rows<{ g: string; bucket: string | Date; source: string; shipped: number; delivered: number; seconds: number; timed: number }>(
    db,
    sql`select granularity::text as g, bucket, source::text as source, sum(orders_shipped)::int as shipped,
          sum(orders_delivered)::int as delivered, sum(ship_seconds)::int as seconds, sum(ship_timed_orders)::int as timed
        from metric_rollups group by 1, 2, 3
        having sum(orders_shipped) <> 0 or sum(orders_delivered) <> 0 or sum(ship_seconds) <> 0 or sum(ship_timed_orders) <> 0
        order by 1, 2, 3`,
  );
  return found.map((r) => [r.g, new Date(r.bucket).toISOString(), r.source, r.shipped, r.delivered, r.seconds, r.timed]);
}

describeEachBackend('shipping events', (backend) => {
  let server: TestServer;
  let shopRowId: string;
  let shop: string;
  let sku: string;
  beforeEach(async () => {
    const s = await insertShop(backend().db, '天猫店');
    shopRowId = s.id;
    shop = gid('Shop', s.id);
    sku = gid('Sku', (await insertSku(backend().db, s.id, 'SKU-1', 19_900)).sku.id);
    server = await startTestServer(backend(), { now: () => NOW });
  });
  afterEach(() => server.stop());

  const ingest = async (events: Event[], headers?: Record<string, string>) => (await server.gql(INGEST, { events }, headers)).data?.ingestEvents;
  const event = (orderId: string, source: string, name: string, type: string, occurredAt: string, extra: Event = {}): Event => ({
    id: `${orderId}-${name}`, type, occurredAt, shopId: shop, source, orderId, ...extra,
  });

  it('ends every arrival order of placed, paid, two shipments, a delivery and a full refund in the same orders and exact rollups; a replay changes nothing', async () => {
    // A: a split parcel — the later scan (中通) may arrive first, the earlier one (顺丰) must win.
    const a = (k: number) => [
      event(`A${k}`, 'SEARCH', 'placed', 'ORDER_PLACED', at('11-10T10:00'), { items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] }),
      event(`A${k}`, 'SEARCH', 'paid', 'ORDER_PAID', at('11-10T10:05'), { amount: '199.00', customerId: `a${k}` }),
      event(`A${k}`, 'SEARCH', 'late', 'ORDER_SHIPPED', at('11-10T11:00'), { carrier: '中通', trackingNumber: `ZT${k}` }),
      event(`A${k}`, 'SEARCH', 'early', 'ORDER_SHIPPED', at('11-10T10:40'), { carrier: '顺丰', trackingNumber: `SF${k}` }),
      event(`A${k}`, 'SEARCH', 'delivered', 'ORDER_DELIVERED', at('11-11T09:00')),
    ];
    // B: returned after shipping — fully refunded, whatever shipping news comes after.
    const b = (k: number) => [
      event(`B${k}`, 'SOCIAL', 'placed', 'ORDER_PLACED', at('11-10T10:00'), { items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }] }),
      event(`B${k}`, 'SOCIAL', 'paid', 'ORDER_PAID', at('11-10T10:05'), { amount: '199.00', customerId: `b${k}` }),
      event(`B${k}`, 'SOCIAL', 'shipped', 'ORDER_SHIPPED', at('11-10T10:30')),
      event(`B${k}`, 'SOCIAL', 'refund', 'ORDER_REFUNDED', at('11-10T14:00'), { amount: '199.00', reason: '七天无理由退货' }),
      event(`B${k}`, 'SOCIAL', 'delivered', 'ORDER_DELIVERED', at('11-11T08:00')),
    ];
    // All 120 arrival orders at once: round r carries each order's r-th event of its own permutation,
    // one round per call, so every order sees its events arrive in a different order.
    const orders = permutations([0, 1, 2, 3, 4]).flatMap((perm, k) => [perm.map((i) => a(k)[i]!), perm.map((i) => b(k)[i]!)]);
    const rounds = [0, 1, 2, 3, 4].map((r) => orders.map((events) => events[r]!));
    for (const round of rounds) expect(await ingest(round)).toEqual({ accepted: 240, duplicates: 0, userErrors: [] });

    // 120 orders are two pages: a page holds at most 100.
    const page = async (status: string, after: string | null) =>
      (await server.gql(`query ($s: [OrderStatus!], $after: String) { orders(filter: { statuses: $s }, first: 100, after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node {
        externalId status placedAt paidAt shippedAt deliveredAt carrier trackingNumber amount refundedAmount } } } }`, { s: [status], after })).data.orders;
    const list = async (status: string) => {
      const first = await page(status, null);
      const rest = first.pageInfo.hasNextPage ? (await page(status, first.pageInfo.endCursor)).edges : [];
      return { totalCount: first.totalCount, edges: [...first.edges, ...rest] };
    };
    const delivered = await list('DELIVERED');
    expect(delivered.totalCount).toBe(120);
    expect(delivered.edges).toHaveLength(120);
    // A page asked for beyond the cap is served the cap, and says the list goes on.
    const asked = (await server.gql(`{ orders(filter: { statuses: [DELIVERED] }, first: 200) { pageInfo { hasNextPage } edges { cursor } } }`)).data.orders;
    expect(asked.edges).toHaveLength(100);
    expect(asked.pageInfo.hasNextPage).toBe(true);
    for (const { node } of delivered.edges) {
      expect(node).toEqual({
        externalId: node.externalId, status: 'DELIVERED', placedAt: at('11-10T10:00'), paidAt: at('11-10T10:05'), shippedAt: at('11-10T10:40'),
        deliveredAt: at('11-11T09:00'), carrier: '顺丰', trackingNumber: `SF${node.externalId.slice(1)}`, amount: '199.00', refundedAmount: '0.00',
      });
    }
    const refunded = await list('REFUNDED');
    expect(refunded.totalCount).toBe(120);
    expect(refunded.edges).toHaveLength(120);
    for (const { node } of refunded.edges) {
      expect(node).toMatchObject({ status: 'REFUNDED', shippedAt: at('11-10T10:30'), deliveredAt: at('11-11T08:00'), carrier: null, refundedAmount: '199.00' });
    }

    // One shipment and one delivery per order, at its earliest moment; the later scan moved away whole.
    const minute = (local: string) => at(local);
    const expected = [
      ['DAY', at('11-10T00:00'), 'SEARCH', 120, 0, 120 * 35 * 60, 120],
      ['DAY', at('11-10T00:00'), 'SOCIAL', 120, 0, 120 * 25 * 60, 120],
      ['DAY', at('11-11T00:00'), 'SEARCH', 0, 120, 0, 0],
      ['DAY', at('11-11T00:00'), 'SOCIAL', 0, 120, 0, 0],
      ['HOUR', at('11-10T10:00'), 'SEARCH', 120, 0, 120 * 35 * 60, 120],
      ['HOUR', at('11-10T10:00'), 'SOCIAL', 120, 0, 120 * 25 * 60, 120],
      ['HOUR', at('11-11T08:00'), 'SOCIAL', 0, 120, 0, 0],
      ['HOUR', at('11-11T09:00'), 'SEARCH', 0, 120, 0, 0],
      ['MINUTE', minute('11-10T10:30'), 'SOCIAL', 120, 0, 120 * 25 * 60, 120],
      ['MINUTE', minute('11-10T10:40'), 'SEARCH', 120, 0, 120 * 35 * 60, 120],
      ['MINUTE', minute('11-11T08:00'), 'SOCIAL', 0, 120, 0, 0],
      ['MINUTE', minute('11-11T09:00'), 'SEARCH', 0, 120, 0, 0],
    ];
    expect(await shippingRollups(backend().db)).toEqual(expected);
    const [money] = await rows<{ paid: number; gmv: number; refunded: number }>(
      backend().db,
      sql`select sum(orders_paid)::int as paid, sum(gmv_fen)::int as gmv, sum(refunded_orders)::int as refunded from metric_rollups where granularity = 'DAY'`,
    );
    expect(money).toEqual({ paid: 240, gmv: 240 * 19_900, refunded: 120 });

    const snapshot = async () => [
      await rows(backend().db, sql`select * from metric_rollups order by granularity, bucket, source`),
      await rows(backend().db, sql`select id, status, placed_at, paid_at, shipped_at, delivered_at, carrier, tracking_number, amount_fen, refunded_fen from orders order by id`),
    ];
    const before = await snapshot();
    for (const round of [...rounds].reverse()) expect(await ingest(round)).toEqual({ accepted: 0, duplicates: 240, userErrors: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('records a shipment that arrives before its payment, and makes the order SHIPPED once it is paid', async () => {
    const o = (name: string, type: string, time: string, extra: Event = {}) => event('O1', 'SEARCH', name, type, at(time), extra);
    const fulfilment = async () =>
      (await server.gql(`{ metrics(scope: {}, from: "${at('11-10T00:00')}", to: "${at('11-12T00:00')}") { orders fulfilment { shippedOrders deliveredOrders averagePaidToShippedSeconds unshippedOverdue } } }`)).data.metrics;
    const order = async () => (await server.gql('{ orders { edges { node { status paidAt shippedAt deliveredAt carrier trackingNumber } } } }')).data.orders.edges[0].node;

    expect(await ingest([o('shipped', 'ORDER_SHIPPED', '11-10T11:00', { carrier: '京东物流', trackingNumber: 'JDX001' })])).toMatchObject({ accepted: 1, userErrors: [] });
    // Not paid as far as we know: still PLACED, but the parcel did leave and counts as shipped.
    expect(await order()).toEqual({ status: 'PLACED', paidAt: null, shippedAt: at('11-10T11:00'), deliveredAt: null, carrier: '京东物流', trackingNumber: 'JDX001' });
    expect(await fulfilment()).toEqual({ orders: 0, fulfilment: { shippedOrders: 1, deliveredOrders: 0, averagePaidToShippedSeconds: null, unshippedOverdue: 0 } });

    await ingest([o('paid', 'ORDER_PAID', '11-10T10:15', { amount: '88.00', customerId: 'c1' })]);
    expect(await order()).toMatchObject({ status: 'SHIPPED', paidAt: at('11-10T10:15') });
    expect((await fulfilment()).fulfilment).toEqual({ shippedOrders: 1, deliveredOrders: 0, averagePaidToShippedSeconds: 45 * 60, unshippedOverdue: 0 });

    await ingest([o('delivered', 'ORDER_DELIVERED', '11-11T09:30')]);
    expect(await order()).toMatchObject({ status: 'DELIVERED', deliveredAt: at('11-11T09:30') });

    // A full refund outranks every shipping status, and a later re-shipment does not undo it.
    await ingest([o('refund', 'ORDER_REFUNDED', '11-11T10:00', { amount: '88.00' })]);
    await ingest([o('reship', 'ORDER_SHIPPED', '11-11T10:30', { carrier: '顺丰', trackingNumber: 'SF9' })]);
    expect(await order()).toEqual({ status: 'REFUNDED', paidAt: at('11-10T10:15'), shippedAt: at('11-10T11:00'), deliveredAt: at('11-11T09:30'), carrier: '京东物流', trackingNumber: 'JDX001' });
    expect((await fulfilment()).fulfilment).toEqual({ shippedOrders: 1, deliveredOrders: 1, averagePaidToShippedSeconds: 45 * 60, unshippedOverdue: 0 });
  });

  it('counts a shipment stamped before its payment as zero seconds, never negative time', async () => {
    await ingest([
      event('C1', 'SEARCH', 'shipped', 'ORDER_SHIPPED', at('11-10T09:00')),
      event('C1', 'SEARCH', 'paid', 'ORDER_PAID', at('11-10T10:00'), { amount: '10.00', customerId: 'c1' }),
      event('C2', 'SEARCH', 'paid', 'ORDER_PAID', at('11-10T10:00'), { amount: '10.00', customerId: 'c2' }),
      event('C2', 'SEARCH', 'shipped', 'ORDER_SHIPPED', at('11-10T10:10')),
    ]);
    const m = (await server.gql(`{ metrics(scope: {}, from: "${at('11-10T00:00')}", to: "${at('11-11T00:00')}") { fulfilment { shippedOrders averagePaidToShippedSeconds } } }`)).data.metrics;
    expect(m.fulfilment).toEqual({ shippedOrders: 2, averagePaidToShippedSeconds: (0 + 600) / 2 });
  });

  it('reports bad shipping events by index and field, and keeps the good ones', async () => {
    const result = await ingest([
      { id: 's1', type: 'ORDER_SHIPPED', occurredAt: at('11-11T10:00'), shopId: shop, source: 'SEARCH' },
      event('O1', 'SEARCH', 's2', 'ORDER_SHIPPED', at('11-11T10:00'), { carrier: '' }),
      event('O1', 'SEARCH', 's3', 'ORDER_SHIPPED', at('11-11T10:00'), { trackingNumber: 'X'.repeat(65) }),
      { id: 'd1', type: 'ORDER_DELIVERED', occurredAt: at('11-11T10:00'), shopId: shop, source: 'SEARCH' },
      event('O1', 'SEARCH', 's4', 'ORDER_SHIPPED', at('11-11T10:00'), { carrier: '圆通', trackingNumber: 'YT1' }),
    ]);
    expect(result.accepted).toBe(1);
    expect(result.userErrors.map((e: { index: number; code: string; field: string[] }) => [e.index, e.code, e.field.join('.')])).toEqual([
      [0, 'INVALID_INPUT', 'input.events.0.orderId'],
      [1, 'INVALID_INPUT', 'input.events.1.carrier'],
      [2, 'INVALID_INPUT', 'input.events.2.trackingNumber'],
      [3, 'INVALID_INPUT', 'input.events.3.orderId'],
    ]);

    // What the order refuses reads in Chinese too, with the order and the figures.
    const zh = await server.gql(INGEST_ZH, {
      events: [
        event('O1', 'SEARCH', 'p1', 'ORDER_PAID', at('11-11T10:05'), { amount: '10.00', customerId: 'c1' }),
        event('O1', 'SEARCH', 'p2', 'ORDER_PAID', at('11-11T10:06'), { amount: '10.00', customerId: 'c1' }),
        event('O1', 'SOCIAL', 'r1', 'ORDER_REFUNDED', at('11-11T10:07'), { amount: '1.00' }),
        event('O1', 'SEARCH', 'r2', 'ORDER_REFUNDED', at('11-11T10:08'), { amount: '20.00' }),
        event('O1', 'SEARCH', 'c2', 'ORDER_DELIVERED', at('11-11T10:09'), { customerId: 'c2' }),
        { id: 'x1', type: 'ORDER_SHIPPED', occurredAt: at('11-11T10:00'), shopId: shop, orderId: 'O2' },
      ],
    });
    expect(zh.data.ingestEvents.accepted).toBe(1);
    expect(zh.data.ingestEvents.userErrors).toEqual([
      { index: 1, code: 'CONFLICT', messageZh: '订单 O1 已支付' },
      { index: 2, code: 'CONFLICT', messageZh: '订单 O1 已归因于 SEARCH，其事件必须与之一致' },
      { index: 3, code: 'INVALID_AMOUNT', messageZh: '退款将超过订单金额 ¥10.00' },
      { index: 4, code: 'CONFLICT', messageZh: '订单 O1 属于另一位客户' },
      { index: 5, code: 'INVALID_INPUT', messageZh: '订单 O2 尚未登记：首个登记订单的事件需要带上流量来源（有活动时还需活动）；后续事件可省略' },
    ]);
  });

  it('refuses shipping events from a READ-only key, and from a key of another shop per event', async () => {
    const other = await insertShop(backend().db, '京东店', 'JD');
    const readOnly = await server.createKey({ shopIds: [shopRowId], scopes: ['READ'] });
    const refused = await server.gql(INGEST, { events: [event('O1', 'SEARCH', 's1', 'ORDER_SHIPPED', at('11-11T10:00'))] }, bearer(readOnly));
    expect(refused.data).toBeFalsy();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const otherShopKey = await server.createKey({ shopIds: [other.id], scopes: ['READ', 'INGEST'] });
    const foreign = await ingest([event('O1', 'SEARCH', 's1', 'ORDER_SHIPPED', at('11-11T10:00'))], bearer(otherShopKey));
    expect(foreign).toMatchObject({ accepted: 0, userErrors: [{ index: 0, code: 'FORBIDDEN', field: ['input', 'events', '0', 'shopId'] }] });
    const [stored] = await rows<{ n: number }>(backend().db, sql`select count(*)::int as n from orders`);
    expect(stored!.n).toBe(0);
  });
});
