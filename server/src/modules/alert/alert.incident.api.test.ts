import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { skus } from '../product/product.table.js';
import { webhookDeliveries, webhooks } from '../webhook/webhook.table.js';
import { alerts } from './alert.table.js';

const MINUTE = 60_000;

/**
 * The manuals' incident rule on campaign day: a site down needs a response within 10 minutes and a fix
 * within 30. ORDERS_STALLED finds the site down from the orders themselves; every incident carries its
 * clock, and the room hears once when a deadline passes.
 */
describeEachBackend('incidents', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shop: { id: string; gid: string };
  let otherShop: { id: string; gid: string };
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeEach(async () => {
    clock = new Date('2026-11-11T20:00:00+08:00');
    const a = await insertShop(backend().db, '旗舰店');
    const b = await insertShop(backend().db, '京东店', 'JD');
    shop = { id: a.id, gid: gid('Shop', a.id) };
    otherShop = { id: b.id, gid: gid('Shop', b.id) };
    server = await startTestServer(backend(), { now: () => clock, tickMs: 3_600_000 });
  });
  afterEach(() => server.stop());

  const evaluate = () => server.app.alertEngine.evaluate();
  const changes = async () => (await evaluate()).map((e) => `${e.change}:${e.alert.rule}`);
  /** `count` paid orders evenly over the `minutes` before the clock, the last one paid at the clock, through ingestion. */
  const paidOrders = async (shopGid: string, count: number, minutes: number, prefix: string) => {
    const events = Array.from({ length: count }, (_, i) => ({
      id: `${prefix}-${i}`,
      type: 'ORDER_PAID',
      occurredAt: new Date(clock.getTime() - ((count - 1 - i) * minutes * MINUTE) / count).toISOString(),
      shopId: shopGid,
      source: 'SEARCH',
      orderId: `${prefix}-${i}`,
      amount: '100.00',
      customerId: `c-${prefix}-${i}`,
    }));
    const result = await server.gql(`mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted userErrors { message } } }`, { e: events });
    expect(result.data.ingestEvents).toEqual({ accepted: count, userErrors: [] });
  };
  const incidentOf = async (rule: string, headers?: Record<string, string>) => {
    const answer = await server.gql(
      `query ($rules: [AlertRule!]) { alerts(filter: { rules: $rules }) { edges { node { id status severity value message en: message(locale: EN)
         incident { startedAt respondBy fixBy respondedInSeconds fixedInSeconds responseOverdue fixOverdue } } } } }`,
      { rules: [rule] },
      headers,
    );
    return answer.data.alerts.edges.map((e: { node: unknown }) => e.node);
  };

  it('ORDERS_STALLED: a shop paid once a minute that goes 10 minutes without a payment is an incident, and one paid order ends it', async () => {
    await paidOrders(shop.gid, 60, 60, 'busy');
    advance(9 * MINUTE);
    expect(await changes()).toEqual([]); // 9 minutes: about 9 orders were due, under the 10 that make silence news
    advance(MINUTE);
    expect(await changes()).toEqual(['RAISED:ORDERS_STALLED']);
    const [alert] = await incidentOf('ORDERS_STALLED');
    expect(alert).toMatchObject({ status: 'OPEN', severity: 'CRITICAL', value: 10 });
    expect(alert.message).toBe('已 10 分钟没有支付订单（上一单 20:00；此前 60 分钟 60 单，按此节奏应有约 10 单）；请检查店铺页面、支付和数据上报');
    expect(alert.en).toContain('No paid order for 10 min (the last at 20:00; the 60 min before had 60');
    expect(alert.incident).toEqual({
      startedAt: '2026-11-11T12:10:00.000Z',
      respondBy: '2026-11-11T12:20:00.000Z',
      fixBy: '2026-11-11T12:40:00.000Z',
      respondedInSeconds: null,
      fixedInSeconds: null,
      responseOverdue: false,
      fixOverdue: false,
    });
    // The other shop never sold anything: no pace, so no judgement of its silence.
    expect((await backend().db.select().from(alerts).where(eq(alerts.shopId, otherShop.id))).length).toBe(0);

    advance(5 * MINUTE);
    expect(await changes()).toEqual([]); // the figures move (15 minutes now), nothing new opens
    expect((await backend().db.select().from(alerts).where(eq(alerts.rule, 'ORDERS_STALLED')))[0]).toMatchObject({ value: 15 });
    await paidOrders(shop.gid, 1, 0, 'back');
    expect(await changes()).toEqual(['RESOLVED:ORDERS_STALLED']);
    const [fixed] = await incidentOf('ORDERS_STALLED');
    expect(fixed.incident).toMatchObject({ fixedInSeconds: 300, fixOverdue: false, responseOverdue: false });
  });

  /** `count` paid orders evenly over the `minutes` before `at`, with the clock there for the while. */
  const paidOrdersAt = async (at: string, count: number, minutes: number, prefix: string) => {
    const was = clock;
    clock = new Date(at);
    await paidOrders(shop.gid, count, minutes, prefix);
    clock = was;
  };

  // Yesterday's orders, never shipped, also raise UNSHIPPED_OVERDUE: not what these two are about.
  const stallChanges = async () => (await changes()).filter((c) => c.endsWith(':ORDERS_STALLED'));

  it('ORDERS_STALLED keeps quiet through the night, when the same hours yesterday fell quiet too', async () => {
    // Yesterday: 8 orders from 01:00 to 02:00, then 2 until 05:00 (at 02:30 and 04:00).
    await paidOrdersAt('2026-11-10T02:00:00+08:00', 8, 60, 'yesterday-night');
    await paidOrdersAt('2026-11-10T02:30:00+08:00', 1, 0, 'yesterday-late');
    await paidOrdersAt('2026-11-10T04:00:00+08:00', 1, 0, 'yesterday-later');
    // Today the same 8 an hour up to 02:00. At that pace 10 were due by 03:15, 24 by 05:00; by yesterday's shape 1, then 2.
    clock = new Date('2026-11-11T02:00:00+08:00');
    await paidOrders(shop.gid, 8, 60, 'tonight');
    advance(75 * MINUTE);
    expect(await stallChanges()).toEqual([]);
    advance(105 * MINUTE);
    expect(await stallChanges()).toEqual([]);
    expect(await backend().db.select().from(alerts).where(eq(alerts.rule, 'ORDERS_STALLED'))).toEqual([]);
  });

  it('ORDERS_STALLED still raises at 10 minutes in a sale hour far busier than yesterday, at today’s level with yesterday’s shape', async () => {
    // Yesterday: 12 orders from 19:00 to 20:00, 2 in 20:00–20:10. Today the sale brings 60 in the hour.
    await paidOrdersAt('2026-11-10T20:00:00+08:00', 12, 60, 'yesterday-evening');
    await paidOrdersAt('2026-11-10T20:05:00+08:00', 2, 1, 'yesterday-after');
    await paidOrders(shop.gid, 60, 60, 'sale');
    advance(10 * MINUTE); // 60 × 2 / 12 = 10 due: not the 2 yesterday sold
    expect(await stallChanges()).toEqual(['RAISED:ORDERS_STALLED']);
    const [alert] = await incidentOf('ORDERS_STALLED');
    expect(alert.message).toBe('已 10 分钟没有支付订单（上一单 20:00；此前 60 分钟 60 单，昨日同时段 12 单、其后 2 单，应有约 10 单）；请检查店铺页面、支付和数据上报');
    expect(alert.en).toContain('the 60 min before had 60, the same hour yesterday 12 and the hours after it 2, so about 10 were due)');
  });

  it('ORDERS_STALLED waits longer for a quiet shop: six orders an hour are judged after 100 minutes of silence, not 10', async () => {
    await paidOrders(shop.gid, 6, 60, 'quiet');
    advance(10 * MINUTE);
    expect(await changes()).toEqual([]);
    advance(89 * MINUTE);
    expect(await changes()).toEqual([]);
    advance(MINUTE);
    expect(await changes()).toEqual(['RAISED:ORDERS_STALLED']);
  });

  it('the room hears once that nobody responded in 10 minutes, and once that it was not fixed in 30; webhooks get both', async () => {
    const [hook] = await backend()
      .db.insert(webhooks)
      .values({
        name: '运营群',
        url: 'http://127.0.0.1:9/hook',
        format: 'DINGTALK',
        events: ['ALERT_RAISED', 'ALERT_RESPONSE_OVERDUE', 'ALERT_FIX_OVERDUE'],
        shopIds: [shop.id],
        secret: null,
        createdBy: 'admin-key',
      })
      .returning();
    await paidOrders(shop.gid, 60, 60, 'busy');
    advance(10 * MINUTE);
    expect(await changes()).toEqual(['RAISED:ORDERS_STALLED']);
    advance(9 * MINUTE);
    expect(await changes()).toEqual([]);
    advance(MINUTE);
    expect(await changes()).toEqual(['RESPONSE_OVERDUE:ORDERS_STALLED']);
    expect(await changes()).toEqual([]); // once
    expect((await incidentOf('ORDERS_STALLED'))[0].incident).toMatchObject({ responseOverdue: true, fixOverdue: false });

    // Acknowledged late: the response stays late on the record, with how long it took.
    const [alert] = await incidentOf('ORDERS_STALLED');
    advance(2 * MINUTE);
    await server.gql(`mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } } }`, { id: alert.id });
    expect((await incidentOf('ORDERS_STALLED'))[0].incident).toMatchObject({ respondedInSeconds: 720, responseOverdue: true });
    advance(18 * MINUTE);
    expect(await changes()).toEqual(['FIX_OVERDUE:ORDERS_STALLED']);
    expect(await changes()).toEqual([]);

    const outbox = await backend().db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook!.id));
    expect(outbox.map((d) => d.event).sort()).toEqual(['ALERT_FIX_OVERDUE', 'ALERT_RAISED', 'ALERT_RESPONSE_OVERDUE']);
    expect(outbox.find((d) => d.event === 'ALERT_RESPONSE_OVERDUE')!.data).toMatchObject({
      alert: { rule: 'ORDERS_STALLED', incident: { respondBy: '2026-11-11T12:20:00.000Z', fixBy: '2026-11-11T12:40:00.000Z' } },
    });
  });

  it('an incident acknowledged in time is not announced as late; an alert that is not an incident has no clock', async () => {
    const { sku } = await insertSku(backend().db, shop.id, 'SK-1');
    await backend().db.update(skus).set({ stock: 30 }).where(eq(skus.id, sku.id));
    expect(await changes()).toEqual(['RAISED:LOW_STOCK']);
    expect((await incidentOf('LOW_STOCK'))[0].incident).toBeNull(); // a WARNING: no clock

    advance(MINUTE);
    await backend().db.update(skus).set({ stock: 0 }).where(eq(skus.id, sku.id));
    expect(await changes()).toEqual(['ESCALATED:LOW_STOCK']); // sold out: now an incident, its clock from here
    const [alert] = await incidentOf('LOW_STOCK');
    expect(alert.incident).toMatchObject({ startedAt: '2026-11-11T12:01:00.000Z', respondBy: '2026-11-11T12:11:00.000Z' });
    advance(4 * MINUTE);
    await server.gql(`mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } } }`, { id: alert.id });
    advance(10 * MINUTE);
    expect(await changes()).toEqual([]);
    expect((await incidentOf('LOW_STOCK'))[0].incident).toMatchObject({ respondedInSeconds: 240, responseOverdue: false });
  });

  it('refuses the clock to a key without READ, and another shop’s partner sees neither the alert nor its clock', async () => {
    await paidOrders(shop.gid, 60, 60, 'busy');
    advance(10 * MINUTE);
    expect(await changes()).toEqual(['RAISED:ORDERS_STALLED']);
    const [alert] = await incidentOf('ORDERS_STALLED');
    const manageOnly = bearer(await server.createKey({ name: 'on-call bot', shopIds: [shop.id], scopes: ['MANAGE'] }));
    const answer = await server.gql(
      `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status incident { respondBy } } } }`,
      { id: alert.id },
      manageOnly,
    );
    expect((answer.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['acknowledgeAlert.alert.incident', 'FORBIDDEN']]);
    const partner = bearer(await server.createKey({ name: 'other partner', shopIds: [otherShop.id], scopes: ['READ'] }));
    expect(await incidentOf('ORDERS_STALLED', partner)).toEqual([]);
  });
});
