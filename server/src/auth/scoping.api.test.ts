import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertCampaign, insertCustomer, insertOrder, insertShop, insertSku } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { operationPlans } from '../modules/plan/plan.table.js';



describeEachBackend('a partner sees only their own shops', (backend) => {
  let server: TestServer;
  let shopA: { id: string };
  let shopB: { id: string };
  let orderA: { id: string };
  let orderB: { id: string };
  let asPartnerA: Record<string, string>;

  beforeEach(async () => {
    const { db } = backend();
    shopA = await insertShop(db, '甲店');
    shopB = await insertShop(db, '乙店', 'JD');
    const skuA = (await insertSku(db, shopA.id, 'A-1')).sku;
    const skuB = (await insertSku(db, shopB.id, 'B-1')).sku;
    const placedAt = new Date('2026-11-11T02:00:00Z');
    orderA = await insertOrder(db, { shopId: shopA.id, externalId: 'A-100', placedAt, items: [{ skuId: skuA.id, quantity: 1, unitPriceFen: 9_900 }] });
    orderB = await insertOrder(db, { shopId: shopB.id, externalId: 'B-100', placedAt, channel: 'JD', items: [{ skuId: skuB.id, quantity: 2, unitPriceFen: 5_000 }] });
    server = await startTestServer(backend());
    asPartnerA = bearer(await server.createKey({ name: 'partner A', shopIds: [shopA.id], scopes: ['READ', 'MANAGE'] }));
  });
  afterEach(() => server.stop());

  const insertPlan = async (shopIds: string[], name: string) => {
    const [plan] = await backend()
      .db.insert(operationPlans)
      .values({ name, periodStart: '2026-11-01', periodEnd: '2026-11-30', goal: 'GMV ¥1,000万', owner: '运营', shopIds })
      .returning();
    return plan!;
  };

  it("cannot read shop B's order by node(id), while the operator can", async () => {
    const query = `query ($id: ID!) { node(id: $id) { id ... on Order { externalId amount } } }`;
    const id = gid('Order', orderB.id);
    const partner = await server.gql(query, { id }, asPartnerA);
    expect(partner.errors).toBeUndefined();
    expect(partner.data.node).toBeNull();
    const operator = await server.gql(query, { id });
    expect(operator.data.node).toEqual({ id, externalId: 'B-100', amount: '100.00' });
  });

  it("gets null for shop B's order among nodes(ids) and its own order intact", async () => {
    const result = await server.gql(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { externalId } } }`,
      { ids: [gid('Order', orderA.id), gid('Order', orderB.id)] },
      asPartnerA,
    );
    expect(result.data.nodes).toEqual([{ externalId: 'A-100' }, null]);
  });

  it('lists and counts only its own orders, even when filtering by shop B', async () => {
    const all = await server.gql('{ orders { totalCount edges { node { externalId shop { name } } } } }', {}, asPartnerA);
    expect(all.data.orders.totalCount).toBe(1);
    expect(all.data.orders.edges).toEqual([{ node: { externalId: 'A-100', shop: { name: '甲店' } } }]);
    const filtered = await server.gql(
      `query ($s: [ID!]) { orders(filter: { shopIds: $s }) { totalCount } }`,
      { s: [gid('Shop', shopB.id)] },
      asPartnerA,
    );
    expect(filtered.data.orders.totalCount).toBe(0);
  });

  it('an empty shopIds restricts nothing in orders, customers and products, as in metrics and marketingSpend', async () => {
    const { db } = backend();
    await insertCustomer(db, shopA.id, 'C-A');
    const lists = await server.gql('{ orders(filter: { shopIds: [] }) { totalCount } customers(filter: { shopIds: [] }) { totalCount } products(filter: { shopIds: [] }) { totalCount } }', {}, asPartnerA);
    const unfiltered = await server.gql('{ orders { totalCount } customers { totalCount } products { totalCount } }', {}, asPartnerA);
    expect(lists.errors).toBeUndefined();
    expect(lists.data).toEqual(unfiltered.data);
    expect(unfiltered.data.orders.totalCount).toBe(1);
  });

  it("does not see shop B, its products, or a campaign that spans shop B", async () => {
    const { db } = backend();
    await insertCampaign(db, [shopA.id], '甲店双11');
    const joint = await insertCampaign(db, [shopA.id, shopB.id], '联合大促');
    const result = await server.gql(
      `query ($c: ID!) { shops { totalCount } products { totalCount } campaigns { edges { node { name } } } campaign(id: $c) { name } }`,
      { c: gid('Campaign', joint.id) },
      asPartnerA,
    );
    expect(result.data).toEqual({
      shops: { totalCount: 1 },
      products: { totalCount: 1 },
      campaigns: { edges: [{ node: { name: '甲店双11' } }] },
      campaign: null,
    });
  });

  it("lists and counts only its own shop's customers, even when filtering by shop B, and cannot read B's by node(id)", async () => {
    const { db } = backend();
    await insertCustomer(db, shopA.id, 'buyer-a');
    const buyerB = await insertCustomer(db, shopB.id, 'buyer-b');
    const all = await server.gql('{ customers { totalCount edges { node { externalId shop { name } } } } }', {}, asPartnerA);
    expect(all.data.customers).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'buyer-a', shop: { name: '甲店' } } }] });
    const filtered = await server.gql(
      `query ($s: [ID!]) { customers(filter: { shopIds: $s }) { totalCount edges { node { externalId } } } }`,
      { s: [gid('Shop', shopB.id)] },
      asPartnerA,
    );
    expect(filtered.data.customers).toEqual({ totalCount: 0, edges: [] });
    const node = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Customer { externalId } } }`, { id: gid('Customer', buyerB.id) }, asPartnerA);
    expect(node.errors).toBeUndefined();
    expect(node.data.node).toBeNull();
    expect((await server.gql('{ customers { totalCount } }')).data.customers.totalCount).toBe(2);
  });

  it('sees a plan only when it sees every shop of it: plans leaves the others out and plan(id) answers null for them', async () => {
    const own = await insertPlan([shopA.id], '甲店计划');
    const joint = await insertPlan([shopA.id, shopB.id], '联合计划');
    const foreign = await insertPlan([shopB.id], '乙店计划');
    const list = await server.gql('{ plans { totalCount edges { node { name } } } }', {}, asPartnerA);
    expect(list.data.plans).toEqual({ totalCount: 1, edges: [{ node: { name: '甲店计划' } }] });
    const plan = `query ($id: ID!) { plan(id: $id) { name } }`;
    expect((await server.gql(plan, { id: gid('Plan', own.id) }, asPartnerA)).data.plan).toEqual({ name: '甲店计划' });
    for (const hidden of [joint, foreign]) {
      const result = await server.gql(plan, { id: gid('Plan', hidden.id) }, asPartnerA);
      expect(result.errors, hidden.name).toBeUndefined();
      expect(result.data.plan, hidden.name).toBeNull();
    }
    expect((await server.gql('{ plans { totalCount } }')).data.plans.totalCount).toBe(3);
  });

  it('a key without READ (a producer that only ingests) is refused customers, plan and plans', async () => {
    const producer = bearer(await server.createKey({ name: 'producer A', shopIds: [shopA.id], scopes: ['INGEST'] }));
    const plan = await insertPlan([shopA.id], '甲店计划');
    const queries = {
      customers: ['{ customers { totalCount } }', {}],
      plans: ['{ plans { totalCount } }', {}],
      plan: ['query ($id: ID!) { plan(id: $id) { name } }', { id: gid('Plan', plan.id) }],
    } as const;
    for (const [field, [query, variables]] of Object.entries(queries)) {
      const result = await server.gql(query, variables, producer);
      expect(result.data?.[field] ?? null, field).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.code), field).toEqual(['FORBIDDEN']);
    }
  });

  it('cannot change shop B nor start a campaign in it: both look like unknown ids', async () => {
    const update = await server.gql(
      `mutation ($id: ID!) { updateShop(input: { id: $id, name: "hijacked" }) { shop { id } userErrors { code field } } }`,
      { id: gid('Shop', shopB.id) },
      asPartnerA,
    );
    expect(update.data.updateShop).toEqual({ shop: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'id'] }] });
    const create = await server.gql(
      `mutation ($s: [ID!]!) { createCampaign(input: { name: "x", startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-12-02T00:00:00Z", gmvTarget: "1000.00", shopIds: $s }) { campaign { id } userErrors { code field } } }`,
      { s: [gid('Shop', shopA.id), gid('Shop', shopB.id)] },
      asPartnerA,
    );
    expect(create.data.createCampaign).toEqual({ campaign: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'shopIds', '1'] }] });
    const shopBNow = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Shop { name } } }`, { id: gid('Shop', shopB.id) });
    expect(shopBNow.data.node.name).toBe('乙店');
  });

  it('a key or an account cannot be granted a shop that does not exist, even by a caller over every shop', async () => {
    const nowhere = gid('Shop', '00000000-0000-4000-8000-000000000000');
    const key = await server.gql(`mutation ($s: [ID!]) { createApiKey(input: { name: "ghost", scopes: [READ], shopIds: $s }) { secret userErrors { field code } } }`, {
      s: [gid('Shop', shopA.id), nowhere],
    });
    expect(key.data.createApiKey).toEqual({ secret: null, userErrors: [{ field: ['input', 'shopIds', '1'], code: 'NOT_FOUND' }] });
    const user = await server.gql(
      `mutation ($s: [ID!]) { createUser(input: { email: "ghost@shop.cn", name: "幽灵", role: VIEWER, password: "双11-war-room-2026!", shopIds: $s }) { user { id } userErrors { field code } } }`,
      { s: [nowhere] },
    );
    expect(user.data.createUser).toEqual({ user: null, userErrors: [{ field: ['input', 'shopIds', '0'], code: 'NOT_FOUND' }] });
    expect((await server.gql('{ users { email } }')).data.users).toEqual([]);
  });

  it('a key cannot be made for no shops at all: an empty grant is refused, not read as "every shop"', async () => {
    const result = await server.gql(
      `mutation { createApiKey(input: { name: "nobody", scopes: [READ], shopIds: [] }) { secret userErrors { field code } } }`,
    );
    expect(result.data.createApiKey).toEqual({ secret: null, userErrors: [{ field: ['input', 'shopIds'], code: 'INVALID_INPUT' }] });
  });
});
