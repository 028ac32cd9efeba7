import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoEditsAtOnce } from '../../../test/backends.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { decodeGlobalUuid } from '../../graphql/node-id.js';
import { skus } from './product.table.js';

const SKU_FIELDS = 'id code spec price cost stock lowStockThreshold lowStock';

const CREATE_SHOP = /* GraphQL */ `
  mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { id } } }
`;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateProductInput!) {
    createProduct(input: $input) {
      product { id name category role status shop { id } skus { ${SKU_FIELDS} } }
      userErrors { field message code }
    }
  }
`;

const LIST = /* GraphQL */ `
  query ($filter: ProductFilter) { products(filter: $filter, first: 50) { totalCount edges { node { name } } } }
`;

interface SkuInput {
  code: string;
  price?: string;
  cost?: string;
  stock?: number;
  spec?: string;
  lowStockThreshold?: number;
}

const sku = (code: string, extra: Partial<SkuInput> = {}): SkuInput => ({ code, price: '9.90', cost: '4.00', stock: 200, ...extra });

describeEachBackend('products and SKUs', (backend) => {
  let server: TestServer;
  let shopId: string;

  beforeEach(async () => {
    server = await startTestServer(backend());
    shopId = await openShop('天猫旗舰店');
  });
  afterEach(() => server.stop());

  async function openShop(name: string, platform = 'TMALL'): Promise<string> {
    const result = await server.gql(CREATE_SHOP, { input: { name, platform } });
    return result.data.createShop.shop.id;
  }

  async function create(input: { name?: string; role?: string; shopId?: string; skus: SkuInput[] }) {
    const result = await server.gql(CREATE, {
      input: { shopId, name: '收纳盒', category: '家居', role: 'TRAFFIC', ...input },
    });
    expect(result.errors).toBeUndefined();
    return result.data.createProduct;
  }

  async function productNames(filter: Record<string, unknown> = {}): Promise<string[]> {
    const result = await server.gql(LIST, { filter });
    expect(result.errors).toBeUndefined();
    // Sorted: these tests are about which products match, not the listing order.
    return result.data.products.edges.map((e: { node: { name: string } }) => e.node.name).sort();
  }

  async function skuCodes(): Promise<string[]> {
    const result = await server.gql('{ products(first: 50) { edges { node { skus { code } } } } }');
    return result.data.products.edges.flatMap((e: { node: { skus: { code: string }[] } }) => e.node.skus.map((s) => s.code));
  }

  it('a merchant lists a product with SKUs and the prices come back to the fen', async () => {
    const created = await create({
      name: '北欧收纳盒',
      role: 'PROFIT',
      skus: [
        sku('BOX-S', { price: '9.90', cost: '3.05', spec: '小号', stock: 500 }),
        sku('BOX-L', { price: '1999.00', cost: '1200.00', stock: 10, lowStockThreshold: 5 }),
        sku('BOX-T', { price: '0.01', cost: '0.00', stock: 80 }),
      ],
    });
    expect(created.userErrors).toEqual([]);
    expect(created.product).toMatchObject({
      name: '北欧收纳盒',
      category: '家居',
      role: 'PROFIT',
      status: 'ON_SALE',
      shop: { id: shopId },
    });
    // SKUs come back in code order, each with the manuals' default threshold unless one was given.
    expect(created.product.skus.map(({ id: _id, ...rest }: { id: string }) => rest)).toEqual([
      { code: 'BOX-L', spec: '', price: '1999.00', cost: '1200.00', stock: 10, lowStockThreshold: 5, lowStock: false },
      { code: 'BOX-S', spec: '小号', price: '9.90', cost: '3.05', stock: 500, lowStockThreshold: 50, lowStock: false },
      { code: 'BOX-T', spec: '', price: '0.01', cost: '0.00', stock: 80, lowStockThreshold: 50, lowStock: false },
    ]);
  });

  it.each([
    ['with three decimals', '9.999'],
    ['below zero', '-1.00'],
    ['of zero', '0.00'],
  ])('a price %s is refused at its field and nothing is stored', async (_case, price) => {
    const result = await create({ skus: [sku('OK-1'), sku('BAD-1', { price })] });
    expect(result.product).toBeNull();
    expect(result.userErrors).toEqual([
      { field: ['input', 'skus', '1', 'price'], message: expect.any(String), code: 'INVALID_AMOUNT' },
    ]);
    expect(await productNames()).toEqual([]);
    expect(await skuCodes()).toEqual([]);
  });

  it('a SKU code repeated within one product is a conflict at the repeat', async () => {
    const result = await create({ skus: [sku('DUP'), sku('UNIQUE'), sku('DUP')] });
    expect(result.product).toBeNull();
    expect(result.userErrors).toEqual([
      { field: ['input', 'skus', '2', 'code'], message: expect.stringContaining('DUP'), code: 'CONFLICT' },
    ]);
    expect(await productNames()).toEqual([]);
  });

  it('a SKU code already used in the shop is a conflict, but another shop may use it', async () => {
    expect((await create({ name: '原品', skus: [sku('A-100')] })).userErrors).toEqual([]);

    const clash = await create({ name: '新品', skus: [sku('NEW-1'), sku('A-100')] });
    expect(clash.product).toBeNull();
    expect(clash.userErrors).toEqual([
      { field: ['input', 'skus', '1', 'code'], message: expect.stringContaining('A-100'), code: 'CONFLICT' },
    ]);
    expect(await productNames()).toEqual(['原品']);

    const jd = await openShop('京东自营', 'JD');
    const elsewhere = await create({ shopId: jd, name: '京东同款', skus: [sku('A-100')] });
    expect(elsewhere.userErrors).toEqual([]);
    expect(elsewhere.product.skus[0].code).toBe('A-100');
    expect(await productNames()).toEqual(['原品', '京东同款'].sort());
  });

  it('when several people add the same SKU code at once, one wins and the others get a conflict', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.gql(CREATE, { input: { shopId, name: `抢注${i}`, category: '家居', role: 'TRAFFIC', skus: [sku('RACE-1')] } })),
    );
    expect(results.map((r) => r.errors)).toEqual(Array(8).fill(undefined));
    const payloads = results.map((r) => r.data.createProduct);
    expect(payloads.filter((p) => p.product !== null)).toHaveLength(1);
    for (const loser of payloads.filter((p) => p.product === null)) {
      expect(loser.userErrors).toEqual([
        { field: ['input', 'skus', '0', 'code'], message: expect.stringContaining('RACE-1'), code: 'CONFLICT' },
      ]);
    }
    expect(await skuCodes()).toEqual(['RACE-1']);
  });

  it('the low-stock filter finds products with a SKU at or below its threshold (default 50)', async () => {
    await create({ name: '充足', skus: [sku('P1', { stock: 51 }), sku('P2', { stock: 1000 })] });
    await create({ name: '刚好50', skus: [sku('P3', { stock: 500 }), sku('P4', { stock: 50 })] });
    await create({ name: '自定阈值', skus: [sku('P5', { stock: 8, lowStockThreshold: 10 })] });
    await create({ name: '阈值之上', skus: [sku('P6', { stock: 11, lowStockThreshold: 10 })] });

    expect(await productNames({ lowStock: true })).toEqual(['刚好50', '自定阈值'].sort());

    // The flag on each SKU says which one tripped the alert.
    const flagged = await server.gql(LIST.replace('node { name }', 'node { name skus { code lowStock } }'), {
      filter: { lowStock: true },
    });
    const atFifty = flagged.data.products.edges.find((e: { node: { name: string } }) => e.node.name === '刚好50');
    expect(atFifty.node.skus).toEqual([
      { code: 'P3', lowStock: false },
      { code: 'P4', lowStock: true },
    ]);
    expect(flagged.data.products.totalCount).toBe(2);
  });

  it('filters products by role and by shop', async () => {
    const jd = await openShop('京东自营', 'JD');
    await create({ name: '引流款', role: 'TRAFFIC', skus: [sku('T1')] });
    await create({ name: '利润款', role: 'PROFIT', skus: [sku('R1')] });
    await create({ shopId: jd, name: '京东形象款', role: 'IMAGE', skus: [sku('I1')] });
    await create({ shopId: jd, name: '京东引流款', role: 'TRAFFIC', skus: [sku('T2')] });

    expect(await productNames({ role: 'TRAFFIC' })).toEqual(['引流款', '京东引流款'].sort());
    expect(await productNames({ shopIds: [jd] })).toEqual(['京东形象款', '京东引流款'].sort());
    expect(await productNames({ shopIds: [shopId], role: 'PROFIT' })).toEqual(['利润款']);
    expect(await productNames({ shopIds: [jd], role: 'PROFIT' })).toEqual([]);
  });

  it('takes a product off sale and it drops out of the on-sale list', async () => {
    const { product } = await create({ name: '下架品', skus: [sku('OFF-1')] });
    await create({ name: '在售品', skus: [sku('ON-1')] });

    const updated = await server.gql(
      `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id name status role } userErrors { code } } }`,
      { input: { id: product.id, status: 'OFF_SALE' } },
    );
    expect(updated.data.updateProduct).toEqual({
      product: { id: product.id, name: '下架品', status: 'OFF_SALE', role: 'TRAFFIC' },
      userErrors: [],
    });
    expect(await productNames({ status: 'ON_SALE' })).toEqual(['在售品']);
    expect(await productNames({ status: 'OFF_SALE' })).toEqual(['下架品']);
  });

  it('restocks and reprices a SKU, and a bad price leaves it untouched', async () => {
    const { product } = await create({ skus: [sku('RS-1', { price: '59.00', stock: 20 })] });
    const skuId = product.skus[0].id;
    const UPDATE = `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { sku { ${SKU_FIELDS} } userErrors { field code } } }`;

    const restocked = await server.gql(UPDATE, { input: { id: skuId, stock: 300, price: '49.90' } });
    expect(restocked.data.updateSku.userErrors).toEqual([]);
    expect(restocked.data.updateSku.sku).toMatchObject({ id: skuId, stock: 300, price: '49.90', cost: '4.00', lowStock: false });

    const refused = await server.gql(UPDATE, { input: { id: skuId, price: '49.901', stock: 1 } });
    expect(refused.data.updateSku).toEqual({
      sku: null,
      userErrors: [{ field: ['input', 'price'], code: 'INVALID_AMOUNT' }],
    });
    const node = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Sku { price stock } } }`, { id: skuId });
    expect(node.data.node).toEqual({ price: '49.90', stock: 300 });
  });

  it('a restock by stockDelta keeps the units sold at the same moment, and a removal stops at zero', async () => {
    const { product } = await create({ skus: [sku('DL-1', { price: '59.00', stock: 20 })] });
    const skuId: string = product.skus[0].id;
    const UPDATE = `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { sku { stock lowStock } userErrors { field message code } } }`;
    const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { message } } }`;
    const sale = () =>
      server.gql(INGEST, {
        events: [
          { id: 'o1-placed', type: 'ORDER_PLACED', occurredAt: new Date().toISOString(), shopId, source: 'SEARCH', orderId: 'O1', items: [{ skuId, quantity: 5, unitPrice: '59.00' }] },
          { id: 'o1-paid', type: 'ORDER_PAID', occurredAt: new Date().toISOString(), shopId, source: 'SEARCH', orderId: 'O1', customerId: 'c1', amount: '295.00' },
        ],
      });
    const restock = () => server.gql(UPDATE, { input: { id: skuId, stockDelta: 500 } });

    // A sale (units leave stock when paid) and a restock written at the same moment: the restock adds to the count as the sale left it.
    const id = decodeGlobalUuid('Sku', skuId)!;
    const [sold, restocked] = await twoEditsAtOnce(backend(), (tx) => tx.select().from(skus).where(eq(skus.id, id)).for('update'), sale, restock);
    expect(sold.data.ingestEvents).toEqual({ accepted: 2, userErrors: [] });
    expect(restocked.data.updateSku.userErrors).toEqual([]);
    // Whichever wrote first (the sale's items only share the row with the restock), both changes stand.
    const afterBoth = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Sku { stock } } }`, { id: skuId });
    expect(afterBoth.data.node).toEqual({ stock: 515 });

    const tooMany = await server.gql(UPDATE, { input: { id: skuId, stockDelta: -600 } });
    expect(tooMany.data.updateSku).toEqual({
      sku: null,
      userErrors: [{ field: ['input', 'stockDelta'], message: 'only 515 units are in stock; 600 cannot be removed', code: 'CONFLICT' }],
    });
    const both = await server.gql(UPDATE, { input: { id: skuId, stock: 10, stockDelta: 5 } });
    expect(both.data.updateSku.userErrors).toEqual([{ field: ['input', 'stockDelta'], message: 'give stock (a count) or stockDelta (a change), not both', code: 'INVALID_INPUT' }]);
    // The console's Chinese keeps the figures.
    const IN_CHINESE = `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { userErrors { code messageZh: message(locale: ZH_CN) } } }`;
    expect((await server.gql(IN_CHINESE, { input: { id: skuId, stockDelta: -600 } })).data.updateSku.userErrors).toEqual([
      { code: 'CONFLICT', messageZh: '库存仅剩 515 件，无法减少 600 件' },
    ]);
    expect((await server.gql(IN_CHINESE, { input: { id: skuId, stock: 10, stockDelta: 5 } })).data.updateSku.userErrors).toEqual([
      { code: 'INVALID_INPUT', messageZh: 'stock（库存数）和 stockDelta（库存增减量）只能填写其一' },
    ]);
    expect((await server.gql(IN_CHINESE, { input: { id: skuId, price: '0.00' } })).data.updateSku.userErrors).toEqual([
      { code: 'INVALID_AMOUNT', messageZh: '价格必须大于 0' },
    ]);

    const emptied = await server.gql(UPDATE, { input: { id: skuId, stockDelta: -515 } });
    expect(emptied.data.updateSku).toEqual({ sku: { stock: 0, lowStock: true }, userErrors: [] });
    await server.gql(UPDATE, { input: { id: skuId, stock: 2_147_483_000 } });
    const overflow = await server.gql(UPDATE, { input: { id: skuId, stockDelta: 1_000 } });
    expect(overflow.data.updateSku.userErrors).toEqual([{ field: ['input', 'stockDelta'], message: 'stock cannot exceed 2147483647 units', code: 'CONFLICT' }]);
    const node = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Sku { stock } } }`, { id: skuId });
    expect(node.data.node).toEqual({ stock: 2_147_483_000 });
  });

  it('navigates from a product to its SKUs and from a SKU back to its product', async () => {
    const { product } = await create({ name: '双向', skus: [sku('NAV-2'), sku('NAV-1')] });
    const skuId = product.skus.find((s: { code: string }) => s.code === 'NAV-2').id;

    const result = await server.gql(
      `query ($id: ID!) { node(id: $id) { ... on Sku { code product { id name skus { code } } } } }`,
      { id: skuId },
    );
    expect(result.data.node).toEqual({
      code: 'NAV-2',
      product: { id: product.id, name: '双向', skus: [{ code: 'NAV-1' }, { code: 'NAV-2' }] },
    });
  });

  it('an unknown product, SKU or shop is reported as not found', async () => {
    const ghost = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64');

    const product = await server.gql(
      `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } userErrors { field code } } }`,
      { input: { id: ghost('Product'), status: 'OFF_SALE' } },
    );
    expect(product.data.updateProduct).toEqual({ product: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });

    const skuResult = await server.gql(
      `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { sku { id } userErrors { field code } } }`,
      { input: { id: ghost('Sku'), stock: 1 } },
    );
    expect(skuResult.data.updateSku).toEqual({ sku: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });
    const skuInChinese = await server.gql(
      `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { userErrors { message messageZh: message(locale: ZH_CN) } } }`,
      { input: { id: ghost('Sku'), stock: 1 } },
    );
    expect(skuInChinese.data.updateSku.userErrors).toEqual([{ message: 'SKU not found', messageZh: 'SKU 不存在' }]);

    const shop = await create({ shopId: ghost('Shop'), skus: [sku('X-1')] });
    expect(shop).toEqual({ product: null, userErrors: [{ field: ['input', 'shopId'], message: 'Shop not found', code: 'NOT_FOUND' }] });
    expect(await productNames()).toEqual([]);
  });
});
