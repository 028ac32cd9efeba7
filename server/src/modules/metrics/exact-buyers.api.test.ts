import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { customersSharingARegister, gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { exactBuyersByShop, forgetExactBuyers } from './exact-buyers.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { userErrors { index code message } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) {
  orders buyers visitors conversionRate averageOrderValue bySource { source buyers } byChannel { channel buyers } } }`;
const DAY = { from: sh('2026-11-11T00:00:00').toISOString(), to: sh('2026-11-12T00:00:00').toISOString() };

describeEachBackend('buyers counted exactly (DOMAIN.md: distinct customers with a paid order)', (backend) => {
  let server: TestServer;
  let shop: string;
  let shopId: string;
  let otherId: string;
  let sku: string;

  beforeEach(async () => {
    const { db } = backend();
    const a = await insertShop(db, '天猫旗舰店');
    otherId = (await insertShop(db, '别家店', 'JD')).id;
    shopId = a.id;
    shop = gid('Shop', a.id);
    sku = gid('Sku', (await insertSku(db, a.id, 'S1', 10_000)).sku.id);
    server = await startTestServer(backend(), { now: () => sh('2026-11-12T09:00:00') });
  });
  afterEach(() => server.stop());

  const paidOrder = (id: string, customer: string, source: string, at: string) => {
    const common = { shopId: shop, source, orderId: id, customerId: customer, occurredAt: sh(at).toISOString() };
    return [
      { id: `${id}-placed`, type: 'ORDER_PLACED', ...common, items: [{ skuId: sku, quantity: 1, unitPrice: '100.00' }], amount: '100.00' },
      { id: `${id}-paid`, type: 'ORDER_PAID', ...common, amount: '100.00' },
    ];
  };
  const visit = (id: string, visitor: string, source: string, at: string) => ({ id, type: 'VISIT', shopId: shop, source, visitorId: visitor, occurredAt: sh(at).toISOString() });

  it('reads three buyers whose keys share a sketch register as three, with 客单价 and 转化率 from them, overall and by source', async () => {
    const [a, b, c] = customersSharingARegister(shopId, 3);
    const events = [
      ...paidOrder('O1', a!, 'SEARCH', '2026-11-11T10:00:00'),
      ...paidOrder('O2', b!, 'SEARCH', '2026-11-11T10:05:00'),
      ...paidOrder('O3', c!, 'SOCIAL', '2026-11-11T11:00:00'),
      ...paidOrder('O4', a!, 'SOCIAL', '2026-11-11T12:00:00'), // a second order of a: still three buyers
      ...Array.from({ length: 30 }, (_, i) => visit(`v${i}`, `visitor-${i}`, i < 20 ? 'SEARCH' : 'SOCIAL', '2026-11-11T09:00:00')),
    ];
    const ingested = await server.gql(INGEST, { events });
    expect(ingested.data.ingestEvents.userErrors).toEqual([]);

    const result = await server.gql(METRICS, { scope: { shopIds: [shop] }, ...DAY });
    expect(result.errors).toBeUndefined();
    const m = result.data.metrics;
    expect(m).toMatchObject({ orders: 4, buyers: 3, averageOrderValue: '133.33' });
    expect(m.conversionRate).toBeCloseTo(3 / m.visitors, 12);
    expect(Object.fromEntries(m.bySource.map((s: { source: string; buyers: number }) => [s.source, s.buyers]))).toEqual({ SEARCH: 2, SOCIAL: 2 });
    expect(m.byChannel).toEqual([{ channel: 'TMALL', buyers: 3 }]);

    // A later order by a new customer moves it on; the window read again, with nothing new, stays.
    await server.gql(INGEST, { events: paidOrder('O5', 'someone-new', 'SEARCH', '2026-11-11T13:00:00') });
    const after = (await server.gql(METRICS, { scope: { shopIds: [shop] }, ...DAY })).data.metrics;
    expect(after).toMatchObject({ orders: 5, buyers: 4 });
    expect((await server.gql(METRICS, { scope: { shopIds: [shop] }, ...DAY })).data.metrics).toMatchObject({ orders: 5, buyers: 4 });
  });

  it('counts a shorter window from the same start again when an order arrived late: never the longer window\'s buyers', async () => {
    const ingest = async (events: object[]) => expect((await server.gql(INGEST, { events })).data.ingestEvents.userErrors).toEqual([]);
    const window = async (to: string) => (await server.gql(METRICS, { scope: { shopIds: [shop] }, from: DAY.from, to: sh(to).toISOString() })).data.metrics;
    await ingest([...paidOrder('O1', 'c1', 'SEARCH', '2026-11-11T10:00:00'), ...paidOrder('O2', 'c2', 'SEARCH', '2026-11-11T12:30:00')]);
    expect(await window('2026-11-11T13:00:00')).toMatchObject({ orders: 2, buyers: 2, averageOrderValue: '100.00' });
    // c1's second order, paid at 11:00, arrives late: 00:00–12:00 holds two orders of one buyer.
    await ingest(paidOrder('O3', 'c1', 'SEARCH', '2026-11-11T11:00:00'));
    expect(await window('2026-11-11T12:00:00')).toMatchObject({ orders: 2, buyers: 1, averageOrderValue: '200.00' });
    // The longer window again, and a longer one still: three orders of two buyers.
    expect(await window('2026-11-11T13:00:00')).toMatchObject({ orders: 3, buyers: 2, averageOrderValue: '150.00' });
    expect(await window('2026-11-11T14:00:00')).toMatchObject({ orders: 3, buyers: 2 });
  });

  it("counts only the caller's shops: another merchant's key reads none of these buyers, and is refused this shop", async () => {
    await server.gql(INGEST, { events: [...paidOrder('O1', 'x', 'SEARCH', '2026-11-11T10:00:00'), ...paidOrder('O2', 'y', 'SEARCH', '2026-11-11T10:00:00')] });
    const stranger = await server.createKey({ scopes: ['READ'], shopIds: [otherId] });
    const own = await server.gql(METRICS, { scope: {}, ...DAY }, bearer(stranger));
    expect(own.data.metrics).toMatchObject({ orders: 0, buyers: 0 });
    const refused = await server.gql(METRICS, { scope: { shopIds: [shop] }, ...DAY }, bearer(stranger));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('counts shop by shop in one read for the alert rules: the fewest orders first within a budget, never a shop whose orders do not match its rollups', async () => {
    const otherSku = gid('Sku', (await insertSku(backend().db, otherId, 'J1', 10_000)).sku.id);
    const theirs = ['p', 'q', 'r'].flatMap((customer, i) => {
      const common = { shopId: gid('Shop', otherId), source: 'SEARCH', orderId: `P${i}`, customerId: customer, occurredAt: sh('2026-11-11T10:00:00').toISOString() };
      return [
        { id: `P${i}-placed`, type: 'ORDER_PLACED', ...common, items: [{ skuId: otherSku, quantity: 1, unitPrice: '50.00' }], amount: '50.00' },
        { id: `P${i}-paid`, type: 'ORDER_PAID', ...common, amount: '50.00' },
      ];
    });
    const events = [...paidOrder('O1', 'x', 'SEARCH', '2026-11-11T10:00:00'), ...paidOrder('O2', 'x', 'SEARCH', '2026-11-11T11:00:00'), ...theirs];
    expect((await server.gql(INGEST, { events })).data.ingestEvents.userErrors).toEqual([]);
    const { db } = backend();
    const day = { from: new Date(DAY.from), to: new Date(DAY.to) };
    const paid = new Map([[shopId, 2], [otherId, 3]]);

    expect(await exactBuyersByShop(db, day, paid)).toEqual(new Map([[shopId, 1], [otherId, 3]]));
    // A budget of 4 orders: this shop's 2 fit, the other's 3 would pass it, so its estimate stands.
    forgetExactBuyers(db);
    expect(await exactBuyersByShop(db, day, paid, 4)).toEqual(new Map([[shopId, 1]]));
    // The rollups said 5 paid orders, the orders are 2 (a batch committed between the reads): not used.
    expect(await exactBuyersByShop(db, day, new Map([[shopId, 5]]))).toEqual(new Map());
  });
});
