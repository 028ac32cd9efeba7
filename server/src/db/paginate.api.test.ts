import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertOrder, insertShop } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { operationPlans } from '../modules/plan/plan.table.js';

const ORDERS = `query ($first: Int, $last: Int, $after: String, $before: String) {
  orders(first: $first, last: $last, after: $after, before: $before) { edges { node { externalId } } pageInfo { startCursor endCursor } }
}`;
const PLANS = `query ($first: Int, $last: Int, $after: String, $before: String) {
  plans(first: $first, last: $last, after: $after, before: $before) { edges { node { name } } pageInfo { startCursor endCursor } }
}`;
const SOME_UUID = '00000000-0000-4000-8000-000000000000';
/** A cursor as this connection encodes one, around whatever a forger puts in it. */
const cursor = (value: string, id = SOME_UUID) => Buffer.from(JSON.stringify([value, id])).toString('base64url');

/** Keyset pagination (db/paginate.ts) through two connections: orders sort by an instant, plans by a calendar day. */
describeEachBackend('pages of a connection', (backend) => {
  let server: TestServer;

  beforeEach(async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    for (const hour of [1, 2, 3]) {
      await insertOrder(db, { shopId: shop.id, externalId: `O-${hour}`, placedAt: new Date(`2026-11-11T0${hour}:00:00+08:00`) });
    }
    await db.insert(operationPlans).values(
      ['2026-09-01', '2026-10-01', '2026-11-01'].map((periodStart, i) => ({
        name: `P-${i + 1}`,
        periodStart,
        periodEnd: '2026-12-31',
        goal: 'GMV',
        owner: '运营',
        shopIds: [shop.id],
      })),
    );
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  const names = (page: { edges: { node: { externalId?: string; name?: string } }[] }) => page.edges.map((e) => e.node.externalId ?? e.node.name);

  it('pages forward and back with the cursors it hands out, and takes an instant written with an offset', async () => {
    const firstOrders = (await server.gql(ORDERS, { first: 1 })).data.orders;
    expect(names(firstOrders)).toEqual(['O-3']);
    const nextOrders = (await server.gql(ORDERS, { first: 5, after: firstOrders.pageInfo.endCursor })).data.orders;
    expect(names(nextOrders)).toEqual(['O-2', 'O-1']);
    const backOrders = await server.gql(ORDERS, { last: 5, before: nextOrders.pageInfo.startCursor });
    expect(names(backOrders.data.orders)).toEqual(['O-3']);
    // O-2's instant written by hand in Beijing time, with the lowest id there is: newest first, only O-1 comes after it.
    const byHand = await server.gql(ORDERS, { first: 5, after: cursor('2026-11-11T02:00:00+08:00') });
    expect(byHand.errors).toBeUndefined();
    expect(names(byHand.data.orders)).toEqual(['O-1']);

    const firstPlans = (await server.gql(PLANS, { first: 1 })).data.plans;
    expect(names(firstPlans)).toEqual(['P-3']);
    const nextPlans = (await server.gql(PLANS, { first: 5, after: firstPlans.pageInfo.endCursor })).data.plans;
    expect(names(nextPlans)).toEqual(['P-2', 'P-1']);
    const backPlans = await server.gql(PLANS, { last: 5, before: nextPlans.pageInfo.startCursor });
    expect(names(backPlans.data.plans)).toEqual(['P-3']);
  });

  it('refuses a forged cursor as bad input, not as a database error, whatever part of it is wrong', async () => {
    const forged = {
      orders: [
        cursor('x'),
        cursor('2026-02-30T00:00:00.000Z'),
        cursor('2026-11-11T24:00:00.000Z'),
        cursor('0000-01-01T00:00:00.000Z'),
        // No offset: PostgreSQL would read it in its session's time zone.
        cursor('2026-11-11T08:00:00'),
        cursor('2026-11-11T00:00:00.000Z', 'not-a-uuid'),
        cursor('2026-11-11T00:00:00.000Z', '12345678-1234-1234-1234-12345678901g'),
      ],
      plans: [cursor('x'), cursor('2026-13-01'), cursor('2026-02-30'), cursor('0000-01-01'), cursor('2026-11-01', 'not-a-uuid')],
    };
    for (const [connection, cursors] of Object.entries(forged)) {
      for (const given of cursors) {
        for (const variables of [{ first: 5, after: given }, { last: 5, before: given }]) {
          const result = await server.gql(connection === 'orders' ? ORDERS : PLANS, variables);
          expect(result.errors?.[0], `${connection} ${JSON.stringify(variables)}`).toMatchObject({
            message: 'Invalid cursor: pass a cursor returned by this connection',
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
      }
    }
  });

  it('refuses a negative page size as bad input, with the reason', async () => {
    const first = await server.gql(ORDERS, { first: -1 });
    expect(first.errors?.[0]).toMatchObject({ message: 'Argument "first" must be a non-negative integer', extensions: { code: 'BAD_USER_INPUT' } });
    const last = await server.gql(PLANS, { last: -1 });
    expect(last.errors?.[0]).toMatchObject({ message: 'Argument "last" must be a non-negative integer', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('serves at most 100 rows to a page asked for more, says the list goes on, and charges for the rows it can serve', async () => {
    const many = await server.post(ORDERS, { first: 1_000 });
    expect(many.status).toBe(200);
    expect(many.body.errors).toBeUndefined();
    // The connection, and per row its node and pageInfo (query-cost.ts prices pageInfo under the page size too):
    // 1,000 asked, 100 servable, so charged as 100, the same as asking for 100.
    const hundred = await server.post(ORDERS, { first: 100 });
    expect(many.body.extensions?.cost).toMatchObject({ requestedQueryCost: 1 + 100 * 2, actualQueryCost: 201 });
    expect(hundred.body.extensions?.cost).toMatchObject({ requestedQueryCost: 201 });
    expect(names(many.body.data.orders)).toEqual(names(hundred.body.data.orders));
    const nested = await server.post('{ webhooks { deliveries(first: 500) { edges { node { id } } } } }');
    expect(nested.body.errors).toBeUndefined();
  });

  it('refuses first and last together: one of them would be ignored', async () => {
    for (const [query, variables] of [
      [ORDERS, { first: 10, last: 3 }],
      [PLANS, { first: 10, last: 3 }],
      ['{ orders(first: 10, last: 3) { edges { node { externalId } } } }', {}],
    ] as const) {
      const both = await server.post(query, variables);
      expect(both.status, query).toBe(400);
      expect(both.body.data, query).toBeUndefined();
      expect(both.body.errors?.[0], query).toMatchObject({ message: 'pass first or last, not both', extensions: { code: 'BAD_USER_INPUT', messageZh: 'first 和 last 只能传一个' } });
    }
  });
});
