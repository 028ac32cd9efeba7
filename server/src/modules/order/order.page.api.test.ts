import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertOrder, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const PAGE = `{ orders(first: 20) { edges { node { id externalId amount items { quantity unitPrice sku { code price } } } } } }`;
// The same selection through fragments, as generated clients write it.
const PAGE_BY_FRAGMENTS = `query { orders(first: 20) { edges { node { ...Order } } } }
fragment Order on Order { id externalId amount ... on Order { items { ...Item } } }
fragment Item on OrderItem { quantity unitPrice sku { code price } }`;
const ONE = `query ($id: ID!) { node(id: $id) { ... on Order { id externalId amount items { quantity unitPrice sku { code price } } } } }`;

describeEachBackend('the orders page', (backend) => {
  let server: TestServer;
  let tmall: { id: string };
  let jd: { id: string };
  let a: string;
  let b: string;
  let foreign: string;

  beforeEach(async () => {
    const { db } = backend();
    tmall = await insertShop(db, '天猫店');
    jd = await insertShop(db, '京东店', 'JD');
    a = (await insertSku(db, tmall.id, 'A-1', 1_999)).sku.id;
    b = (await insertSku(db, tmall.id, 'B-2', 25_000)).sku.id;
    foreign = (await insertSku(db, jd.id, 'JD-SECRET', 777)).sku.id;
    const at = (hour: number) => new Date(`2026-11-11T${String(hour).padStart(2, '0')}:00:00+08:00`);
    await insertOrder(db, { shopId: tmall.id, externalId: 'T-1', placedAt: at(1), items: [{ skuId: a, quantity: 3, unitPriceFen: 1_999 }] });
    await insertOrder(db, { shopId: tmall.id, externalId: 'T-2', placedAt: at(2), items: [{ skuId: a, quantity: 1, unitPriceFen: 1_899 }, { skuId: b, quantity: 2, unitPriceFen: 25_000 }] });
    await insertOrder(db, { shopId: tmall.id, externalId: 'T-3', placedAt: at(3) });
    await insertOrder(db, { shopId: jd.id, externalId: 'J-1', placedAt: at(4), channel: 'JD', items: [{ skuId: foreign, quantity: 5, unitPriceFen: 777 }] });
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it('reads the orders with their items in one statement and their SKUs in one more, with the figures of each order read alone', async () => {
    const before = backend().database.queryCount();
    const page = await server.gql(PAGE);
    expect(backend().database.queryCount() - before).toBe(2);
    const orders = page.data.orders.edges.map((e: { node: unknown }) => e.node);
    // Items come in the order of their ids (random): compared here by SKU code, and below against the loaders' order.
    const byCode = (items: { sku: { code: string } }[]) => [...items].sort((x, y) => x.sku.code.localeCompare(y.sku.code));
    expect(orders.map((o: { externalId: string; amount: string; items: { sku: { code: string } }[] }) => [o.externalId, o.amount, byCode(o.items)])).toEqual([
      ['J-1', '38.85', [{ quantity: 5, unitPrice: '7.77', sku: { code: 'JD-SECRET', price: '7.77' } }]],
      ['T-3', '0.00', []],
      [
        'T-2',
        '518.99',
        [
          { quantity: 1, unitPrice: '18.99', sku: { code: 'A-1', price: '19.99' } },
          { quantity: 2, unitPrice: '250.00', sku: { code: 'B-2', price: '250.00' } },
        ],
      ],
      ['T-1', '59.97', [{ quantity: 3, unitPrice: '19.99', sku: { code: 'A-1', price: '19.99' } }]],
    ]);
    // The same orders through the batched loaders (one order at a time) answer alike.
    for (const order of orders) expect((await server.gql(ONE, { id: order.id })).data.node).toEqual(order);
    // Fragments select the items just the same, still read with the orders.
    const counted = backend().database.queryCount();
    expect((await server.gql(PAGE_BY_FRAGMENTS)).data).toEqual(page.data);
    expect(backend().database.queryCount() - counted).toBe(2);
  });

  it('names the SKUs of its lines from what this instance already read, and still reads what changes fresh', async () => {
    const CODES = `{ orders(first: 20) { edges { node { externalId items { sku { code } } } } } }`;
    const count = async (query: string) => {
      const before = backend().database.queryCount();
      const result = await server.gql(query);
      return { statements: backend().database.queryCount() - before, data: result.data, errors: result.errors };
    };
    const first = await count(CODES);
    expect(first.statements).toBe(2);
    // A SKU's code never changes once written (updateSku cannot), so the next pages need no SKU statement.
    const again = await count(CODES);
    expect(again).toEqual({ statements: 1, data: first.data, errors: undefined });
    expect(again.data.orders.edges.map((e: { node: { externalId: string; items: { sku: { code: string } }[] } }) => [e.node.externalId, e.node.items.map((i) => i.sku.code).sort()])).toEqual([
      ['J-1', ['JD-SECRET']],
      ['T-3', []],
      ['T-2', ['A-1', 'B-2']],
      ['T-1', ['A-1']],
    ]);
    // Stock changes: asked for, it is read, and as it is now.
    const updated = await server.gql(`mutation ($id: ID!) { updateSku(input: { id: $id, stock: 41 }) { sku { stock } } }`, { id: encodeGlobalID('Sku', a) });
    expect(updated.errors).toBeUndefined();
    const stock = await count(`{ orders(first: 20) { edges { node { externalId items { sku { code stock } } } } } }`);
    expect(stock.statements).toBe(2);
    const t1 = stock.data.orders.edges.find((e: { node: { externalId: string } }) => e.node.externalId === 'T-1').node;
    expect(t1.items).toEqual([{ sku: { code: 'A-1', stock: 41 } }]);
  });

  it('without items selected reads no items', async () => {
    const before = backend().database.queryCount();
    const page = await server.gql('{ orders(first: 20) { edges { node { externalId } } } }');
    expect(backend().database.queryCount() - before).toBe(1);
    expect(page.data.orders.edges.map((e: { node: { externalId: string } }) => e.node.externalId)).toEqual(['J-1', 'T-3', 'T-2', 'T-1']);
  });

  it('shows a partner only its shops’ orders, and never a SKU of a shop it does not represent', async () => {
    const { db } = backend();
    // A Tmall order whose item names the JD shop's SKU (no producer may send this; written here directly).
    await insertOrder(db, { shopId: tmall.id, externalId: 'T-4', placedAt: new Date('2026-11-11T05:00:00+08:00'), items: [{ skuId: foreign, quantity: 1, unitPriceFen: 777 }] });
    const partner = await server.createKey({ shopIds: [tmall.id], scopes: ['READ'] });
    // The admin key reads every SKU first, so this instance knows the JD SKU's code before the partner asks.
    expect(JSON.stringify(await server.gql(PAGE))).toContain('JD-SECRET');
    for (const query of [PAGE, `{ orders(first: 20) { edges { node { externalId items { sku { code } } } } } }`]) {
      const page = await server.gql(query, undefined, bearer(partner));
      expect(JSON.stringify(page)).not.toContain('JD-SECRET');
      expect(page.errors?.[0]?.path).toEqual(['orders', 'edges', 0, 'node', 'items', 0, 'sku']);
    }
    const page = await server.gql(PAGE, undefined, bearer(partner));
    expect(JSON.stringify(page)).not.toContain('JD-SECRET');
    expect(page.data?.orders?.edges?.map((e: { node: { externalId: string } } | null) => e?.node.externalId) ?? []).not.toContain('J-1');
    expect(page.errors?.[0]?.path).toEqual(['orders', 'edges', 0, 'node', 'items', 0, 'sku']);
    // The order on its own (loaders) refuses the SKU the same way.
    const alone = await server.gql(ONE, { id: await idOf(server, 'T-4') }, bearer(partner));
    expect(JSON.stringify(alone)).not.toContain('JD-SECRET');
    expect(alone.errors?.[0]?.path).toEqual(['node', 'items', 0, 'sku']);
  });
});

/** The global id of an order by its external id, as the admin key sees it. */
async function idOf(server: TestServer, externalId: string): Promise<string> {
  const page = await server.gql('{ orders(first: 20) { edges { node { id externalId } } } }');
  return page.data.orders.edges.find((e: { node: { externalId: string } }) => e.node.externalId === externalId).node.id;
}
