import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TrafficSource } from '../../db/enums.js';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { index code message } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) {
  gmv buyerMix { buyers newBuyers returningBuyers newBuyerShare repurchasers repurchaseRate }
  bySegment { segment gmv orders buyers share } } }`;

// The Asia/Shanghai day of 11.11: [2026-11-11T00:00+08:00, 2026-11-12T00:00+08:00) = [11-10T16:00Z, 11-11T16:00Z).
const FROM = '2026-11-11T00:00:00+08:00';
const TO = '2026-11-12T00:00:00+08:00';

interface Paid {
  order: string;
  customer: string;
  amount: string;
  at: string;
  source?: TrafficSource;
}

describeEachBackend('metrics: new vs returning buyers, repurchase rate and GMV by RFM segment', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopA: string;
  let shopB: string;

  beforeEach(async () => {
    clock = new Date('2026-11-12T10:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
    shopA = (await insertShop(backend().db, '天猫旗舰店', 'TMALL')).id;
    shopB = (await insertShop(backend().db, '京东自营店', 'JD')).id;
  });
  afterEach(() => server.stop());

  const paid = (shopId: string, p: Paid) => ({
    id: `${p.order}-paid`, type: 'ORDER_PAID', occurredAt: p.at, shopId: gid('Shop', shopId), source: p.source ?? 'SEARCH',
    orderId: p.order, customerId: p.customer, amount: p.amount,
  });

  async function ingest(events: object[]) {
    const result = await server.gql(INGEST, { events });
    expect(result.data.ingestEvents.userErrors).toEqual([]);
    expect(result.data.ingestEvents.accepted).toBe(events.length);
  }

  async function fixture() {
    await ingest([
      // old1: bought in October, again at the very first second of 11.11 (Shanghai) → returning, one order in the window.
      paid(shopA, { order: 'A1', customer: 'old1', amount: '300.00', at: '2026-10-01T12:00:00+08:00' }),
      paid(shopA, { order: 'A2', customer: 'old1', amount: '200.00', at: '2026-11-11T00:00:00+08:00' }),
      // old2: two orders before, two in the window (through PAID traffic) → returning repurchaser.
      paid(shopA, { order: 'A3', customer: 'old2', amount: '500.00', at: '2026-09-20T12:00:00+08:00' }),
      paid(shopA, { order: 'A4', customer: 'old2', amount: '400.00', at: '2026-10-20T12:00:00+08:00' }),
      paid(shopA, { order: 'A5', customer: 'old2', amount: '300.00', at: '2026-11-11T10:00:00+08:00', source: 'PAID' }),
      paid(shopA, { order: 'A6', customer: 'old2', amount: '200.00', at: '2026-11-11T20:00:00+08:00', source: 'PAID' }),
      // new1: first payment ever on 11.11, one order → new.
      paid(shopA, { order: 'A7', customer: 'new1', amount: '100.00', at: '2026-11-11T12:00:00+08:00' }),
      // new2: first payment on 11.11, a second at its last second (through PAID traffic) → new repurchaser.
      paid(shopA, { order: 'A8', customer: 'new2', amount: '600.00', at: '2026-11-11T09:00:00+08:00' }),
      paid(shopA, { order: 'A9', customer: 'new2', amount: '500.00', at: '2026-11-11T23:59:59+08:00', source: 'PAID' }),
      // refunder: new on 11.11, the order fully refunded an hour later: still a paid order, so a new buyer.
      paid(shopA, { order: 'A10', customer: 'refunder', amount: '250.00', at: '2026-11-11T15:00:00+08:00' }),
      { id: 'A10-refund', type: 'ORDER_REFUNDED', occurredAt: '2026-11-11T16:00:00+08:00', shopId: gid('Shop', shopA), source: 'SEARCH', orderId: 'A10', amount: '250.00', reason: '七天无理由' },
      // Bought only outside the window: the last second of 11.10, the first of 11.12, and in July.
      paid(shopA, { order: 'A11', customer: 'before', amount: '50.00', at: '2026-11-10T23:59:59+08:00' }),
      paid(shopA, { order: 'A12', customer: 'after', amount: '80.00', at: '2026-11-12T00:00:00+08:00' }),
      paid(shopA, { order: 'A13', customer: 'sleeper', amount: '2000.00', at: '2026-07-01T12:00:00+08:00' }),
      // Another merchant's shop: b1 new with two orders, b2 returning with one.
      paid(shopB, { order: 'B1', customer: 'b1', amount: '999.00', at: '2026-11-11T08:00:00+08:00' }),
      paid(shopB, { order: 'B2', customer: 'b1', amount: '999.00', at: '2026-11-11T09:00:00+08:00' }),
      paid(shopB, { order: 'B3', customer: 'b2', amount: '10.00', at: '2026-11-01T09:00:00+08:00' }),
      paid(shopB, { order: 'B4', customer: 'b2', amount: '20.00', at: '2026-11-11T21:00:00+08:00' }),
    ]);
  }

  const metrics = (scope: object, headers?: Record<string, string>) => server.gql(METRICS, { scope, from: FROM, to: TO }, headers);

  // Shop A on 11.11, counted by hand from the fixture:
  // buyers old1, old2, new1, new2, refunder = 5; new: new1, new2, refunder = 3; returning: old1, old2 = 2;
  // ≥ 2 paid orders in the window: old2 (A5, A6), new2 (A8, A9) = 2 → repurchase rate 2 / 5.
  const SHOP_A_MIX = { buyers: 5, newBuyers: 3, returningBuyers: 2, newBuyerShare: 0.6, repurchasers: 2, repurchaseRate: 0.4 };
  // Segments now (11-12 10:00): old2 has 4 paid orders, ¥1,400 net, last a day ago → IMPORTANT_VALUE (A5 + A6 = ¥500);
  // new2 ¥1,100 net in only 2 orders → IMPORTANT_DEVELOPMENT (A8 + A9 = ¥1,100); old1 (¥500 net), new1 (¥100),
  // refunder (¥0 net) → GENERAL_VALUE (A2 + A7 + A10 = ¥550, the refund not deducted). Window GMV ¥2,150.
  const SHOP_A_SEGMENTS = [
    { segment: 'IMPORTANT_VALUE', gmv: '500.00', orders: 2, buyers: 1, share: 500 / 2150 },
    { segment: 'IMPORTANT_DEVELOPMENT', gmv: '1100.00', orders: 2, buyers: 1, share: 1100 / 2150 },
    { segment: 'GENERAL_VALUE', gmv: '550.00', orders: 3, buyers: 3, share: 550 / 2150 },
    { segment: 'SLEEPING', gmv: '0.00', orders: 0, buyers: 0, share: 0 },
  ];

  it("counts new and returning buyers, repurchase and GMV by segment of one shop's 11.11, cut at midnight Asia/Shanghai", async () => {
    await fixture();
    const { data, errors } = await metrics({ shopIds: [gid('Shop', shopA)] });
    expect(errors).toBeUndefined();
    expect(data.metrics.gmv).toBe('2150.00');
    expect(data.metrics.buyerMix).toEqual(SHOP_A_MIX);
    expect(data.metrics.bySegment).toEqual(SHOP_A_SEGMENTS);
  });

  it('adds the other shop for a caller who sees both, and keeps the channel filter to its shops', async () => {
    await fixture();
    // Shop B: b1 new with 2 orders, b2 returning → 2 buyers, 1 new, 1 returning, 1 repurchaser.
    const all = await metrics({});
    expect(all.data.metrics.buyerMix).toEqual({ buyers: 7, newBuyers: 4, returningBuyers: 3, newBuyerShare: 4 / 7, repurchasers: 3, repurchaseRate: 3 / 7 });
    // b1 (¥1,998 net, 2 orders) → IMPORTANT_DEVELOPMENT; b2 → GENERAL_VALUE. GMV ¥2,150 + ¥2,018 = ¥4,168.
    expect(all.data.metrics.gmv).toBe('4168.00');
    expect(all.data.metrics.bySegment.map((s: { gmv: string; orders: number; buyers: number }) => [s.gmv, s.orders, s.buyers])).toEqual([
      ['500.00', 2, 1],
      ['3098.00', 4, 2],
      ['570.00', 4, 4],
      ['0.00', 0, 0],
    ]);
    const jd = await metrics({ channels: ['JD'] });
    expect(jd.data.metrics.buyerMix).toEqual({ buyers: 2, newBuyers: 1, returningBuyers: 1, newBuyerShare: 0.5, repurchasers: 1, repurchaseRate: 0.5 });
  });

  it('with a source in the scope, counts the buyers through that source and which of them paid for the first time ever', async () => {
    await fixture();
    // PAID traffic on 11.11: old2 (A5, A6: returning, repurchaser) and new2 (A9 only; first payment A8 was SEARCH, also on 11.11 → new).
    const { data } = await metrics({ shopIds: [gid('Shop', shopA)], sources: ['PAID'] });
    expect(data.metrics.buyerMix).toEqual({ buyers: 2, newBuyers: 1, returningBuyers: 1, newBuyerShare: 0.5, repurchasers: 1, repurchaseRate: 0.5 });
    expect(data.metrics.gmv).toBe('1000.00');
    expect(data.metrics.bySegment.map((s: { gmv: string }) => s.gmv)).toEqual(['500.00', '500.00', '0.00', '0.00']);
  });

  it('puts customers in their segment as of now: 3 months after 11.11 every buyer of that day is SLEEPING', async () => {
    await fixture();
    clock = new Date('2027-02-12T00:00:00+08:00'); // 3 months and a second after new2's last order (11-11 23:59:59)
    const { data } = await metrics({ shopIds: [gid('Shop', shopA)] });
    expect(data.metrics.bySegment).toEqual([
      { segment: 'IMPORTANT_VALUE', gmv: '0.00', orders: 0, buyers: 0, share: 0 },
      { segment: 'IMPORTANT_DEVELOPMENT', gmv: '0.00', orders: 0, buyers: 0, share: 0 },
      { segment: 'GENERAL_VALUE', gmv: '0.00', orders: 0, buyers: 0, share: 0 },
      { segment: 'SLEEPING', gmv: '2150.00', orders: 7, buyers: 5, share: 1 },
    ]);
    // The window's figures do not depend on the clock.
    expect(data.metrics.buyerMix).toEqual(SHOP_A_MIX);
  });

  it('gives null rates without buyers', async () => {
    await fixture();
    const { data } = await server.gql(METRICS, { scope: {}, from: '2026-12-01T00:00:00+08:00', to: '2026-12-02T00:00:00+08:00' });
    expect(data.metrics.buyerMix).toEqual({ buyers: 0, newBuyers: 0, returningBuyers: 0, newBuyerShare: null, repurchasers: 0, repurchaseRate: null });
    expect(data.metrics.bySegment.map((s: { share: number }) => s.share)).toEqual([0, 0, 0, 0]);
  });

  it("never shows a partner another shop's customers, and refuses a key without READ", async () => {
    await fixture();
    const partner = await server.createKey({ name: 'partner', shopIds: [shopB], scopes: ['READ'] });
    const refused = await metrics({ shopIds: [gid('Shop', shopA)] }, bearer(partner));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?.metrics ?? null).toBeNull();
    // Without naming shops, the partner sees shop B alone — even on shop A's channel.
    const own = await metrics({}, bearer(partner));
    expect(own.errors).toBeUndefined();
    expect(own.data.metrics.buyerMix).toEqual({ buyers: 2, newBuyers: 1, returningBuyers: 1, newBuyerShare: 0.5, repurchasers: 1, repurchaseRate: 0.5 });
    expect(own.data.metrics.bySegment.map((s: { gmv: string }) => s.gmv)).toEqual(['0.00', '1998.00', '20.00', '0.00']);
    const tmall = await metrics({ channels: ['TMALL'] }, bearer(partner));
    expect(tmall.data.metrics.buyerMix).toEqual({ buyers: 0, newBuyers: 0, returningBuyers: 0, newBuyerShare: null, repurchasers: 0, repurchaseRate: null });
    expect(tmall.data.metrics.bySegment.map((s: { gmv: string }) => s.gmv)).toEqual(['0.00', '0.00', '0.00', '0.00']);

    const ingestOnly = await server.createKey({ name: 'producer', shopIds: [shopA], scopes: ['INGEST'] });
    const noRead = await metrics({}, bearer(ingestOnly));
    expect(noRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
