import { afterEach, beforeEach, expect, it } from 'vitest';
import { SYSTEM } from '../../auth/viewer.js';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { metricsView, scopeConditions } from './metrics.service.js';
import { insertRollups, insertSkuRollups } from './metrics.test-fixtures.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY_11 = { from: '2026-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00' };

const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) {
    from to gmv netGmv orders ordersPlaced buyers visitors visits pageViews addToCarts unitsSold refundedOrders refundedAmount
    conversionRate averageOrderValue refundRate addToCartRate
  }
}`;

describeEachBackend('metrics over a window and scope', (backend) => {
  let server: TestServer;
  let tmall: { id: string };
  let jd: { id: string };
  let skus: Record<'A' | 'B' | 'C', string>;
  const metrics = (scope: object, window: { from: string; to: string } = DAY_11, fields?: string, headers?: Record<string, string>) =>
    server.gql(
      fields ? `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) { ${fields} } }` : METRICS,
      { scope, ...window },
      headers,
    );

  beforeEach(async () => {
    const { db } = backend();
    tmall = await insertShop(db, '天猫旗舰店');
    jd = await insertShop(db, '京东自营', 'JD');
    skus = {
      A: (await insertSku(db, tmall.id, 'A-1')).sku.id,
      B: (await insertSku(db, tmall.id, 'B-1')).sku.id,
      C: (await insertSku(db, jd.id, 'C-1')).sku.id,
    };
    await insertRollups(db, [
      // The evening before 11.11 and the first minute after it: outside the 11.11 window.
      { at: sh('2026-11-10T23:50:00'), shopId: tmall.id, counters: { ordersPaid: 1, gmvFen: 99_999 }, buyers: ['c9'] },
      { at: sh('2026-11-12T00:00:00'), shopId: tmall.id, counters: { ordersPaid: 1, gmvFen: 77_700 }, buyers: ['c8'] },
      {
        at: sh('2026-11-11T00:05:00'),
        shopId: tmall.id,
        source: 'SEARCH',
        counters: { visits: 3, pageViews: 7, addToCarts: 2, ordersPlaced: 2, ordersPaid: 2, gmvFen: 30_000, unitsSold: 3 },
        visitors: ['v1', 'v2', 'v3'],
        carters: ['v1', 'v2'],
        buyers: ['c1', 'c2'],
      },
      {
        at: sh('2026-11-11T10:30:00'),
        shopId: tmall.id,
        source: 'PAID',
        counters: { visits: 2, pageViews: 4, addToCarts: 1, ordersPlaced: 1, ordersPaid: 1, gmvFen: 12_345, unitsSold: 1, refundedOrders: 1, refundedFen: 5_000 },
        visitors: ['v3', 'v4'],
        carters: ['v4'],
        buyers: ['c3'],
      },
      {
        at: sh('2026-11-11T21:15:00'),
        shopId: jd.id,
        channel: 'JD',
        source: 'SEARCH',
        counters: { visits: 1, pageViews: 1, ordersPlaced: 1, ordersPaid: 1, gmvFen: 9_900, unitsSold: 1 },
        visitors: ['v5'],
        buyers: ['jd-c1'],
      },
    ]);
    await insertSkuRollups(db, [
      { at: sh('2026-11-11T00:05:00'), shopId: tmall.id, skuId: skus.A, gmvFen: 30_000, unitsSold: 3, ordersPaid: 2 },
      { at: sh('2026-11-11T10:30:00'), shopId: tmall.id, source: 'PAID', skuId: skus.B, gmvFen: 12_345, unitsSold: 1, ordersPaid: 1 },
      { at: sh('2026-11-11T21:15:00'), shopId: jd.id, channel: 'JD', skuId: skus.C, gmvFen: 9_900, unitsSold: 1, ordersPaid: 1 },
      { at: sh('2026-11-10T23:50:00'), shopId: jd.id, channel: 'JD', skuId: skus.C, gmvFen: 99_999, unitsSold: 9, ordersPaid: 9 },
    ]);
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it('totals 11.11 with the rates of DOMAIN.md, leaving out the evening before and the day after', async () => {
    const result = await metrics({});
    expect(result.errors).toBeUndefined();
    expect(result.data.metrics).toEqual({
      from: '2026-11-10T16:00:00.000Z',
      to: '2026-11-11T16:00:00.000Z',
      gmv: '522.45',
      netGmv: '472.45',
      orders: 4,
      ordersPlaced: 4,
      buyers: 4,
      visitors: 5,
      visits: 6,
      pageViews: 12,
      addToCarts: 3,
      unitsSold: 5,
      refundedOrders: 1,
      refundedAmount: '50.00',
      conversionRate: 0.8,
      averageOrderValue: '130.61', // 522.45 / 4 = 130.6125
      refundRate: 0.25,
      addToCartRate: 0.6,
    });
  });

  it('adds ragged minutes and hours to whole days when the window does not align', async () => {
    const across = await metrics({}, { from: '2026-11-10T23:30:00+08:00', to: '2026-11-12T00:30:00+08:00' }, 'gmv orders buyers');
    expect(across.data.metrics).toEqual({ gmv: '2299.44', orders: 6, buyers: 6 }); // 999.99 + 522.45 + 777.00
    const inside = await metrics({}, { from: '2026-11-11T00:06:00+08:00', to: '2026-11-11T21:15:00+08:00' }, 'gmv visitors');
    expect(inside.data.metrics).toEqual({ gmv: '123.45', visitors: 2 });
  });

  it('counts a minute when it starts inside the window', async () => {
    const result = await metrics({}, { from: '2026-11-11T21:14:30+08:00', to: '2026-11-11T21:15:01+08:00' }, 'from to gmv');
    expect(result.data.metrics).toEqual({ from: '2026-11-11T13:15:00.000Z', to: '2026-11-11T13:16:00.000Z', gmv: '99.00' });
  });

  it('breaks figures down by channel and by source, merging distinct counts within each', async () => {
    const result = await metrics({}, DAY_11, `
      byChannel { channel gmv orders buyers visitors conversionRate averageOrderValue refundRate }
      bySource { source gmv orders buyers visitors conversionRate averageOrderValue refundRate }`);
    expect(result.data.metrics.byChannel).toEqual([
      { channel: 'TMALL', gmv: '423.45', orders: 3, buyers: 3, visitors: 4, conversionRate: 0.75, averageOrderValue: '141.15', refundRate: 1 / 3 },
      { channel: 'JD', gmv: '99.00', orders: 1, buyers: 1, visitors: 1, conversionRate: 1, averageOrderValue: '99.00', refundRate: 0 },
    ]);
    expect(result.data.metrics.bySource).toEqual([
      { source: 'SEARCH', gmv: '399.00', orders: 3, buyers: 3, visitors: 4, conversionRate: 0.75, averageOrderValue: '133.00', refundRate: 0 },
      { source: 'PAID', gmv: '123.45', orders: 1, buyers: 1, visitors: 2, conversionRate: 0.5, averageOrderValue: '123.45', refundRate: 1 },
    ]);
  });

  it('draws an hourly series with a zero point for every quiet hour', async () => {
    const result = await metrics({}, { from: '2026-11-11T09:30:00+08:00', to: '2026-11-11T12:00:00+08:00' }, 'series(interval: HOUR) { at gmv netGmv orders visits refundedOrders }');
    expect(result.data.metrics.series).toEqual([
      { at: '2026-11-11T01:30:00.000Z', gmv: '0.00', netGmv: '0.00', orders: 0, visits: 0, refundedOrders: 0 },
      { at: '2026-11-11T02:00:00.000Z', gmv: '123.45', netGmv: '73.45', orders: 1, visits: 2, refundedOrders: 1 },
      { at: '2026-11-11T03:00:00.000Z', gmv: '0.00', netGmv: '0.00', orders: 0, visits: 0, refundedOrders: 0 },
    ]);
  });

  it('draws daily points at Shanghai midnights and minute points around a sale', async () => {
    const daily = await metrics({}, { from: '2026-11-10T00:00:00+08:00', to: '2026-11-13T00:00:00+08:00' }, 'series(interval: DAY) { at gmv }');
    expect(daily.data.metrics.series).toEqual([
      { at: '2026-11-09T16:00:00.000Z', gmv: '999.99' },
      { at: '2026-11-10T16:00:00.000Z', gmv: '522.45' },
      { at: '2026-11-11T16:00:00.000Z', gmv: '777.00' },
    ]);
    const minutes = await metrics({}, { from: '2026-11-11T21:14:00+08:00', to: '2026-11-11T21:17:00+08:00' }, 'series(interval: MINUTE) { gmv }');
    expect(minutes.data.metrics.series).toEqual([{ gmv: '0.00' }, { gmv: '99.00' }, { gmv: '0.00' }]);
  });

  it('gives only the tail of a series with last, however long the window', async () => {
    const tail = await metrics({}, { from: '2026-11-11T21:00:00+08:00', to: '2026-11-11T21:16:00+08:00' }, 'series(interval: MINUTE, last: 3) { at gmv }');
    expect(tail.data.metrics.series).toEqual([
      { at: '2026-11-11T13:13:00.000Z', gmv: '0.00' },
      { at: '2026-11-11T13:14:00.000Z', gmv: '0.00' },
      { at: '2026-11-11T13:15:00.000Z', gmv: '99.00' },
    ]);
    // Three days by minute is too long for a whole series, not for its tail.
    const long = await metrics({}, { from: '2026-11-10T00:00:00+08:00', to: '2026-11-13T00:00:00+08:00' }, 'series(interval: MINUTE, last: 2) { at }');
    expect(long.data.metrics.series).toEqual([{ at: '2026-11-12T15:58:00.000Z' }, { at: '2026-11-12T15:59:00.000Z' }]);
    const bad = await metrics({}, DAY_11, 'series(interval: HOUR, last: 0) { at }');
    expect(bad.errors?.[0]).toMatchObject({ message: expect.stringMatching(/last must be between 1/), extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('refuses a series with too many points and asks for a coarser interval', async () => {
    const result = await metrics({}, { from: '2026-11-10T00:00:00+08:00', to: '2026-11-13T00:00:00+08:00' }, 'series(interval: MINUTE) { gmv }');
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/coarser interval/),
      extensions: { code: 'BAD_USER_INPUT', messageZh: '此时间窗口按 MINUTE 粒度有 4320 个点，最多返回 2000 个；请改用更粗的粒度或更短的时间窗口' },
    });
  });

  it('ranks top products by GMV with their share of the window GMV, up to the limit', async () => {
    const result = await metrics({}, DAY_11, 'topProducts(limit: 2) { sku { code } product { name } gmv unitsSold orders share }');
    expect(result.data.metrics.topProducts).toEqual([
      { sku: { code: 'A-1' }, product: { name: '商品 A-1' }, gmv: '300.00', unitsSold: 3, orders: 2, share: 30_000 / 52_245 },
      { sku: { code: 'B-1' }, product: { name: '商品 B-1' }, gmv: '123.45', unitsSold: 1, orders: 1, share: 12_345 / 52_245 },
    ]);
    // The SKUs come with the ranking, in its statement: that and the window's totals (for the share), nothing more.
    const before = backend().database.queryCount();
    const all = await metrics({}, DAY_11, 'topProducts { sku { code price } }');
    expect(backend().database.queryCount() - before).toBe(2);
    expect(all.data.metrics.topProducts.map((p: { sku: { code: string } }) => p.sku.code)).toEqual(['A-1', 'B-1', 'C-1']);
    const tooMany = await metrics({}, DAY_11, 'topProducts(limit: 101) { gmv }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('walks the funnel from visit to paid', async () => {
    const result = await metrics({}, DAY_11, 'funnel { steps { name count rateFromPrevious shareOfPrevious rateFromFirst } }');
    // 4 orders from 3 visitors who carted: the capped rate reads 1, the share says there is none.
    expect(result.data.metrics.funnel.steps).toEqual([
      { name: 'VISIT', count: 5, rateFromPrevious: 0, shareOfPrevious: null, rateFromFirst: 1 },
      { name: 'PRODUCT_VIEW', count: 6, rateFromPrevious: 1, shareOfPrevious: null, rateFromFirst: 1 },
      { name: 'ADD_TO_CART', count: 3, rateFromPrevious: 0.5, shareOfPrevious: 0.5, rateFromFirst: 0.6 },
      { name: 'ORDER_PLACED', count: 4, rateFromPrevious: 1, shareOfPrevious: null, rateFromFirst: 0.8 },
      { name: 'ORDER_PAID', count: 4, rateFromPrevious: 1, shareOfPrevious: 1, rateFromFirst: 0.8 },
    ]);
  });

  it('narrows to shops, channels and sources', async () => {
    const shop = await metrics({ shopIds: [gid('Shop', jd.id)] }, DAY_11, 'gmv buyers');
    expect(shop.data.metrics).toEqual({ gmv: '99.00', buyers: 1 });
    const channel = await metrics({ channels: ['TMALL'], sources: ['PAID'] }, DAY_11, 'gmv visitors topProducts { sku { code } }');
    expect(channel.data.metrics).toEqual({ gmv: '123.45', visitors: 2, topProducts: [{ sku: { code: 'B-1' } }] });
  });

  it('counts only traffic and orders attributed to a campaign when scoped to it', async () => {
    const { db } = backend();
    const campaign = await insertCampaign(db, [tmall.id]);
    await insertRollups(db, [{ at: sh('2026-11-11T20:00:00'), shopId: tmall.id, campaignId: campaign.id, counters: { ordersPaid: 1, gmvFen: 50_000 }, buyers: ['c1'] }]);
    const result = await metrics({ campaignId: gid('Campaign', campaign.id) }, DAY_11, 'gmv orders');
    expect(result.data.metrics).toEqual({ gmv: '500.00', orders: 1 });
  });

  it("shows a partner only their own shops' figures", async () => {
    const { db } = backend();
    const asTmall = bearer(await server.createKey({ name: 'tmall partner', shopIds: [tmall.id], scopes: ['READ'] }));
    const own = await metrics({}, DAY_11, 'gmv visitors byChannel { channel }', asTmall);
    expect(own.data.metrics).toEqual({ gmv: '423.45', visitors: 4, byChannel: [{ channel: 'TMALL' }] });
    // Naming a foreign shop or campaign is refused before any work, with no data at all.
    const other = await metrics({ shopIds: [gid('Shop', jd.id)] }, DAY_11, 'gmv topProducts { gmv } funnel { steps { shareOfPrevious } }', asTmall);
    expect(other.data).toBeNull();
    expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const joint = await insertCampaign(db, [tmall.id, jd.id], '联合大促');
    const hidden = await metrics({ campaignId: gid('Campaign', joint.id) }, DAY_11, 'gmv', asTmall);
    expect(hidden.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    // …and a campaign that does not exist looks exactly the same to a partner.
    const nowhere = await metrics({ campaignId: gid('Campaign', '00000000-0000-4000-8000-000000000000') }, DAY_11, 'gmv', asTmall);
    expect(nowhere.errors?.[0]).toMatchObject({ message: hidden.errors?.[0]?.message, extensions: { code: 'FORBIDDEN' } });
    const unknown = await metrics({ campaignId: gid('Campaign', '00000000-0000-4000-8000-000000000000') }, DAY_11, 'gmv');
    expect(unknown.errors?.[0]).toMatchObject({ message: 'Campaign not found', extensions: { code: 'NOT_FOUND' } });
  });

  it('rejects a window whose start is not before its end', async () => {
    const result = await metrics({}, { from: DAY_11.to, to: DAY_11.to }, 'gmv');
    expect(result.errors?.[0]).toMatchObject({
      message: '"from" must be before "to"',
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', messageZh: '"from" 必须早于 "to"' },
    });
  });

  it('takes a window of a year and a day, not more', async () => {
    const year = await metrics({}, { from: '2025-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00' }, 'gmv');
    expect(year.errors).toBeUndefined();
    // Its totals merge every rollup row in it: centuries under 20 aliases would hold the process for everyone.
    const ages = await metrics({}, { from: '2000-01-01T00:00:00+08:00', to: '9998-12-31T00:00:00Z' }, 'gmv');
    expect(ages.errors?.[0]).toMatchObject({ message: expect.stringContaining('at most 366 days'), extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW' } });
  });

  it('reads the rollups once however many figures and breakdowns are asked for', async () => {
    const { db, database } = backend();
    const before = database.queryCount();
    const view = metricsView(db, scopeConditions(SYSTEM, {}), sh('2026-11-11T00:00:00'), sh('2026-11-12T00:00:00'), sh('2026-11-12T00:00:00'), null);
    const [a, b] = await Promise.all([view.totals(), view.totals()]);
    expect(a).toBe(b);
    expect(a.all.gmvFen).toBe(52_245);
    // The rollups once, and the window's paid orders once for the exact buyers (exact-buyers.ts).
    expect(database.queryCount() - before).toBe(2);
    const again = database.queryCount();
    await metricsView(db, scopeConditions(SYSTEM, {}), sh('2026-11-11T00:00:00'), sh('2026-11-12T00:00:00'), sh('2026-11-12T00:00:00'), null).totals();
    // Read again with no order paid since: the rollups only.
    expect(database.queryCount() - again).toBe(1);
  });
});
