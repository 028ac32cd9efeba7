import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { insertSkuRollups } from '../metrics/metrics.test-fixtures.js';
import { products } from './product.table.js';

const SELL_THROUGH = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) { sellThrough skusOnSale skusSold } }`;
const DAY = { from: '2026-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00' };

describeEachBackend('sell-through (动销率)', (backend) => {
  let server: TestServer;
  let tmall: string;
  let jd: string;
  beforeEach(async () => {
    tmall = (await insertShop(backend().db, '天猫店')).id;
    jd = (await insertShop(backend().db, '京东店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => new Date('2026-11-12T10:00:00+08:00') });
  });
  afterEach(() => server.stop());

  const sold = (shopId: string, skuId: string, at: string, unitsSold = 2, extra: { campaignId?: string; source?: 'PAID'; channel?: 'JD' } = {}) =>
    insertSkuRollups(backend().db, [{ at: new Date(at), shopId, skuId, unitsSold, gmvFen: unitsSold * 9_900, ordersPaid: 1, ...extra }]);

  it('counts the SKUs on sale with a sale in the window over the SKUs on sale, in the caller’s shops and the scope', async () => {
    const db = backend().db;
    const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map((code) => insertSku(db, tmall, code)));
    const delisted = await insertSku(db, tmall, 'X');
    await db.update(products).set({ status: 'OFF_SALE' }).where(eq(products.id, delisted.product.id));
    const jdSku = await insertSku(db, jd, 'J');
    await sold(tmall, a!.sku.id, '2026-11-11T20:00:00+08:00');
    await sold(tmall, b!.sku.id, '2026-11-11T20:05:00+08:00', 1, { source: 'PAID' });
    await sold(tmall, c!.sku.id, '2026-11-10T20:00:00+08:00'); // the day before: not in the window
    await sold(tmall, delisted.sku.id, '2026-11-11T21:00:00+08:00'); // sold, but no longer on sale
    await sold(jd, jdSku.sku.id, '2026-11-11T21:00:00+08:00', 1, { channel: 'JD' });
    void d; // on sale, never sold

    const tmallDay = await server.gql(SELL_THROUGH, { scope: { shopIds: [gid('Shop', tmall)] }, ...DAY });
    expect(tmallDay.data.metrics).toEqual({ sellThrough: 0.5, skusOnSale: 4, skusSold: 2 });
    const everyShop = await server.gql(SELL_THROUGH, { scope: {}, ...DAY });
    expect(everyShop.data.metrics).toEqual({ sellThrough: 0.6, skusOnSale: 5, skusSold: 3 });
    const paidOnly = await server.gql(SELL_THROUGH, { scope: { shopIds: [gid('Shop', tmall)], sources: ['PAID'] }, ...DAY });
    expect(paidOnly.data.metrics).toEqual({ sellThrough: 0.25, skusOnSale: 4, skusSold: 1 });
    const byChannel = await server.gql(SELL_THROUGH, { scope: { channels: ['JD'] }, ...DAY });
    expect(byChannel.data.metrics).toEqual({ sellThrough: 1, skusOnSale: 1, skusSold: 1 });

    // A partner of the JD shop counts its own catalogue only, and is refused another's.
    const partner = bearer(await server.createKey({ name: 'jd partner', shopIds: [jd], scopes: ['READ'] }));
    expect((await server.gql(SELL_THROUGH, { scope: {}, ...DAY }, partner)).data.metrics).toEqual({ sellThrough: 1, skusOnSale: 1, skusSold: 1 });
    const refused = await server.gql(SELL_THROUGH, { scope: { shopIds: [gid('Shop', tmall)] }, ...DAY }, partner);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("a campaign's sell-through counts its shops' catalogue and its own sales; null without a SKU on sale", async () => {
    const db = backend().db;
    const campaign = await insertCampaign(db, [tmall]);
    const [a, b] = await Promise.all(['A', 'B'].map((code) => insertSku(db, tmall, code)));
    await insertSku(db, jd, 'J'); // not a shop of the campaign
    await sold(tmall, a!.sku.id, '2026-11-11T20:00:00+08:00', 1, { campaignId: campaign.id });
    await sold(tmall, b!.sku.id, '2026-11-11T20:00:00+08:00'); // a sale, but not the campaign's
    const result = await server.gql(`query ($id: ID!) { campaign(id: $id) { metrics { sellThrough skusOnSale skusSold } } }`, { id: gid('Campaign', campaign.id) });
    expect(result.data.campaign.metrics).toEqual({ sellThrough: 0.5, skusOnSale: 2, skusSold: 1 });

    const empty = await insertShop(db, '新店', 'DOUYIN');
    const none = await server.gql(SELL_THROUGH, { scope: { shopIds: [gid('Shop', empty.id)] }, ...DAY });
    expect(none.data.metrics).toEqual({ sellThrough: null, skusOnSale: 0, skusSold: 0 });
  });
});
