import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertOrder, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { campaignMilestones } from '../campaign/campaign.table.js';
import { insertRollups, insertSkuRollups } from '../metrics/metrics.test-fixtures.js';
import { orders } from '../order/order.table.js';
import { skus } from '../product/product.table.js';
import { alertRuleSettings, alerts } from './alert.table.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The rule engine driven by hand with an injected clock: each step moves the clock, changes the
 * data the way producers and operators would, evaluates once, and checks the alerts table.
 */
describeEachBackend('alert rule engine', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopId: string;
  let otherShopId: string;
  const at = (iso: string) => (clock = new Date(iso));
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  beforeEach(async () => {
    at('2026-11-11T20:00:00+08:00');
    shopId = (await insertShop(backend().db, '旗舰店')).id;
    otherShopId = (await insertShop(backend().db, '京东店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const evaluate = () => server.app.alertEngine.evaluate();
  const rows = (rule: string) => backend().db.select().from(alerts).where(eq(alerts.rule, rule as 'LOW_STOCK'));
  const setStock = async (skuId: string, stock: number) => {
    await backend().db.update(skus).set({ stock }).where(eq(skus.id, skuId));
    return evaluate();
  };

  it('LOW_STOCK opens once, escalates at zero, does not flap near its line, resolves when restocked and reopens later as a new alert', async () => {
    const { sku } = await insertSku(backend().db, shopId, 'SK-1');
    // 30 units sold in the last 3 hours: 10 an hour, so 8 units last about 48 minutes.
    await insertSkuRollups(backend().db, [{ at: new Date(clock.getTime() - 2 * HOUR), shopId, skuId: sku.id, gmvFen: 300_000, unitsSold: 30, ordersPaid: 30 }]);
    expect(await setStock(sku.id, 100)).toEqual([]);

    const raised = await setStock(sku.id, 40);
    expect(raised.map((e) => e.change)).toEqual(['RAISED']);
    const [open] = await rows('LOW_STOCK');
    expect(open).toMatchObject({ status: 'OPEN', severity: 'WARNING', value: 40, threshold: 50, shopId, dedupeKey: `LOW_STOCK:${sku.id}` });
    expect(open!.message).toContain('约 4 小时后售罄');

    // Between the line (50) and the clear level (61): stays open, nothing new.
    expect(await setStock(sku.id, 55)).toEqual([]);
    expect(await setStock(sku.id, 45)).toEqual([]);
    expect(await rows('LOW_STOCK')).toHaveLength(1);

    const escalated = await setStock(sku.id, 0);
    expect(escalated.map((e) => [e.change, e.alert.severity])).toEqual([['ESCALATED', 'CRITICAL']]);
    expect((await setStock(sku.id, 8)).map((e) => e.change)).toEqual([]); // severity never drops back
    expect((await rows('LOW_STOCK'))[0]).toMatchObject({ severity: 'CRITICAL', value: 8 });

    advance(MINUTE);
    const resolved = await setStock(sku.id, 500);
    expect(resolved.map((e) => e.change)).toEqual(['RESOLVED']);
    expect((await rows('LOW_STOCK'))[0]).toMatchObject({ status: 'RESOLVED', resolvedAt: clock });

    advance(HOUR);
    expect((await setStock(sku.id, 20)).map((e) => e.change)).toEqual(['RAISED']);
    const all = await rows('LOW_STOCK');
    expect(all.map((a) => a.status).sort()).toEqual(['OPEN', 'RESOLVED']);
  });

  it('LOW_STOCK calls an oversold SKU sold out and CRITICAL, saying by how much', async () => {
    const { sku } = await insertSku(backend().db, shopId, 'SK-O');
    expect((await setStock(sku.id, -3)).map((e) => [e.change, e.alert.severity])).toEqual([['RAISED', 'CRITICAL']]);
    expect((await rows('LOW_STOCK'))[0]!.message).toBe('库存 -3 件，预警线 50 件，已售罄（超卖 3 件）');
  });

  it('CONVERSION_DROP waits its sustain time, and resolves only after staying clear past its clear level', async () => {
    const visitors = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const traffic = (when: Date, prefix: string, buyers: number) =>
      insertRollups(backend().db, [{ at: when, shopId, counters: { visits: 400, ordersPaid: buyers, gmvFen: buyers * 10_000 }, visitors: visitors(prefix, 400), buyers: visitors(prefix, buyers) }]);
    // Yesterday 3 % converted in the same hour; today 1 %: a 67 % drop.
    await traffic(new Date(clock.getTime() - 24 * HOUR - 30 * MINUTE), 'y', 12);
    await traffic(new Date(clock.getTime() - 30 * MINUTE), 't', 4);

    expect(await evaluate()).toEqual([]); // holds, but not yet for 5 minutes
    advance(3 * MINUTE);
    expect(await evaluate()).toEqual([]);
    advance(2 * MINUTE);
    const raised = await evaluate();
    expect(raised.map((e) => [e.change, e.alert.severity])).toEqual([['RAISED', 'CRITICAL']]);
    expect(raised[0]!.alert.value).toBeCloseTo(2 / 3, 1);
    expect(raised[0]!.alert.threshold).toBe(0.3);

    // Today's buyers recover to 3 %: clear, but it must stay clear for 5 minutes.
    await traffic(new Date(clock.getTime() - 20 * MINUTE), 't', 12);
    expect(await evaluate()).toEqual([]);
    advance(4 * MINUTE);
    expect(await evaluate()).toEqual([]);
    advance(MINUTE);
    expect((await evaluate()).map((e) => e.change)).toEqual(['RESOLVED']);
  });

  it('REFUND_RATE_SPIKE stays open inside its hysteresis band instead of flapping', async () => {
    const paid = (orders: number, refunded: number, minutesAgo: number) =>
      insertRollups(backend().db, [{ at: new Date(clock.getTime() - minutesAgo * MINUTE), shopId, counters: { ordersPaid: orders, refundedOrders: refunded } }]);
    await paid(40, 5, 120); // 12.5 % ≥ 8 %
    expect((await evaluate()).map((e) => [e.change, e.alert.value])).toEqual([['RAISED', 0.125]]);
    await paid(33, 0, 60); // 5 / 73 = 6.8 %: under the threshold, above the clear level (6 %)
    advance(30 * MINUTE);
    expect(await evaluate()).toEqual([]);
    await paid(10, 0, 30); // 5 / 83 = 6.0 %… still not below 6 %
    await paid(20, 0, 20); // 5 / 103 = 4.9 %
    advance(MINUTE);
    expect(await evaluate()).toEqual([]); // clear clock starts
    advance(10 * MINUTE);
    expect((await evaluate()).map((e) => e.change)).toEqual(['RESOLVED']);
    expect(await rows('REFUND_RATE_SPIKE')).toHaveLength(1);
  });

  it('REFUND_RATE_SPIKE opens only on its full sample, and holds while half of it is left, so a batch rolling out of the 24 hours does not flap', async () => {
    const paid = (orders: number, refunded: number, minutesAgo: number) =>
      insertRollups(backend().db, [{ at: new Date(clock.getTime() - minutesAgo * MINUTE), shopId, counters: { ordersPaid: orders, refundedOrders: refunded } }]);
    await paid(14, 3, 60); // 21 % of 14 orders: under the floor of 30, nothing opens
    expect(await evaluate()).toEqual([]);
    await paid(18, 2, 30); // 5 / 32 = 15.6 % on 32 orders
    expect((await evaluate()).map((e) => e.change)).toEqual(['RAISED']);
    // A day on, the first 14 orders have left the 24 hours: 2 / 18 = 11.1 % on 18 orders, under the floor but
    // at least half of it. The alert holds, figures current, instead of resolving and opening again.
    advance(24 * HOUR - 45 * MINUTE);
    expect(await evaluate()).toEqual([]);
    advance(15 * MINUTE);
    expect(await evaluate()).toEqual([]);
    const [held] = await rows('REFUND_RATE_SPIKE');
    expect(held).toMatchObject({ status: 'OPEN' });
    expect(held!.value).toBeCloseTo(2 / 18, 10);
    // Once the rest leave too (no sample at all), it resolves after its clear minutes.
    advance(31 * MINUTE);
    expect(await evaluate()).toEqual([]);
    advance(10 * MINUTE);
    expect((await evaluate()).map((e) => e.change)).toEqual(['RESOLVED']);
    expect(await rows('REFUND_RATE_SPIKE')).toHaveLength(1);
  });

  it('GMV_BEHIND_PACE compares a campaign with its plan for several minutes; ROI_BELOW_ONE names the channel and source', async () => {
    const campaign = await insertCampaign(backend().db, [shopId], '双11', { startsAt: new Date('2026-11-11T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') });
    // Target ¥1,000,000; by 20:00 most of the day's plan is due. Sold ¥100,000 so far.
    await insertRollups(backend().db, [{ at: new Date('2026-11-11T10:00:00+08:00'), shopId, campaignId: campaign.id, source: 'PAID', counters: { ordersPaid: 10, gmvFen: 10_000_000, spendFen: 20_000_000 } }]);
    // ROI needs no sustain: ¥100,000 GMV on ¥200,000 of spend today.
    const first = await evaluate();
    expect(first.map((e) => [e.change, e.alert.rule, e.alert.severity])).toEqual([['RAISED', 'ROI_BELOW_ONE', 'WARNING']]);
    expect(first[0]!.alert).toMatchObject({ value: 0.5, threshold: 1, dedupeKey: `ROI_BELOW_ONE:${shopId}:TMALL:PAID`, shopId });
    advance(4 * MINUTE);
    expect(await evaluate()).toEqual([]);
    advance(MINUTE);
    const later = await evaluate();
    expect(later.map((e) => [e.change, e.alert.rule, e.alert.severity])).toEqual([['RAISED', 'GMV_BEHIND_PACE', 'CRITICAL']]);
    const pace = later[0]!.alert;
    expect(pace).toMatchObject({ campaignId: campaign.id, threshold: 0.9, shopId: null });
    expect(pace.value).toBeLessThan(0.2);
  });

  it('keeps a clearing alert\'s figures current, so a channel that earned its spend back is not still told to pause, and resolves with them', async () => {
    // ¥100,000 GMV on ¥200,000 of spend today: ROI 0.50, raised at once.
    await insertRollups(backend().db, [{ at: new Date('2026-11-11T10:00:00+08:00'), shopId, source: 'PAID', counters: { ordersPaid: 10, gmvFen: 10_000_000, spendFen: 20_000_000 } }]);
    expect((await evaluate()).map((e) => e.change)).toEqual(['RAISED']);
    // The evening sells ¥230,000 more on that spend: ROI 1.65, past the clear level (1.1).
    advance(MINUTE);
    await insertRollups(backend().db, [{ at: new Date('2026-11-11T20:00:00+08:00'), shopId, source: 'PAID', counters: { ordersPaid: 23, gmvFen: 23_000_000 } }]);
    expect(await evaluate()).toEqual([]);
    const [clearing] = await rows('ROI_BELOW_ONE');
    expect(clearing).toMatchObject({ status: 'OPEN', value: 1.65 });
    expect(clearing!.clearSince).not.toBeNull();
    expect(clearing!.message).toContain('ROI 1.65');
    expect(clearing!.message).not.toContain('0.50');
    expect(clearing!.message).toContain('已回升，观察中');
    expect(clearing!.message).not.toContain('建议暂停');
    // Still clear after the rule's clear minutes: resolved, with the figures it ended on.
    advance(10 * MINUTE);
    expect((await evaluate()).map((e) => e.change)).toEqual(['RESOLVED']);
    const [resolved] = await rows('ROI_BELOW_ONE');
    expect(resolved).toMatchObject({ status: 'RESOLVED', value: 1.65 });
    expect(resolved!.message).toContain('ROI 1.65');
  });

  it('MILESTONE_OVERDUE and HIGH_RISK_WITHOUT_PLAN follow the milestone, UNSHIPPED_OVERDUE the orders', async () => {
    const campaign = await insertCampaign(backend().db, [shopId]);
    const [milestone] = await backend()
      .db.insert(campaignMilestones)
      .values({ campaignId: campaign.id, name: '页面压测', owner: '张三', dueAt: new Date(clock.getTime() - 2 * HOUR), completionStandard: '3 秒内打开', riskLevel: 'HIGH', highRiskSince: new Date(clock.getTime() - 25 * HOUR) })
      .returning();
    await insertOrder(backend().db, { shopId, externalId: 'late', placedAt: new Date(clock.getTime() - 30 * HOUR) });
    await insertOrder(backend().db, { shopId, externalId: 'fresh', placedAt: new Date(clock.getTime() - 2 * HOUR) });

    const raised = await evaluate();
    expect(raised.map((e) => [e.alert.rule, e.alert.severity, e.alert.value]).sort()).toEqual([
      ['HIGH_RISK_WITHOUT_PLAN', 'CRITICAL', 25],
      ['MILESTONE_OVERDUE', 'CRITICAL', 2],
      ['UNSHIPPED_OVERDUE', 'WARNING', 1],
    ]);

    await backend().db.update(campaignMilestones).set({ responsePlan: '扩容 CDN，准备降级页' }).where(eq(campaignMilestones.id, milestone!.id));
    expect((await evaluate()).map((e) => [e.change, e.alert.rule])).toEqual([['RESOLVED', 'HIGH_RISK_WITHOUT_PLAN']]);
    await backend().db.update(campaignMilestones).set({ status: 'DONE' }).where(eq(campaignMilestones.id, milestone!.id));
    await backend().db.update(orders).set({ status: 'SHIPPED', shippedAt: clock }).where(eq(orders.externalId, 'late'));
    expect((await evaluate()).map((e) => e.alert.rule).sort()).toEqual(['MILESTONE_OVERDUE', 'UNSHIPPED_OVERDUE']);
    expect((await backend().db.select().from(alerts)).every((a) => a.status === 'RESOLVED')).toBe(true);
  });

  it('words every alert in English when asked (locale: EN), in Chinese by default, and keeps both current as the figures move', async () => {
    const campaign = await insertCampaign(backend().db, [shopId]);
    await backend()
      .db.insert(campaignMilestones)
      .values({ campaignId: campaign.id, name: '页面压测', owner: '张三', dueAt: new Date(clock.getTime() - 2 * HOUR), completionStandard: '3 秒内打开', riskLevel: 'HIGH', highRiskSince: new Date(clock.getTime() - 25 * HOUR) });
    await insertOrder(backend().db, { shopId, externalId: 'late', placedAt: new Date(clock.getTime() - 30 * HOUR) });
    const { sku } = await insertSku(backend().db, shopId, 'SK-E');
    await setStock(sku.id, -3);

    const read = async (key?: Record<string, string>) => {
      const answer = await server.gql('{ alerts { edges { node { rule zh: message en: message(locale: EN) plain: message(locale: ZH_CN) } } } }', undefined, key);
      expect(answer.errors).toBeUndefined();
      type Worded = { rule: string; zh: string; en: string; plain: string };
      return new Map((answer.data.alerts.edges as { node: Worded }[]).map((e) => [e.node.rule, e.node]));
    };
    const byRule = await read();
    expect([...byRule.keys()].sort()).toEqual(['HIGH_RISK_WITHOUT_PLAN', 'LOW_STOCK', 'MILESTONE_OVERDUE', 'UNSHIPPED_OVERDUE']);
    expect(byRule.get('LOW_STOCK')).toEqual({ rule: 'LOW_STOCK', zh: '库存 -3 件，预警线 50 件，已售罄（超卖 3 件）', plain: '库存 -3 件，预警线 50 件，已售罄（超卖 3 件）', en: '-3 in stock (alert line 50); sold out (oversold by 3)' });
    expect(byRule.get('MILESTONE_OVERDUE')!.en).toBe('Milestone 2 h overdue (owner: 张三; done when: 3 秒内打开)');
    expect(byRule.get('HIGH_RISK_WITHOUT_PLAN')!.en).toBe('HIGH risk for 25 h with no response plan, due within 24 h (owner: 张三)');
    expect(byRule.get('HIGH_RISK_WITHOUT_PLAN')!.zh).toBe('高风险已 25 小时，超过 24 小时仍未提交风险应对方案（负责人：张三）');
    expect(byRule.get('UNSHIPPED_OVERDUE')!.en).toBe('1 order unshipped 24 h after payment; the oldest paid 29 h ago');
    // Only what people typed (owner, completion standard) stays in Chinese in the English texts.
    const withoutQuotes = (text: string) => text.replaceAll('张三', '').replaceAll('3 秒内打开', '');
    for (const { en } of byRule.values()) expect(withoutQuotes(en)).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/);

    // An open alert's figures move with the clock: the English follows, as the Chinese does.
    advance(HOUR);
    await evaluate();
    const later = await read();
    expect(later.get('MILESTONE_OVERDUE')).toMatchObject({ zh: expect.stringContaining('已逾期 3 小时'), en: expect.stringContaining('Milestone 3 h overdue') });

    // The words quote the figures: a key without READ is refused them in either language.
    const manageOnly = bearer(await server.createKey({ name: 'on-call bot', shopIds: [shopId], scopes: ['MANAGE'] }));
    const refused = await server.gql('{ alerts { edges { node { rule message(locale: EN) } } } }', undefined, manageOnly);
    expect(refused.data?.alerts ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A partner of another shop sees none of them, in any language.
    const stranger = bearer(await server.createKey({ name: 'partner of the other shop', shopIds: [otherShopId], scopes: ['READ'] }));
    expect((await read(stranger)).size).toBe(0);
  });

  it("UNSHIPPED_OVERDUE holds each shop to its own deadline, counted in the database", async () => {
    // The other shop ships within an hour (a setting of its own); this one keeps the 24-hour default.
    await backend().db.insert(alertRuleSettings).values({ rule: 'UNSHIPPED_OVERDUE', shopId: otherShopId, threshold: 1 });
    for (const [shop, externalId, hoursAgo] of [[shopId, 'A-2h', 2], [otherShopId, 'B-2h', 2], [otherShopId, 'B-3h', 3]] as const) {
      await insertOrder(backend().db, { shopId: shop, externalId, placedAt: new Date(clock.getTime() - hoursAgo * HOUR) });
    }
    const raised = await evaluate();
    expect(raised.map((e) => [e.alert.rule, e.alert.shopId, e.alert.value, e.alert.severity])).toEqual([['UNSHIPPED_OVERDUE', otherShopId, 2, 'CRITICAL']]);
    expect(raised[0]!.alert.message).toBe('2 笔订单付款超过 1 小时仍未发货，最早一笔已 2 小时'); // paid a minute after it was placed
    await insertOrder(backend().db, { shopId, externalId: 'A-25h', placedAt: new Date(clock.getTime() - 25 * HOUR) });
    expect((await evaluate()).map((e) => [e.alert.shopId, e.alert.value])).toEqual([[shopId, 1]]);
  });

  it('two instances evaluating at once raise an alert once (the database decides)', async () => {
    const second = await startTestServer(backend(), { now: () => clock });
    try {
      const { sku } = await insertSku(backend().db, shopId, 'SK-2');
      await backend().db.update(skus).set({ stock: 3 }).where(eq(skus.id, sku.id));
      const results = await Promise.all([evaluate(), second.app.alertEngine.evaluate(), evaluate(), second.app.alertEngine.evaluate()]);
      expect(results.flat().filter((e) => e.change === 'RAISED')).toHaveLength(1);
      expect(await rows('LOW_STOCK')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('runs by itself only once started: a change notice is then evaluated within its debounce', async () => {
    // Not started, with a debounce that would have fired many times over: a notice (what every ingest
    // publishes) changes nothing.
    const idle = await startTestServer(backend(), { now: () => clock, alertEngine: { start: false, debounceMs: 10 } });
    try {
      idle.app.pubsub.publish('ingest:committed', { at: clock.toISOString(), accepted: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(idle.app.alertEngine.stats.evaluations).toBe(0);
    } finally {
      await idle.stop();
    }
    const running = await startTestServer(backend(), { now: () => clock, alertEngine: { everyMs: 3_600_000, debounceMs: 10 } });
    try {
      // Started: it evaluates once at start, and once more after a notice.
      await expect.poll(() => running.app.alertEngine.stats.evaluations).toBe(1);
      running.app.pubsub.publish('ingest:committed', { at: clock.toISOString(), accepted: 1 });
      await expect.poll(() => running.app.alertEngine.stats.evaluations).toBe(2);
      // An operator's stock edit asks for an evaluation once it is written; a refused edit does not.
      const { sku } = await insertSku(backend().db, shopId, 'SKU-ENGINE');
      const edit = `mutation ($input: UpdateSkuInput!) { updateSku(input: $input) { sku { stock } userErrors { code } } }`;
      const refused = await running.gql(edit, { input: { id: gid('Sku', sku.id), stock: -1 } });
      expect(refused.data.updateSku.userErrors).toEqual([{ code: 'INVALID_INPUT' }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(running.app.alertEngine.stats.evaluations).toBe(2);
      expect((await running.gql(edit, { input: { id: gid('Sku', sku.id), stock: 3 } })).data.updateSku).toEqual({ sku: { stock: 3 }, userErrors: [] });
      await expect.poll(() => running.app.alertEngine.stats.evaluations).toBe(3);
    } finally {
      await running.stop();
    }
  });

  it('a stuck engine turns /ready red and names itself, and recovers once evaluations succeed again', async () => {
    const running = await startTestServer(backend(), { now: () => clock, alertEngine: { everyMs: 50, debounceMs: 10 } });
    try {
      await expect.poll(() => running.app.alertEngine.stats.evaluations).toBeGreaterThan(0);
      expect((await running.ready()).status).toBe(200);
      // A real failure: the settings table the engine reads first is gone.
      await backend().db.execute(sql`alter table alert_rule_settings rename to alert_rule_settings_away`);
      await expect.poll(async () => (await running.ready()).status, { timeout: 10_000 }).toBe(503);
      expect((await running.ready()).body.stopped).toContain('alert engine');
      await backend().db.execute(sql`alter table alert_rule_settings_away rename to alert_rule_settings`);
      await expect.poll(async () => (await running.ready()).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await backend().db.execute(sql`alter table if exists alert_rule_settings_away rename to alert_rule_settings`);
      await running.stop();
    }
  });

  it('a points expiry that keeps failing turns /ready red under its own name while the rules go on being evaluated', async () => {
    const running = await startTestServer(backend(), { now: () => clock, alertEngine: { everyMs: 50, debounceMs: 10 } });
    try {
      await expect.poll(() => running.app.alertEngine.stats.evaluations).toBeGreaterThan(0);
      // A real failure of the job beside the rules: the points ledger is gone.
      await backend().db.execute(sql`alter table points_ledger rename to points_ledger_away`);
      await expect.poll(async () => (await running.ready()).status, { timeout: 10_000 }).toBe(503);
      expect((await running.ready()).body.stopped).toEqual(['points expiry']);
      const evaluations = running.app.alertEngine.stats.evaluations;
      await expect.poll(() => running.app.alertEngine.stats.evaluations, { timeout: 10_000 }).toBeGreaterThan(evaluations); // the alerts still run
      await backend().db.execute(sql`alter table points_ledger_away rename to points_ledger`);
      await expect.poll(async () => (await running.ready()).status, { timeout: 10_000 }).toBe(200);
    } finally {
      await backend().db.execute(sql`alter table if exists points_ledger_away rename to points_ledger`);
      await running.stop();
    }
  });

  it('thresholds per shop through updateAlertRule; a partner reads and sets only its own shops', async () => {
    const { sku } = await insertSku(backend().db, shopId, 'SK-3');
    const { sku: foreignSku } = await insertSku(backend().db, otherShopId, 'JD-1');
    await backend().db.update(skus).set({ stock: 40 });
    expect((await evaluate()).map((e) => e.alert.subject).sort()).toEqual(['JD-1 商品 JD-1', 'SK-3 商品 SK-3']);

    const partner = bearer(await server.createKey({ name: 'partner', shopIds: [shopId], scopes: ['READ', 'MANAGE'] }));
    const update = `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { setting { rule threshold source enabled clearLevel } userErrors { field code message } } }`;
    const set = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), threshold: 10 } }, partner);
    expect(set.data.updateAlertRule).toEqual({ setting: { rule: 'LOW_STOCK', threshold: 10, source: 'SHOP', enabled: true, clearLevel: 13 }, userErrors: [] });
    advance(MINUTE);
    expect((await evaluate()).map((e) => [e.change, e.alert.shopId])).toEqual([['RESOLVED', shopId]]);
    expect((await rows('LOW_STOCK')).find((a) => a.dedupeKey === `LOW_STOCK:${foreignSku.id}`)?.status).toBe('OPEN');
    expect((await rows('LOW_STOCK')).find((a) => a.dedupeKey === `LOW_STOCK:${sku.id}`)?.status).toBe('RESOLVED');

    const foreign = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', otherShopId), threshold: 1 } }, partner);
    expect(foreign.data.updateAlertRule.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
    const global = await server.gql(update, { input: { rule: 'LOW_STOCK', threshold: 1 } }, partner);
    expect(global.data.updateAlertRule.userErrors).toEqual([{
      code: 'FORBIDDEN',
      field: ['input', 'shopId'],
      message: 'the installation-wide alert settings are changed only by a caller over every shop; name one of your shops (shopId) or campaigns (campaignId)',
    }]);
    const bad = await server.gql(update, { input: { rule: 'CONVERSION_DROP', shopId: gid('Shop', shopId), threshold: 3 } }, partner);
    expect(bad.data.updateAlertRule.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'threshold'] })]);
    const badInChinese = await server.gql(
      `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { userErrors { message messageZh: message(locale: ZH_CN) } } }`,
      { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), threshold: 2.5 } },
      partner,
    );
    expect(badInChinese.data.updateAlertRule.userErrors).toEqual([{
      message: 'LOW_STOCK: threshold must be a whole number between 0 and 1000000 (units in stock at or below which a SKU on sale alerts (default: the SKU’s own low-stock line, 50))',
      messageZh: 'LOW_STOCK：阈值必须是 0 到 1000000 之间的整数（在售 SKU 库存不高于此件数即预警，默认取 SKU 自身的库存预警线 50）',
    }]);
    const reader = bearer(await server.createKey({ name: 'reader', shopIds: [shopId], scopes: ['READ'] }));
    const refused = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), threshold: 5 } }, reader);
    expect(refused.data?.updateAlertRule ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const read = await server.gql(`query ($shop: ID) { alertRules(shopId: $shop) { rule threshold source } }`, { shop: gid('Shop', shopId) }, reader);
    expect(read.data.alertRules).toContainEqual({ rule: 'LOW_STOCK', threshold: 10, source: 'SHOP' });
    expect(read.data.alertRules).toContainEqual({ rule: 'ROI_BELOW_ONE', threshold: 1, source: 'DEFAULT' });
    const peek = await server.gql(`query ($shop: ID) { alertRules(shopId: $shop) { rule } }`, { shop: gid('Shop', otherShopId) }, reader);
    expect(peek.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // A reset with a value beside it is a contradiction: refused, the shop's value kept.
    const both = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), reset: true, threshold: 20 } }, partner);
    expect(both.data.updateAlertRule.userErrors).toEqual([expect.objectContaining({ field: ['input', 'reset'], code: 'INVALID_INPUT' })]);
    expect((await server.gql(`query ($shop: ID) { alertRules(shopId: $shop) { rule threshold source } }`, { shop: gid('Shop', shopId) }, reader)).data.alertRules).toContainEqual({ rule: 'LOW_STOCK', threshold: 10, source: 'SHOP' });
    const reset = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), reset: true } }, partner);
    expect(reset.data.updateAlertRule.setting).toMatchObject({ threshold: 50, source: 'DEFAULT' });
  });

  it("a campaign's setting of a shop rule holds for the campaign's shops while it is under way; a campaign rule cannot be set on a shop", async () => {
    const { sku } = await insertSku(backend().db, shopId, 'SK-C');
    const { sku: outside } = await insertSku(backend().db, otherShopId, 'JD-C');
    await backend().db.update(skus).set({ stock: 150 });
    const double11 = await insertCampaign(backend().db, [shopId]); // 11-01 to 11-12, under way at 11-11 20:00
    const update = `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { setting { rule threshold source } userErrors { field code message } } }`;
    const set = await server.gql(update, { input: { rule: 'LOW_STOCK', campaignId: gid('Campaign', double11.id), threshold: 200 } });
    expect(set.data.updateAlertRule).toEqual({ setting: { rule: 'LOW_STOCK', threshold: 200, source: 'CAMPAIGN' }, userErrors: [] });
    // The shop's own setting is beaten by the campaign's while it runs.
    await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', shopId), threshold: 10 } });

    const raised = await evaluate();
    expect(raised.map((e) => [e.change, e.alert.subject, e.alert.threshold])).toEqual([['RAISED', 'SK-C 商品 SK-C', 200]]);
    expect((await rows('LOW_STOCK')).some((a) => a.dedupeKey === `LOW_STOCK:${outside.id}`)).toBe(false); // not a shop of the campaign

    // After the campaign the shop's own line (10) is in force again: 150 units are well clear of it.
    at('2026-11-12T00:01:00+08:00');
    expect((await evaluate()).map((e) => [e.change, e.alert.dedupeKey])).toEqual([['RESOLVED', `LOW_STOCK:${sku.id}`]]);

    const onShop = await server.gql(update, { input: { rule: 'GMV_BEHIND_PACE', shopId: gid('Shop', shopId), threshold: 0.5 } });
    expect(onShop.data.updateAlertRule).toEqual({
      setting: null,
      userErrors: [{ field: ['input', 'shopId'], code: 'INVALID_INPUT', message: 'GMV_BEHIND_PACE is judged per campaign: set it on a campaign (campaignId) or installation-wide' }],
    });
    const onShopInChinese = await server.gql(
      `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { userErrors { messageZh: message(locale: ZH_CN) } } }`,
      { input: { rule: 'GMV_BEHIND_PACE', shopId: gid('Shop', shopId), threshold: 0.5 } },
    );
    expect(onShopInChinese.data.updateAlertRule.userErrors).toEqual([{ messageZh: 'GMV_BEHIND_PACE 按活动评判：请在活动（campaignId）上设置，或设为全局' }]);
    expect(await backend().db.select().from(alertRuleSettings).where(eq(alertRuleSettings.rule, 'GMV_BEHIND_PACE'))).toEqual([]);
  });

  it('a shop or campaign that does not exist is NOT_FOUND on its input field, even for a caller over every shop, and nothing is stored', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    const update = `mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { setting { rule } userErrors { field code message } } }`;
    const unknownShop = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', nobody), threshold: 10 } });
    expect(unknownShop.errors).toBeUndefined();
    expect(unknownShop.data.updateAlertRule).toEqual({ setting: null, userErrors: [{ field: ['input', 'shopId'], code: 'NOT_FOUND', message: 'Shop not found' }] });
    const unknownCampaign = await server.gql(update, { input: { rule: 'LOW_STOCK', campaignId: gid('Campaign', nobody), threshold: 10 } });
    expect(unknownCampaign.data.updateAlertRule).toEqual({ setting: null, userErrors: [{ field: ['input', 'campaignId'], code: 'NOT_FOUND', message: 'Campaign not found' }] });
    expect(await backend().db.select().from(alertRuleSettings)).toEqual([]);

    // Reading the settings of a shop that does not exist is refused the same way.
    const read = await server.gql(`query ($shop: ID) { alertRules(shopId: $shop) { rule } }`, { shop: gid('Shop', nobody) });
    expect(read.errors?.[0]).toMatchObject({ message: 'Shop not found', extensions: { code: 'NOT_FOUND' } });

    // A partner learns nothing about ids outside its shops: unknown and foreign look alike.
    const partner = bearer(await server.createKey({ name: 'partner', shopIds: [shopId], scopes: ['READ', 'MANAGE'] }));
    const guessed = await server.gql(update, { input: { rule: 'LOW_STOCK', shopId: gid('Shop', nobody), threshold: 10 } }, partner);
    expect(guessed.data.updateAlertRule.userErrors).toEqual([{ field: ['input', 'shopId'], code: 'FORBIDDEN', message: 'Shop is outside the shops your credential covers' }]);
  });
});
