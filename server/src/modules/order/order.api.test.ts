import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertCustomer, insertOrder, insertShop, insertSku } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { refunds } from './order.table.js';

const ORDERS = `query ($filter: OrderFilter, $first: Int, $after: String) {
  orders(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { externalId } }
    pageInfo { hasNextPage endCursor }
  }
}`;
type Page = { totalCount: number; edges: { node: { externalId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
const ids = (page: Page) => page.edges.map((e) => e.node.externalId);

describeEachBackend('orders', (backend) => {
  let server: TestServer;
  let tmall: { id: string };
  let jd: { id: string };
  let skuId: string;

  beforeEach(async () => {
    const { db } = backend();
    tmall = await insertShop(db, '天猫店');
    jd = await insertShop(db, '京东店', 'JD');
    skuId = (await insertSku(db, tmall.id, 'T-1', 12_345)).sku.id;
    // One order every hour on 11.11 (UTC+8), alternating status and shop.
    for (let hour = 0; hour < 10; hour++) {
      await insertOrder(db, {
        shopId: hour % 2 === 0 ? tmall.id : jd.id,
        externalId: `O-${hour}`,
        placedAt: new Date(`2026-11-11T${String(hour).padStart(2, '0')}:00:00+08:00`),
        status: hour % 3 === 0 ? 'PLACED' : 'PAID',
        channel: hour % 2 === 0 ? 'TMALL' : 'JD',
      });
    }
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it('lists newest first and pages through every order exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: { data?: { orders: Page } } = await server.gql(ORDERS, { first: 3, after });
      const page: Page = result.data!.orders;
      expect(page.totalCount).toBe(10);
      seen.push(...ids(page));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(['O-9', 'O-8', 'O-7', 'O-6', 'O-5', 'O-4', 'O-3', 'O-2', 'O-1', 'O-0']);
  });

  it('filters by shop, status and a [from, to) window together', async () => {
    const result = await server.gql(ORDERS, {
      filter: {
        shopIds: [gid('Shop', tmall.id)],
        statuses: ['PAID'],
        from: '2026-11-11T02:00:00+08:00',
        to: '2026-11-11T08:00:00+08:00',
      },
    });
    // Tmall has the even hours; hours 0, 3, 6, 9 are unpaid; 8 is outside [2, 8).
    expect(ids(result.data.orders)).toEqual(['O-4', 'O-2']);
    expect(result.data.orders.totalCount).toBe(2);
  });

  it('filters by channel and campaign', async () => {
    const { db } = backend();
    const campaign = await insertCampaign(db, [tmall.id]);
    await insertOrder(db, { shopId: tmall.id, externalId: 'C-1', placedAt: new Date('2026-11-11T12:00:00+08:00'), campaignId: campaign.id });
    const byCampaign = await server.gql(ORDERS, { filter: { campaignId: gid('Campaign', campaign.id) } });
    expect(ids(byCampaign.data.orders)).toEqual(['C-1']);
    const byChannel = await server.gql(ORDERS, { filter: { channels: ['JD'] } });
    expect(byChannel.data.orders.totalCount).toBe(5);
  });

  it('shows items, refunds and exact amounts of an order', async () => {
    const { db } = backend();
    const customer = await insertCustomer(db, tmall.id, 'c-1');
    const order = await insertOrder(db, {
      shopId: tmall.id,
      externalId: 'R-1',
      customerId: customer.id,
      placedAt: new Date('2026-11-11T20:00:00+08:00'),
      items: [{ skuId, quantity: 3, unitPriceFen: 12_345 }],
    });
    await db.insert(refunds).values({ orderId: order.id, amountFen: 12_345, reason: '七天无理由', refundedAt: new Date('2026-11-12T10:00:00+08:00') });
    const result = await server.gql(
      `query ($id: ID!) { node(id: $id) { ... on Order {
        amount refundedAmount netAmount customer { externalId }
        items { quantity unitPrice lineTotal sku { code } }
        refunds { amount reason }
      } } }`,
      { id: gid('Order', order.id) },
    );
    expect(result.data.node).toEqual({
      amount: '370.35',
      refundedAmount: '0.00',
      netAmount: '370.35',
      customer: { externalId: 'c-1' },
      items: [{ quantity: 3, unitPrice: '123.45', lineTotal: '370.35', sku: { code: 'T-1' } }],
      refunds: [{ amount: '123.45', reason: '七天无理由' }],
    });
  });

  it('rejects a window whose start is not before its end', async () => {
    const result = await server.gql(ORDERS, { filter: { from: '2026-11-12T00:00:00Z', to: '2026-11-11T00:00:00Z' } });
    expect(result.errors?.[0]).toMatchObject({ message: '"from" must be before "to"', extensions: { code: 'BAD_USER_INPUT', messageZh: '"from" 必须早于 "to"' } });
  });

  it('rejects a malformed id with a clear error instead of a database error', async () => {
    const result = await server.gql(`{ node(id: "${gid('Order', 'not-a-uuid')}") { id } }`);
    expect(result.errors?.[0]?.message).toMatch(/Invalid id/);
  });
});
