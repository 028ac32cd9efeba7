import { eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';
import { insertSkuRollups } from '../metrics/metrics.test-fixtures.js';
import { SYSTEM } from '../../auth/viewer.js';
import { products, skus } from './product.table.js';
import { salesWindow, unitsSoldQuery } from './turnover.js';

const NOW = new Date('2026-11-12T10:00:00+08:00');
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { message } } }`;
const TURNOVER = `query ($id: ID!, $days: Int) { node(id: $id) { ... on Sku {
  stock unitsSold(days: $days) averageDailyUnitsSold(days: $days) inventoryDays(days: $days) } } }`;
const SLOW = `query ($filter: ProductFilter) { products(filter: $filter, first: 50) { edges { node { name sellThrough slowMoving } } } }`;

describeEachBackend('stock turnover (库存周转天数) and slow movers (滞销)', (backend) => {
  let server: TestServer;
  let tmall: string;
  let jd: string;
  beforeEach(async () => {
    tmall = (await insertShop(backend().db, '天猫店')).id;
    jd = (await insertShop(backend().db, '京东店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => NOW });
  });
  afterEach(() => server.stop());

  it('divides the stock by the average daily units sold in the complete days before today, from ingested orders', async () => {
    const db = backend().db;
    const [moving, still, empty, fresh] = await Promise.all(['A', 'B', 'C', 'D'].map((code) => insertSku(db, tmall, code)));
    await db.update(skus).set({ createdAt: daysAgo(60) });
    await db.update(skus).set({ stock: 0 }).where(eq(skus.id, empty!.sku.id));
    // Listed on the 9th, 15:00 Beijing: the 9th, 10th and 11th are its days.
    await db.update(skus).set({ createdAt: new Date('2026-11-09T15:00:00+08:00') }).where(eq(skus.id, fresh!.sku.id));
    const sku = gid('Sku', moving!.sku.id);
    const paid = (orderId: string, at: Date, quantity: number, sku: string) => [
      { id: `${orderId}-placed`, type: 'ORDER_PLACED', occurredAt: at.toISOString(), shopId: gid('Shop', tmall), source: 'SEARCH', orderId, items: [{ skuId: sku, quantity, unitPrice: '99.00' }] },
      { id: `${orderId}-paid`, type: 'ORDER_PAID', occurredAt: at.toISOString(), shopId: gid('Shop', tmall), source: 'SEARCH', orderId, customerId: `c-${orderId}`, amount: `${99 * quantity}.00` },
    ];
    const events = [
      ...paid('O1', new Date('2026-11-05T08:00:00+08:00'), 10, sku), // a week ago: inside 7 and 30 days
      ...paid('O2', new Date('2026-11-11T23:59:00+08:00'), 5, sku), // yesterday's last minute
      ...paid('O3', new Date('2026-11-12T09:00:00+08:00'), 7, sku), // today: off the stock, not in the average
      ...paid('O4', new Date('2026-11-10T20:00:00+08:00'), 30, gid('Sku', fresh!.sku.id)),
    ];
    const ingested = await server.gql(INGEST, { events });
    expect(ingested.data.ingestEvents).toEqual({ accepted: 8, userErrors: [] });

    const turnover = async (id: string, days?: number) => (await server.gql(TURNOVER, { id, days })).data.node;
    // 100 − 22 in stock; 15 units over 30 days: 0.5 a day, 156 days of stock.
    expect(await turnover(sku)).toEqual({ stock: 78, unitsSold: 15, averageDailyUnitsSold: 0.5, inventoryDays: 156 });
    expect(await turnover(sku, 7)).toMatchObject({ unitsSold: 15, inventoryDays: 78 / (15 / 7) });
    expect(await turnover(sku, 1)).toMatchObject({ unitsSold: 5, averageDailyUnitsSold: 5, inventoryDays: 15.6 });
    // Nothing sold: the stock never turns over. Nothing in stock: no days left.
    expect(await turnover(gid('Sku', still!.sku.id))).toEqual({ stock: 100, unitsSold: 0, averageDailyUnitsSold: 0, inventoryDays: null });
    expect(await turnover(gid('Sku', empty!.sku.id))).toEqual({ stock: 0, unitsSold: 0, averageDailyUnitsSold: 0, inventoryDays: 0 });
    // A SKU listed three days ago is averaged over its three days, not over 30: 10 a day, 7 days of stock.
    expect(await turnover(gid('Sku', fresh!.sku.id))).toEqual({ stock: 70, unitsSold: 30, averageDailyUnitsSold: 10, inventoryDays: 7 });
    // Listed today: no complete day to average over yet.
    await db.update(skus).set({ createdAt: new Date('2026-11-12T08:00:00+08:00') }).where(eq(skus.id, still!.sku.id));
    expect(await turnover(gid('Sku', still!.sku.id))).toEqual({ stock: 100, unitsSold: 0, averageDailyUnitsSold: null, inventoryDays: null });

    for (const days of [0, 366]) {
      const refused = await server.gql(TURNOVER, { id: sku, days });
      expect(refused.errors?.[0]?.message).toContain('days must be a whole number from 1 to 365');
    }
  });

  it("judges a product listed 30 days or more as a slow mover when at most 5 % of its SKUs sold in the last 30 complete days", async () => {
    const db = backend().db;
    const create = async (name: string, skuCount: number, shopId = tmall) => {
      const result = await server.gql(
        `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id skus { id } } userErrors { message } } }`,
        { input: { shopId: gid('Shop', shopId), name, category: '家居', role: 'PROFIT', skus: Array.from({ length: skuCount }, (_, i) => ({ code: `${name}-${i}`, price: '9.90', cost: '4.00', stock: 50 })) } },
      );
      const product = result.data.createProduct.product as { id: string; skus: { id: string }[] };
      return { id: product.id, skuIds: product.skus.map((s) => s.id) };
    };
    const selling = await create('在售畅销', 2);
    const stale = await create('一月未动', 1);
    const wide = await create('多规格', 21);
    const fresh = await create('上周新品', 1);
    const delisted = await create('已下架', 1);
    const relisted = await create('重新上架', 1);
    const soldOut = await create('已售罄', 1);
    const jdStale = await create('京东滞销', 1, jd);
    const uuid = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
    const listed = (ids: string[], at: Date) => db.update(products).set({ createdAt: at }).where(inArray(products.id, ids.map(uuid)));
    await listed([selling.id, stale.id, wide.id, delisted.id, relisted.id, soldOut.id, jdStale.id], daysAgo(60));
    await listed([fresh.id], daysAgo(10));
    await db.update(products).set({ status: 'OFF_SALE' }).where(inArray(products.id, [uuid(delisted.id), uuid(relisted.id)]));
    await db.update(skus).set({ stock: 0 }).where(eq(skus.productId, uuid(soldOut.id)));
    // Back on sale today, after two months off: its 30 days start now.
    const update = await server.gql(`mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { status onSaleSince } } }`, {
      input: { id: relisted.id, status: 'ON_SALE' },
    });
    expect(update.data.updateProduct.product).toEqual({ status: 'ON_SALE', onSaleSince: NOW.toISOString() });

    const sold = (shopId: string, skuId: string, at: Date) =>
      insertSkuRollups(db, [{ at, shopId, skuId: uuid(skuId), unitsSold: 1, gmvFen: 990, ordersPaid: 1 }]);
    await sold(tmall, selling.skuIds[0]!, daysAgo(10)); // 1 of 2 SKUs: 50 %
    await sold(tmall, stale.skuIds[0]!, daysAgo(40)); // its last sale before the 30 days
    await sold(tmall, wide.skuIds[0]!, daysAgo(3)); // 1 of 21 SKUs: 4.8 %

    const all = await server.gql(SLOW, {});
    const byName = Object.fromEntries(all.data.products.edges.map((e: { node: { name: string } }) => [e.node.name, e.node]));
    expect(byName).toMatchObject({
      在售畅销: { sellThrough: 0.5, slowMoving: false },
      一月未动: { sellThrough: 0, slowMoving: true },
      多规格: { sellThrough: 1 / 21, slowMoving: true },
      上周新品: { sellThrough: 0, slowMoving: null }, // new: the new-product rule's, not this one's
      已下架: { sellThrough: null, slowMoving: null }, // off sale: neither its rate nor the rule
      重新上架: { sellThrough: 0, slowMoving: null }, // back on sale today
      已售罄: { sellThrough: 0, slowMoving: null }, // nothing left to sell is not slow
      京东滞销: { slowMoving: true },
    });
    const names = async (filter: Record<string, unknown>, headers?: Record<string, string>) =>
      (await server.gql(SLOW, { filter }, headers)).data.products.edges.map((e: { node: { name: string } }) => e.node.name).sort();
    expect(await names({ slowMoving: true })).toEqual(['一月未动', '京东滞销', '多规格'].sort());
    expect(await names({ slowMoving: true, shopIds: [gid('Shop', tmall)] })).toEqual(['一月未动', '多规格'].sort());
    expect(await names({ slowMoving: false })).toEqual(['上周新品', '在售畅销', '已下架', '重新上架', '已售罄'].sort());

    // A partner of the JD shop sees its own slow movers only, and none of another shop's turnover.
    const partner = bearer(await server.createKey({ name: 'jd partner', shopIds: [jd], scopes: ['READ'] }));
    expect(await names({ slowMoving: true }, partner)).toEqual(['京东滞销']);
    const other = await server.gql(TURNOVER, { id: wide.skuIds[0] }, partner);
    expect(other.data.node).toBeNull();
    // A key that may only ingest reads no catalogue at all.
    const ingestOnly = bearer(await server.createKey({ name: 'producer', shopIds: [jd], scopes: ['INGEST'] }));
    const refused = await server.gql(SLOW, { filter: { slowMoving: true } }, ingestOnly);
    expect(refused.data?.products ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers a MANAGE key without READ with the product and SKU it changed, but none of their sales figures', async () => {
    const { product, sku } = await insertSku(backend().db, tmall, 'M-1');
    const manageOnly = bearer(await server.createKey({ name: 'catalogue tool', shopIds: [tmall], scopes: ['MANAGE'] }));
    const changed = await server.gql(
      `mutation ($p: UpdateProductInput!, $s: UpdateSkuInput!) {
        updateProduct(input: $p) { product { name sellThrough slowMoving } userErrors { code } }
        updateSku(input: $s) { sku { code stock averageDailyUnitsSold inventoryDays } userErrors { code } }
        sold: updateSku(input: $s) { sku { code unitsSold } userErrors { code } }
      }`,
      { p: { id: gid('Product', product.id), name: '改名' }, s: { id: gid('Sku', sku.id), spec: '大号' } },
      manageOnly,
    );
    expect(changed.data).toEqual({
      updateProduct: { product: { name: '改名', sellThrough: null, slowMoving: null }, userErrors: [] },
      updateSku: { sku: { code: 'M-1', stock: 100, averageDailyUnitsSold: null, inventoryDays: null }, userErrors: [] },
      // unitsSold is non-null: refused, it takes its SKU with it.
      sold: { sku: null, userErrors: [] },
    });
    const refused = (changed.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort();
    expect(refused).toEqual(
      [
        ['updateProduct.product.sellThrough', 'FORBIDDEN'],
        ['updateProduct.product.slowMoving', 'FORBIDDEN'],
        ['updateSku.sku.averageDailyUnitsSold', 'FORBIDDEN'],
        ['updateSku.sku.inventoryDays', 'FORBIDDEN'],
        ['sold.sku.unitsSold', 'FORBIDDEN'],
      ].sort(),
    );
  });

  it("reads a SKU's day rows by SKU, not every shop's days in the window", async () => {
    const db = backend().db;
    const { sku } = await insertSku(db, tmall, 'A');
    // 60 days of 400 other SKUs' sales in another shop, and this SKU's.
    await db.execute(sql`insert into sku_rollups (granularity, bucket, shop_id, channel, source, sku_id, units_sold)
      select 'DAY', ${NOW.toISOString()}::timestamptz - d * interval '1 day', ${jd}::uuid, 'JD', 'SEARCH', gen_random_uuid(), 1
      from generate_series(1, 60) d, generate_series(1, 400) s`);
    await db.execute(sql`analyze sku_rollups`);
    // The statement the turnover fields run, over 30 whole days (DAY rows only).
    const query = unitsSoldQuery(db, SYSTEM, [sku.id], salesWindow(NOW, 30));
    const plan = (await rows<Record<string, string>>(db, sql`explain ${query}`))
      .map((row) => Object.values(row)[0])
      .join('\n');
    expect(plan).toContain('sku_rollups_day_sku_idx');
  });
});
