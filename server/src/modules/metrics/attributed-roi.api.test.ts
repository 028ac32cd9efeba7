import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { userErrors { index code message } } }`;
const RECORD = `mutation ($entries: [MarketingSpendEntryInput!]!) { recordMarketingSpend(input: { entries: $entries }) { userErrors { index code message } } }`;
const METRICS = `query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) {
  byChannel { channel gmv spend roi attributedGmv attributedRoi }
  bySource { source gmv spend roi attributedGmv attributedRoi } } }`;
const DAY = { from: sh('2026-11-11T00:00:00').toISOString(), to: sh('2026-11-12T00:00:00').toISOString() };

/**
 * DOMAIN.md: channel ROI = attributed GMV / spend. Spend is recorded per channel × source line, so a
 * platform's ads are credited with the GMV of its lines that had spend — not with its organic sales.
 */
describeEachBackend('the GMV spend is credited with, and its ROI, per platform and per source', (backend) => {
  let server: TestServer;
  let tmall: { id: string; gid: string; sku: string };
  let jd: { id: string; gid: string; sku: string };

  beforeEach(async () => {
    const { db } = backend();
    const shopOf = async (name: string, channel: 'TMALL' | 'JD') => {
      const shop = await insertShop(db, name, channel);
      return { id: shop.id, gid: gid('Shop', shop.id), sku: gid('Sku', (await insertSku(db, shop.id, `${channel}-1`, 10_000)).sku.id) };
    };
    tmall = await shopOf('天猫店', 'TMALL');
    jd = await shopOf('京东店', 'JD');
    server = await startTestServer(backend(), { now: () => sh('2026-11-12T09:00:00') });
  });
  afterEach(() => server.stop());

  const paid = (shop: typeof tmall, id: string, source: string, amount: string) => {
    const common = { shopId: shop.gid, source, orderId: id, customerId: `c-${id}`, occurredAt: sh('2026-11-11T10:00:00').toISOString() };
    return [
      { id: `${id}-placed`, type: 'ORDER_PLACED', ...common, items: [{ skuId: shop.sku, quantity: 1, unitPrice: amount }], amount },
      { id: `${id}-paid`, type: 'ORDER_PAID', ...common, amount },
    ];
  };
  const spend = (shop: typeof tmall, id: string, source: string, amount: string) => ({ id, shopId: shop.gid, source, amount, spentAt: sh('2026-11-11T09:00:00').toISOString() });

  it('credits spend with its own lines: Tmall search sold ¥1,000 with no ads, its paid ads ¥300 for ¥500 (0.6, not 3.4); JD social ¥200 for ¥100', async () => {
    const events = [
      ...paid(tmall, 'T1', 'SEARCH', '1000.00'),
      ...paid(tmall, 'T2', 'PAID', '300.00'),
      ...paid(tmall, 'T3', 'SOCIAL', '400.00'), // Tmall social: organic, no spend
      ...paid(jd, 'J1', 'SOCIAL', '200.00'),
    ];
    expect((await server.gql(INGEST, { events })).data.ingestEvents.userErrors).toEqual([]);
    const recorded = await server.gql(RECORD, { entries: [spend(tmall, 's1', 'PAID', '500.00'), spend(jd, 's2', 'SOCIAL', '100.00')] });
    expect(recorded.data.recordMarketingSpend.userErrors).toEqual([]);

    const m = (await server.gql(METRICS, DAY)).data.metrics;
    const channel = (key: string) => m.byChannel.find((c: { channel: string }) => c.channel === key);
    const source = (key: string) => m.bySource.find((s: { source: string }) => s.source === key);
    expect(channel('TMALL')).toEqual({ channel: 'TMALL', gmv: '1700.00', spend: '500.00', roi: 3.4, attributedGmv: '300.00', attributedRoi: 0.6 });
    expect(channel('JD')).toEqual({ channel: 'JD', gmv: '200.00', spend: '100.00', roi: 2, attributedGmv: '200.00', attributedRoi: 2 });
    // Social sold ¥600 on both platforms; only JD's ¥200 had spend behind it.
    expect(source('SOCIAL')).toEqual({ source: 'SOCIAL', gmv: '600.00', spend: '100.00', roi: 6, attributedGmv: '200.00', attributedRoi: 2 });
    expect(source('SEARCH')).toEqual({ source: 'SEARCH', gmv: '1000.00', spend: '0.00', roi: null, attributedGmv: '0.00', attributedRoi: null });
  });

  it("shows a partner its own platform's figures only, and refuses another merchant's shop", async () => {
    await server.gql(INGEST, { events: [...paid(tmall, 'T1', 'PAID', '300.00'), ...paid(jd, 'J1', 'PAID', '900.00')] });
    await server.gql(RECORD, { entries: [spend(tmall, 's1', 'PAID', '500.00'), spend(jd, 's2', 'PAID', '100.00')] });
    const partner = bearer(await server.createKey({ scopes: ['READ'], shopIds: [tmall.id] }));
    const own = (await server.gql(METRICS, DAY, partner)).data.metrics;
    expect(own.byChannel).toEqual([{ channel: 'TMALL', gmv: '300.00', spend: '500.00', roi: 0.6, attributedGmv: '300.00', attributedRoi: 0.6 }]);
    expect(own.bySource).toEqual([{ source: 'PAID', gmv: '300.00', spend: '500.00', roi: 0.6, attributedGmv: '300.00', attributedRoi: 0.6 }]);
    const refused = await server.gql(
      `query ($shop: ID!, $from: DateTime!, $to: DateTime!) { metrics(scope: { shopIds: [$shop] }, from: $from, to: $to) { byChannel { attributedRoi } } }`,
      { shop: jd.gid, ...DAY },
      partner,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
