import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku, partnerViewer } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { SYSTEM } from '../../auth/viewer.js';
import { countUnshippedOverdue } from '../order/order.service.js';
import { scopeConditions } from './metrics.service.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');
const at = (local: string) => new Date(`2026-${local}:00+08:00`).toISOString();
const TODAY = { from: at('11-11T00:00'), to: at('11-12T00:00') };
const YESTERDAY = { from: at('11-10T00:00'), to: at('11-11T00:00') };
const FULFILMENT = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) { fulfilment { shippedOrders deliveredOrders averagePaidToShippedSeconds unshippedOverdue } }
}`;

const SET_RULE = `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { setting { threshold source } userErrors { message } } }`;

type Step = [type: 'ORDER_PAID' | 'ORDER_SHIPPED' | 'ORDER_DELIVERED' | 'ORDER_REFUNDED' | 'ORDER_PLACED', local: string, amount?: string];

describeEachBackend('fulfilment metrics', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopA: { id: string; gid: string };
  let shopB: { id: string; gid: string };

  beforeEach(async () => {
    const a = await insertShop(backend().db, '天猫店', 'TMALL');
    const b = await insertShop(backend().db, '京东店', 'JD');
    shopA = { id: a.id, gid: gid('Shop', a.id) };
    shopB = { id: b.id, gid: gid('Shop', b.id) };
    const sku = gid('Sku', (await insertSku(backend().db, a.id, 'SKU-1', 10_000)).sku.id);
    clock = NOW;
    server = await startTestServer(backend(), { now: () => clock, tickMs: 3_600_000 });

    // The life of each order, as its events (each order paid ¥100 unless it is only placed).
    const order = (shop: string, orderId: string, steps: Step[], source = 'SEARCH') =>
      steps.map(([type, local, amount], i) => ({
        id: `${orderId}-${i}`, type, occurredAt: at(local), shopId: shop, source, orderId,
        ...(type === 'ORDER_PAID' ? { amount: '100.00', customerId: `c-${orderId}` } : {}),
        ...(type === 'ORDER_REFUNDED' ? { amount } : {}),
        ...(type === 'ORDER_PLACED' ? { items: [{ skuId: sku, quantity: 1, unitPrice: '100.00' }] } : {}),
      }));
    const A = shopA.gid;
    const events = [
      // Shipped today, 30 min, 1 h and 12 h after payment; S2 also delivered today.
      ...order(A, 'S1', [['ORDER_PAID', '11-11T09:00'], ['ORDER_SHIPPED', '11-11T09:30']]),
      ...order(A, 'S2', [['ORDER_PAID', '11-11T10:00'], ['ORDER_SHIPPED', '11-11T11:00'], ['ORDER_DELIVERED', '11-11T11:50']]),
      ...order(A, 'S3', [['ORDER_PAID', '11-10T20:00'], ['ORDER_SHIPPED', '11-11T08:00']]),
      // Shipped yesterday, delivered today.
      ...order(A, 'S4', [['ORDER_PAID', '11-10T09:00'], ['ORDER_SHIPPED', '11-10T10:00'], ['ORDER_DELIVERED', '11-11T10:00']]),
      // Waiting for the warehouse: 26 h (overdue), 23 h (not yet), partly refunded (still due), fully refunded (not due).
      ...order(A, 'U1', [['ORDER_PAID', '11-10T10:00']]),
      ...order(A, 'U2', [['ORDER_PAID', '11-10T13:00']]),
      ...order(A, 'U3', [['ORDER_PAID', '11-09T10:00'], ['ORDER_REFUNDED', '11-09T12:00', '20.00']]),
      ...order(A, 'U4', [['ORDER_PAID', '11-09T10:00'], ['ORDER_REFUNDED', '11-09T12:00', '100.00']]),
      // Placed, never paid: nothing to ship.
      ...order(A, 'U5', [['ORDER_PLACED', '11-09T10:00']]),
      ...order(A, 'U6', [['ORDER_PAID', '11-09T10:00']], 'SOCIAL'),
      // Delivered without a shipment event ever arriving: not waiting for anything.
      ...order(A, 'U7', [['ORDER_PAID', '11-09T10:00'], ['ORDER_DELIVERED', '11-10T15:00']]),
      ...order(A, 'U8', [['ORDER_PAID', '11-08T10:00']]),
      ...order(shopB.gid, 'B1', [['ORDER_PAID', '11-09T10:00']]),
      ...order(shopB.gid, 'B2', [['ORDER_PAID', '11-11T09:00'], ['ORDER_SHIPPED', '11-11T10:00']]),
    ];
    const result = await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted userErrors { index message } } }`, { e: events });
    expect(result.data.ingestEvents).toEqual({ accepted: events.length, userErrors: [] });
  });
  afterEach(() => server.stop());

  const figures = async (scope: Record<string, unknown>, window: { from: string; to: string }, headers?: Record<string, string>) =>
    server.gql(FULFILMENT, { scope, ...window }, headers);

  it("counts shipments, deliveries and paid-to-shipped time exactly in a window, and orders paid over 24 h ago and still unshipped at the window's end", async () => {
    expect((await figures({}, TODAY)).data.metrics.fulfilment).toEqual({
      shippedOrders: 4, // S1, S2, S3, B2
      deliveredOrders: 2, // S2, S4
      averagePaidToShippedSeconds: (1_800 + 3_600 + 43_200 + 3_600) / 4,
      unshippedOverdue: 5, // U1, U3, U6, U8, B1 — paid before 11.10 12:00 (now − 24 h)
    });
    expect((await figures({ shopIds: [shopA.gid] }, TODAY)).data.metrics.fulfilment).toEqual({
      shippedOrders: 3, deliveredOrders: 2, averagePaidToShippedSeconds: (1_800 + 3_600 + 43_200) / 3, unshippedOverdue: 4,
    });
    expect((await figures({ shopIds: [shopA.gid], sources: ['SEARCH'] }, TODAY)).data.metrics.fulfilment.unshippedOverdue).toBe(3);
    // A closed window counts at its end (11.11 00:00): paid before 11.10 00:00, so not U1.
    expect((await figures({}, YESTERDAY)).data.metrics.fulfilment).toEqual({
      shippedOrders: 1, deliveredOrders: 1, averagePaidToShippedSeconds: 3_600, unshippedOverdue: 4, // U3, U6, U8, B1
    });
    expect((await figures({}, { from: at('11-01T00:00'), to: at('11-02T00:00') })).data.metrics.fulfilment).toEqual({
      shippedOrders: 0, deliveredOrders: 0, averagePaidToShippedSeconds: null, unshippedOverdue: 0,
    });
  });

  it('gives the alert rule the overdue orders per shop with the oldest payment, limited to what the viewer may see', async () => {
    const cutoff = new Date(NOW.getTime() - 24 * 3_600_000);
    const all = await countUnshippedOverdue(backend().db, scopeConditions(SYSTEM, {}), cutoff);
    expect(all.map((s) => [s.shopId, s.count, s.oldestPaidAt.toISOString()])).toEqual(
      [
        [shopA.id, 4, at('11-08T10:00')],
        [shopB.id, 1, at('11-09T10:00')],
      ].sort(([x], [y]) => (x! < y! ? -1 : 1)),
    );
    const partner = partnerViewer([shopA.id]);
    expect((await countUnshippedOverdue(backend().db, scopeConditions(partner, {}), cutoff)).map((s) => s.shopId)).toEqual([shopA.id]);
    expect(await countUnshippedOverdue(backend().db, scopeConditions(partner, { shopIds: [shopB.id] }), cutoff)).toEqual([]);
  });

  it("refuses a partner of shop A shop B's figures, and gives it only shop A's when unscoped", async () => {
    const partner = await server.createKey({ shopIds: [shopA.id], scopes: ['READ'] });
    const foreign = await figures({ shopIds: [shopB.gid] }, TODAY, bearer(partner));
    expect(foreign.data).toBeFalsy();
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await figures({}, TODAY, bearer(partner));
    expect(own.data.metrics.fulfilment).toEqual((await figures({ shopIds: [shopA.gid] }, TODAY)).data.metrics.fulfilment);
    expect(own.data.metrics.fulfilment.unshippedOverdue).toBe(4);
  });

  /** Two more shops, each with one order paid at 05:00, 7 hours before NOW, still waiting for the warehouse. */
  const shopsWithAnOrderPaidSevenHoursAgo = async () => {
    const [c, d] = [await insertShop(backend().db, '抖音店', 'DOUYIN'), await insertShop(backend().db, '小红书店', 'XIAOHONGSHU')];
    const events = [c, d].map((shop, i) => ({
      id: `late-${i}`, type: 'ORDER_PAID', occurredAt: at('11-11T05:00'), shopId: gid('Shop', shop.id), source: 'SOCIAL', orderId: `late-${i}`, amount: '100.00', customerId: `late-${i}`,
    }));
    expect((await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, { e: events })).data.ingestEvents.accepted).toBe(2);
    return [{ id: c.id, gid: gid('Shop', c.id) }, { id: d.id, gid: gid('Shop', d.id) }] as const;
  };
  const setUnshippedHours = async (input: { shopId?: string; campaignId?: string; threshold?: number; reset?: boolean }) => {
    const result = await server.gql(SET_RULE, { input: { rule: 'UNSHIPPED_OVERDUE', ...input } });
    expect(result.data.updateAlertRule.userErrors).toEqual([]);
  };
  const overdueAlerts = async () =>
    new Map((await server.app.alertEngine.evaluate()).filter((e) => e.alert.rule === 'UNSHIPPED_OVERDUE').map((e) => [e.alert.shopId, e.alert]));

  it("holds each shop to its own UNSHIPPED_OVERDUE hours, counting the orders the alert counts at the same moment", async () => {
    const [sixHours, byDefault] = await shopsWithAnOrderPaidSevenHoursAgo();
    await setUnshippedHours({ shopId: sixHours.gid, threshold: 6 });
    const overdue = async (shop: { gid: string }) => (await figures({ shopIds: [shop.gid] }, TODAY)).data.metrics.fulfilment.unshippedOverdue;
    expect(await overdue(sixHours)).toBe(1);
    expect(await overdue(byDefault)).toBe(0);

    const alerts = await overdueAlerts();
    expect(alerts.get(sixHours.id)?.message).toBe('1 笔订单付款超过 6 小时仍未发货，最早一笔已 7 小时');
    expect(alerts.has(byDefault.id)).toBe(false);
    // Shop by shop and over all of them, the tile shows what the alerts measure.
    for (const shop of [shopA, shopB, sixHours, byDefault]) expect(await overdue(shop)).toBe(alerts.get(shop.id)?.value ?? 0);
    expect((await figures({}, TODAY)).data.metrics.fulfilment.unshippedOverdue).toBe([...alerts.values()].reduce((sum, a) => sum + (a.value ?? 0), 0));
    expect([...alerts.values()].map((a) => a.value).sort()).toEqual([1, 1, 4]); // the 6-hour shop, B1, and A's four past 24 h

    // A campaign under way over the other shop that sets 6 hours holds it to them until it ends, tile and alert alike.
    const campaign = await insertCampaign(backend().db, [byDefault.id]);
    await setUnshippedHours({ campaignId: gid('Campaign', campaign.id), threshold: 6 });
    expect(await overdue(byDefault)).toBe(1);
    expect((await overdueAlerts()).get(byDefault.id)?.value).toBe(1);
    // At 02:00 the next day the campaign (to 11.12 00:00) has ended: the shop's 24 hours again, and the
    // order, 21 h old, is not late. The campaign's own window still counts at its end, under its 6 hours.
    clock = new Date('2026-11-12T02:00:00+08:00');
    const late = async (window: { from: string; to: string }) => (await figures({ shopIds: [byDefault.gid] }, window)).data.metrics.fulfilment.unshippedOverdue;
    expect(await late({ from: at('11-12T00:00'), to: at('11-13T00:00') })).toBe(0);
    expect(await late({ from: at('11-01T00:00'), to: at('11-12T00:00') })).toBe(1);
  });

  it('follows an installation-wide threshold moved up and down, and a shop set apart and back, view after view', async () => {
    const [c, d] = await shopsWithAnOrderPaidSevenHoursAgo();
    const total = async () => (await figures({ shopIds: [c.gid, d.gid] }, TODAY)).data.metrics.fulfilment.unshippedOverdue;
    expect(await total()).toBe(0); // 24 h
    await setUnshippedHours({ threshold: 6 }); // every shop: both orders are late
    expect(await total()).toBe(2);
    expect(await total()).toBe(2);
    await setUnshippedHours({ threshold: 8 });
    expect(await total()).toBe(0);
    await setUnshippedHours({ shopId: c.gid, threshold: 6 }); // one shop apart
    expect(await total()).toBe(1);
    await setUnshippedHours({ shopId: c.gid, reset: true }); // back to the installation's 8
    expect(await total()).toBe(0);
    await setUnshippedHours({ threshold: 7 }); // paid exactly 7 h before: late only past 7 h, so not yet
    expect(await total()).toBe(0);
    await setUnshippedHours({ threshold: 6 });
    expect(await total()).toBe(2);
  });

  it("refuses a partner another shop's overdue figures, and counts its own shop against that shop's hours", async () => {
    const [own, foreign] = await shopsWithAnOrderPaidSevenHoursAgo();
    await setUnshippedHours({ shopId: own.gid, threshold: 6 });
    const partner = await server.createKey({ shopIds: [own.id], scopes: ['READ'] });
    const refused = await figures({ shopIds: [foreign.gid] }, TODAY, bearer(partner));
    expect(refused.data).toBeFalsy();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await figures({}, TODAY, bearer(partner))).data.metrics.fulfilment.unshippedOverdue).toBe(1);
  });

  it('streams a threshold moved through updateAlertRule on the next tick', async () => {
    const client: Client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: server.wsParams });
    const messages: number[] = [];
    let wake = () => {};
    const stop = client.subscribe<{ liveMetrics: { metrics: { fulfilment: { unshippedOverdue: number } } } }>(
      { query: 'subscription { liveMetrics(scope: {}) { metrics { fulfilment { unshippedOverdue } } } }' },
      { next: (r) => { if (r.data) messages.push(r.data.liveMetrics.metrics.fulfilment.unshippedOverdue); wake(); }, error: (e) => { throw e; }, complete: () => {} },
    );
    const until = async (n: number) => { while (messages.length < n) await new Promise<void>((resolve) => (wake = resolve)); };
    try {
      await until(1);
      expect(messages[0]).toBe(5);
      // Shop A ships within 6 hours from now on: U2, paid 23 h ago, is overdue too. No event, no clock change.
      await setUnshippedHours({ shopId: shopA.gid, threshold: 6 });
      await server.app.ticker.tick();
      await until(2);
      expect(messages[1]).toBe(6);
      await setUnshippedHours({ shopId: shopA.gid, reset: true });
      await server.app.ticker.tick();
      await until(3);
      expect(messages[2]).toBe(5);
    } finally {
      stop();
      await client.dispose();
    }
  });

  it('streams the figures live: a shipment and an order crossing its 24 hours each change the next message', async () => {
    const client: Client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: server.wsParams });
    const messages: { shippedOrders: number; unshippedOverdue: number }[] = [];
    let wake = () => {};
    const stop = client.subscribe<{ liveMetrics: { metrics: { fulfilment: { shippedOrders: number; unshippedOverdue: number } } } }>(
      { query: 'subscription { liveMetrics(scope: {}) { metrics { fulfilment { shippedOrders unshippedOverdue } } } }' },
      { next: (r) => { if (r.data) messages.push(r.data.liveMetrics.metrics.fulfilment); wake(); }, error: (e) => { throw e; }, complete: () => {} },
    );
    const until = async (n: number) => { while (messages.length < n) await new Promise<void>((resolve) => (wake = resolve)); };
    try {
      await until(1);
      expect(messages[0]).toEqual({ shippedOrders: 4, unshippedOverdue: 5 });

      await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }`, {
        e: [{ id: 'U1-ship', type: 'ORDER_SHIPPED', occurredAt: at('11-11T11:30'), shopId: shopA.gid, source: 'SEARCH', orderId: 'U1' }],
      });
      await server.app.ticker.tick();
      await until(2);
      expect(messages[1]).toEqual({ shippedOrders: 5, unshippedOverdue: 4 });

      // No event at all: U2 (paid 11.10 13:00) becomes overdue when the clock passes 11.11 13:00.
      clock = new Date('2026-11-11T13:30:00+08:00');
      await server.app.ticker.tick();
      await until(3);
      expect(messages[2]).toEqual({ shippedOrders: 5, unshippedOverdue: 5 });
    } finally {
      stop();
      await client.dispose();
    }
  });
});
