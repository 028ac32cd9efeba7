import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { HLL_STANDARD_ERROR, SparseHll } from '../../lib/hll.js';
import { productLaunchTraffic } from './launch.table.js';
import { products } from './product.table.js';

const NOW = new Date('2026-11-12T10:00:00+08:00');
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index message } } }`;
const LAUNCH = `query ($id: ID!) { node(id: $id) { ... on Product { name launch {
  startedAt endsAt complete productViews addToCarts visitors buyers conversionRate addToCartRate verdict } } } }`;

type Event = Record<string, unknown>;

describeEachBackend('the new-product rule (新品: 7-day conversion ≥ 3 % → promote)', (backend) => {
  let server: TestServer;
  let tmall: string;
  let jd: string;
  beforeEach(async () => {
    tmall = (await insertShop(backend().db, '天猫店')).id;
    jd = (await insertShop(backend().db, '京东店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => NOW });
  });
  afterEach(() => server.stop());

  /** A product of one SKU created `days` ago, and the events a producer sends about it. */
  async function product(code: string, days: number, shopId = tmall) {
    const { product, sku } = await insertSku(backend().db, shopId, code);
    await backend().db.update(products).set({ createdAt: daysAgo(days) }).where(eq(products.id, product.id));
    const shop = gid('Shop', shopId);
    const skuId = gid('Sku', sku.id);
    const traffic = (type: 'PRODUCT_VIEW' | 'ADD_TO_CART', visitor: string, at: Date): Event => ({
      id: `${code}-${type}-${visitor}-${at.getTime()}`, type, occurredAt: at.toISOString(), shopId: shop, source: 'SEARCH', visitorId: visitor, skuId,
    });
    const paid = (orderId: string, customer: string, at: Date): Event[] => [
      { id: `${orderId}-placed`, type: 'ORDER_PLACED', occurredAt: at.toISOString(), shopId: shop, source: 'SEARCH', orderId, items: [{ skuId, quantity: 1, unitPrice: '99.00' }] },
      { id: `${orderId}-paid`, type: 'ORDER_PAID', occurredAt: at.toISOString(), shopId: shop, source: 'SEARCH', orderId, customerId: customer, amount: '99.00' },
    ];
    const views = (count: number, at: Date, prefix = code) => Array.from({ length: count }, (_, i) => traffic('PRODUCT_VIEW', `${prefix}-v${i}`, at));
    return { id: gid('Product', product.id), traffic, paid, views };
  }

  const launch = async (id: string, headers?: Record<string, string>) => (await server.gql(LAUNCH, { id }, headers)).data?.node?.launch;
  const ingest = async (events: Event[]) => {
    const result = await server.gql(INGEST, { events });
    expect(result.data.ingestEvents.userErrors).toEqual([]);
    return result.data.ingestEvents as { accepted: number; duplicates: number };
  };

  it('promotes a product whose first 7 days converted at 3 % or more, and names the others delisting candidates', async () => {
    const hit = await product('HIT', 10);
    const miss = await product('MISS', 9);
    const inTrial = daysAgo(8);
    const events = [
      // 100 visitors in the trial, 20 of whom added it to cart, one of them twice.
      ...hit.views(100, inTrial),
      ...Array.from({ length: 20 }, (_, i) => hit.traffic('ADD_TO_CART', `HIT-v${i}`, inTrial)),
      hit.traffic('ADD_TO_CART', 'HIT-v0', daysAgo(7)),
      // Before the product existed and after its 7 days: not the trial's. Its first and last millisecond are.
      ...hit.views(30, daysAgo(11), 'early'),
      ...hit.views(40, daysAgo(2), 'late'),
      hit.traffic('PRODUCT_VIEW', 'HIT-v0', daysAgo(10)),
      hit.traffic('PRODUCT_VIEW', 'HIT-v1', new Date(daysAgo(3).getTime() - 1)),
      hit.traffic('PRODUCT_VIEW', 'ends', daysAgo(3)),
      // Four customers paid in the trial, one of them twice; a fifth paid after it, a sixth before it.
      ...hit.paid('H1', 'c1', inTrial), ...hit.paid('H2', 'c2', inTrial), ...hit.paid('H3', 'c3', daysAgo(5)),
      ...hit.paid('H4', 'c4', daysAgo(4)), ...hit.paid('H5', 'c4', daysAgo(3.5)), ...hit.paid('H6', 'c5', daysAgo(2)),
      ...hit.paid('H7', 'c6', daysAgo(10.5)),
      // Placed in the trial, paid the moment it ended: the sale is the payment's, after the trial.
      { ...hit.paid('H8', 'c7', inTrial)[0]! },
      { ...hit.paid('H8', 'c7', daysAgo(3))[1]! },
      ...miss.views(100, daysAgo(5)),
      ...miss.paid('M1', 'c1', daysAgo(5)), ...miss.paid('M2', 'c6', daysAgo(4)),
    ];
    expect(await ingest(events)).toMatchObject({ accepted: events.length });

    const hitLaunch = await launch(hit.id);
    expect(hitLaunch).toMatchObject({
      startedAt: daysAgo(10).toISOString(), endsAt: daysAgo(3).toISOString(), complete: true,
      productViews: 102, addToCarts: 21, buyers: 4, verdict: 'PROMOTE',
    });
    // Distinct visitors are a sketch's estimate (standard error 1.6 %). The visitors hash with the shop's
    // id, a new uuid each run, so the estimate moves from run to run: within three standard errors (99.7 %
    // of runs). "Within two visitors" failed in CI once (103).
    expect(Math.abs(hitLaunch.visitors - 100)).toBeLessThanOrEqual(Math.ceil(3 * HLL_STANDARD_ERROR * 100));
    expect(hitLaunch.conversionRate).toBeCloseTo(4 / hitLaunch.visitors, 10);
    expect(hitLaunch.addToCartRate).toBeCloseTo(20 / hitLaunch.visitors, 1);

    expect(await launch(miss.id)).toMatchObject({ complete: true, productViews: 100, buyers: 2, verdict: 'DELIST_CANDIDATE' });
    // The new products since a moment, with their verdicts: one page, one list; a product created at that very moment is in.
    const since = async (at: Date) =>
      (await server.gql(`query ($since: DateTime) { products(first: 10, filter: { createdSince: $since }) { totalCount edges { node { name launch { verdict } } } } }`, { since: at.toISOString() }))
        .data.products;
    expect(await since(daysAgo(9.5))).toEqual({ totalCount: 1, edges: [{ node: { name: '商品 MISS', launch: { verdict: 'DELIST_CANDIDATE' } } }] });
    expect((await since(daysAgo(10))).totalCount).toBe(2);

    // A replay counts nothing twice.
    expect(await ingest(events)).toMatchObject({ accepted: 0, duplicates: events.length });
    expect(await launch(hit.id)).toEqual(hitLaunch);
  });

  it('gives no verdict while the 7 days run, nor for a product whose views were never recorded', async () => {
    const fresh = await product('FRESH', 2);
    const silent = await product('SILENT', 20);
    // Late events still count in the trial they happened in, in any order and in several batches.
    await ingest([...fresh.views(10, daysAgo(1)), ...fresh.paid('F1', 'c1', daysAgo(1))]);
    await ingest([...fresh.views(5, daysAgo(1.5), 'more'), ...silent.paid('S1', 'c2', daysAgo(19))]);

    const running = await launch(fresh.id);
    expect(running).toMatchObject({ startedAt: daysAgo(2).toISOString(), complete: false, productViews: 15, buyers: 1, verdict: null });
    expect(running.conversionRate).toBeCloseTo(1 / running.visitors, 10);
    // A buyer, but no view naming the product's SKU: nothing to divide by, so nothing to judge.
    expect(await launch(silent.id)).toMatchObject({ complete: true, productViews: 0, visitors: 0, buyers: 1, conversionRate: null, verdict: null });
  });

  it('counts every view exactly when eight producers send batches about the same new products at once', async () => {
    const trio = await Promise.all(['P1', 'P2', 'P3'].map((code) => product(code, 3)));
    // Each producer views all three products, in its own order, so their batches meet on the same rows.
    const batches = Array.from({ length: 8 }, (_, producer) =>
      Array.from({ length: 60 }, (_, i) => trio[(i + producer) % 3]!.traffic(i % 4 === 0 ? 'ADD_TO_CART' : 'PRODUCT_VIEW', `p${producer}-v${i}`, daysAgo(1))),
    );
    const results = await Promise.all(batches.map((events) => ingest(events)));
    expect(results.map((r) => r.accepted)).toEqual(Array(8).fill(60));
    const launches = await Promise.all(trio.map((p) => launch(p.id)));
    // 480 events: 120 add-to-carts and 360 views, 160 per product.
    expect(launches.reduce((sum, l) => sum + l.productViews + l.addToCarts, 0)).toBe(480);
    expect(launches.reduce((sum, l) => sum + l.addToCarts, 0)).toBe(120);
    for (const l of launches) expect(l.productViews + l.addToCarts).toBe(160);
  });

  it("counts a trial's buyers exactly: 2,000 customers, some paying twice, from eight producers at once", async () => {
    const hit = await product('CROWD', 3);
    // 2,000 customers pay in the trial, 400 of them twice, in batches that meet on the same product's rows.
    const orders = [
      ...Array.from({ length: 2_000 }, (_, i) => hit.paid(`C${i}`, `c${i}`, daysAgo(2))),
      ...Array.from({ length: 400 }, (_, i) => hit.paid(`R${i}`, `c${i * 5}`, daysAgo(1))),
    ];
    const batches = Array.from({ length: 8 }, (_, producer) => orders.filter((_, i) => i % 8 === producer).flat());
    await Promise.all(batches.map((events) => ingest(events)));
    await ingest(hit.views(100, daysAgo(2)));
    // A sketch would say 2,000 ± 32 (standard error 1.6 %); DOMAIN.md's buyers are distinct customers.
    const counted = await launch(hit.id);
    expect(counted).toMatchObject({ buyers: 2_000 });
    // A replay of every batch, and one more order of a known customer, count no one twice.
    for (const events of batches) await ingest(events);
    await ingest(hit.paid('again', 'c7', daysAgo(0.5)));
    expect((await launch(hit.id)).buyers).toBe(2_000);
  });

  it('keeps one estimate for a trial whose buyers were a sketch before the upgrade, merging its later buyers into it', async () => {
    const old = await product('OLD', 3);
    // What migration 0034 found: a trial counted with a sketch of its 300 buyers so far (keys as ingestion makes them).
    const sketch = new SparseHll();
    for (let i = 0; i < 300; i++) sketch.add(`${tmall}:before${i}`);
    const [row] = await backend().db.select({ id: products.id }).from(products).where(eq(products.name, '商品 OLD'));
    await backend().db.insert(productLaunchTraffic).values({ productId: row!.id, buyers: sketch.toBytes() });
    const before = (await launch(old.id)).buyers;
    expect(Math.abs(before - 300)).toBeLessThanOrEqual(Math.ceil(3 * HLL_STANDARD_ERROR * 300));

    // 200 more buyers after it, 50 of whom were already counted: still one estimate of the 450.
    await ingest([...Array.from({ length: 150 }, (_, i) => old.paid(`N${i}`, `after${i}`, daysAgo(1))).flat(), ...Array.from({ length: 50 }, (_, i) => old.paid(`B${i}`, `before${i}`, daysAgo(1))).flat()]);
    const after = (await launch(old.id)).buyers;
    expect(Math.abs(after - 450)).toBeLessThanOrEqual(Math.ceil(3 * HLL_STANDARD_ERROR * 450));
    expect(after).toBeGreaterThan(before);
  });

  it("shows a product's trial only to callers who may see its shop", async () => {
    const hit = await product('HIT', 10);
    await ingest([...hit.views(50, daysAgo(8)), ...hit.paid('H1', 'c1', daysAgo(8))]);
    const own = bearer(await server.createKey({ name: 'tmall partner', shopIds: [tmall], scopes: ['READ'] }));
    const other = bearer(await server.createKey({ name: 'jd partner', shopIds: [jd], scopes: ['READ'] }));
    const ingestOnly = bearer(await server.createKey({ name: 'producer', shopIds: [tmall], scopes: ['INGEST'] }));

    expect(await launch(hit.id, own)).toMatchObject({ productViews: 50, buyers: 1 });
    const refused = await server.gql(LAUNCH, { id: hit.id }, other);
    expect(refused.data?.node ?? null).toBeNull();
    const list = await server.gql(`{ products(first: 10) { edges { node { name launch { productViews } } } } }`, {}, other);
    expect(list.data.products.edges).toEqual([]);
    const noRead = await server.gql(LAUNCH, { id: hit.id }, ingestOnly);
    expect(noRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(noRead.data?.node ?? null).toBeNull();
  });
});
