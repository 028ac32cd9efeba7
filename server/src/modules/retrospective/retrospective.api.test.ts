import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { customersSharingARegister, gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { alerts } from '../alert/alert.table.js';
import { campaigns, type CampaignRow } from '../campaign/campaign.table.js';
import { skus } from '../product/product.table.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { userErrors { index code message } } }`;
const SPEND = `mutation ($entries: [MarketingSpendEntryInput!]!) { recordMarketingSpend(input: { entries: $entries }) { userErrors { index message } } }`;
const CREATE_MILESTONE = `mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { milestone { id } userErrors { message } } }`;
const UPDATE_MILESTONE = `mutation ($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { milestone { id } userErrors { message } } }`;
const LESSONS = `mutation ($input: WriteRetrospectiveLessonsInput!) { writeRetrospectiveLessons(input: $input) {
  retrospective { lessons lessonsUpdatedBy lessonsUpdatedAt overdue } userErrors { code field } } }`;
const RETRO = `query ($id: ID!) { campaign(id: $id) { retrospective {
  ended dueAt overdue gmvTarget gmv netGmv achievementRate orders buyers spend roi
  hours { at plannedGmv actualGmv cumulativeActualGmv }
  channels { channel gmv spend roi attributedGmv attributedRoi rank } bestChannel { channel } worstChannel { channel }
  sources { source gmv orders spend roi attributedRoi rank } bestSource { source roi } worstSource { source roi }
  pareto { skuCount soldSkus skus { sku { code } gmv units share cumulativeShare } }
  newBuyers returningBuyers newBuyerShare
  refundsByReason { reason refunds amount share }
  milestones { milestone { name } onTime secondsLate highestRisk changes { status riskLevel changedBy } }
  alerts { alert { rule } secondsToAcknowledge secondsToResolve }
  medianSecondsToAcknowledge medianSecondsToResolve
  incidents { incidents respondedInTime fixedInTime medianSecondsToRespond medianSecondsToFix }
  lessons exportPath
} } }`;

describeEachBackend('campaign retrospective (复盘)', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shop: string;
  let other: string;
  let otherId: string;
  let campaign: CampaignRow;
  const sku: Record<string, string> = {};

  beforeEach(async () => {
    const { db } = backend();
    const a = await insertShop(db, '天猫旗舰店');
    const b = await insertShop(db, '别家店');
    shop = gid('Shop', a.id);
    otherId = b.id;
    other = gid('Shop', b.id);
    for (const [code, price] of [['S1', 10_000], ['S2', 5_000], ['S3', 2_000], ['S4', 1_000]] as const) sku[code] = gid('Sku', (await insertSku(db, a.id, code, price)).sku.id);
    // 6.1 00:00 – 6.4 00:00 Shanghai, ¥10,000 target.
    campaign = await insertCampaign(db, [a.id], '618', { startsAt: sh('2026-06-01T00:00:00'), endsAt: sh('2026-06-04T00:00:00') });
    await db.update(campaigns).set({ gmvTargetFen: 1_000_000 }).where(eq(campaigns.id, campaign.id));
    clock = sh('2026-06-01T08:00:00');
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const cid = () => gid('Campaign', campaign.id);
  const ingest = async (events: Record<string, unknown>[]) => {
    const result = await server.gql(INGEST, { events });
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestEvents.userErrors).toEqual([]);
  };
  /** Placed with its items and paid at once, attributed to the campaign unless `campaign: false`. */
  const order = (id: string, customer: string, source: string, code: string, quantity: number, unitPrice: string, at: string, options: { campaign?: boolean; shopId?: string } = {}) => {
    const common = { shopId: options.shopId ?? shop, source, orderId: id, customerId: customer, ...(options.campaign === false ? {} : { campaignId: cid() }) };
    const amount = (Number(unitPrice) * quantity).toFixed(2);
    return [
      { id: `${id}-placed`, type: 'ORDER_PLACED', occurredAt: sh(at).toISOString(), ...common, items: [{ skuId: sku[code], quantity, unitPrice }], amount },
      { id: `${id}-paid`, type: 'ORDER_PAID', occurredAt: sh(at).toISOString(), ...common, amount },
    ];
  };
  const refund = (id: string, source: string, amount: string, reason: string, at: string) => ({
    id: `${id}-refund-${reason}`, type: 'ORDER_REFUNDED', occurredAt: sh(at).toISOString(), shopId: shop, source, campaignId: cid(), orderId: id, amount, reason,
  });

  async function runCampaign() {
    const { db } = backend();
    clock = sh('2026-06-06T00:00:00'); // events may not come from the future
    // A customer who bought in May (before the campaign, not attributed): returning when they buy again.
    await ingest(order('M1', 'old', 'SEARCH', 'S4', 1, '10.00', '2026-05-20T10:00:00', { campaign: false }));
    await ingest([
      ...order('O1', 'old', 'SEARCH', 'S1', 30, '100.00', '2026-06-01T10:00:00'), // ¥3,000
      ...order('O2', 'new1', 'PAID', 'S1', 20, '100.00', '2026-06-01T21:00:00'), // ¥2,000
      ...order('O3', 'new2', 'SOCIAL', 'S2', 20, '50.00', '2026-06-02T20:00:00'), // ¥1,000
      ...order('O4', 'new1', 'SEARCH', 'S3', 10, '20.00', '2026-06-02T12:00:00'), // ¥200
      ...order('O5', 'new3', 'SOCIAL', 'S4', 10, '10.00', '2026-06-03T09:00:00'), // ¥100
    ]);
    // Another merchant's new customer in the same days: not this campaign's.
    await ingest([
      { id: 'X-paid', type: 'ORDER_PAID', occurredAt: sh('2026-06-02T10:00:00').toISOString(), shopId: other, source: 'SEARCH', orderId: 'X', customerId: 'stranger', amount: '999.00' },
    ]);
    await ingest([
      refund('O3', 'SOCIAL', '100.00', '尺码不符', '2026-06-03T10:00:00'),
      refund('O5', 'SOCIAL', '50.00', '尺码不符', '2026-06-03T12:00:00'),
      // After the campaign ended: still the campaign's refund.
      refund('O2', 'PAID', '2000.00', '质量问题', '2026-06-05T10:00:00'),
    ]);
    const spend = (id: string, source: string, amount: string) => ({ id, shopId: shop, spentAt: sh('2026-06-02T09:00:00').toISOString(), source, amount, campaignId: cid() });
    const spent = await server.gql(SPEND, { entries: [spend('sp1', 'SEARCH', '300.00'), spend('sp2', 'PAID', '1000.00'), spend('sp3', 'SOCIAL', '2200.00')] });
    expect(spent.data.recordMarketingSpend.userErrors).toEqual([]);

    // Milestones: one done on time; one raised to HIGH, planned, and done two hours late.
    const create = async (name: string, dueAt: string) => {
      const r = await server.gql(CREATE_MILESTONE, { input: { campaignId: cid(), name, owner: '李四', dueAt: sh(dueAt).toISOString(), completionStandard: '达标' } });
      return r.data.createMilestone.milestone.id as string;
    };
    clock = sh('2026-05-25T09:00:00');
    const coupons = await create('优惠券配置', '2026-05-31T18:00:00');
    const pages = await create('页面性能优化', '2026-05-31T20:00:00');
    const update = (input: Record<string, unknown>) => server.gql(UPDATE_MILESTONE, { input });
    clock = sh('2026-05-30T10:00:00');
    await update({ id: coupons, status: 'DONE' });
    clock = sh('2026-05-30T11:00:00');
    await update({ id: pages, status: 'IN_PROGRESS', riskLevel: 'HIGH' });
    clock = sh('2026-05-30T15:00:00');
    await update({ id: pages, responsePlan: '启用 CDN 降级' }); // no status or risk change: no history row
    clock = sh('2026-05-31T22:00:00');
    await update({ id: pages, status: 'DONE', riskLevel: 'LOW' });

    await db.insert(alerts).values([
      { rule: 'CONVERSION_DROP', severity: 'WARNING', shopId: campaign.shopIds[0], subject: 's', message: '转化率下降', dedupeKey: 'a1', status: 'RESOLVED', raisedAt: sh('2026-06-01T10:00:00'), acknowledgedAt: sh('2026-06-01T10:05:00'), acknowledgedBy: '张三', resolvedAt: sh('2026-06-01T10:45:00') },
      { rule: 'LOW_STOCK', severity: 'CRITICAL', shopId: campaign.shopIds[0], campaignId: campaign.id, subject: 's', message: '库存不足', dedupeKey: 'a2', status: 'RESOLVED', raisedAt: sh('2026-06-02T20:00:00'), criticalSince: sh('2026-06-02T20:00:00'), acknowledgedAt: sh('2026-06-02T20:20:00'), acknowledgedBy: '王五', resolvedAt: sh('2026-06-02T21:00:00') },
      // An incident the room met: claimed in 4 minutes, fixed in 25 (the sold-out one above was late on both).
      { rule: 'ORDERS_STALLED', severity: 'CRITICAL', shopId: campaign.shopIds[0], subject: 's', message: '下单中断', dedupeKey: 'a7', status: 'RESOLVED', raisedAt: sh('2026-06-03T14:00:00'), criticalSince: sh('2026-06-03T14:00:00'), acknowledgedAt: sh('2026-06-03T14:04:00'), acknowledgedBy: '赵六', resolvedAt: sh('2026-06-03T14:25:00') },
      // The campaign's own (no shop of its own) is in it; a paused webhook, about neither, is not.
      { rule: 'GMV_BEHIND_PACE', severity: 'WARNING', shopId: null, campaignId: campaign.id, subject: 's', message: '进度落后', dedupeKey: 'a5', status: 'RESOLVED', raisedAt: sh('2026-06-01T12:00:00'), acknowledgedAt: sh('2026-06-01T12:10:00'), acknowledgedBy: '李四', resolvedAt: sh('2026-06-01T12:30:00') },
      { rule: 'WEBHOOK_PAUSED', severity: 'WARNING', shopId: null, subject: 's', message: '暂停', dedupeKey: 'a6', raisedAt: sh('2026-06-01T13:00:00') },
      // Before the campaign, and another merchant's: neither is in its timeline.
      { rule: 'LOW_STOCK', severity: 'WARNING', shopId: campaign.shopIds[0], subject: 's', message: '早', dedupeKey: 'a3', status: 'RESOLVED', raisedAt: sh('2026-05-31T20:00:00'), resolvedAt: sh('2026-05-31T21:00:00') },
      { rule: 'LOW_STOCK', severity: 'WARNING', shopId: otherId, subject: 's', message: '别家', dedupeKey: 'a4', raisedAt: sh('2026-06-02T10:00:00') },
    ]);
    clock = sh('2026-06-07T09:00:00');
  }

  const retro = async (headers?: Record<string, string>) => {
    const result = await server.gql(RETRO, { id: cid() }, headers);
    expect(result.errors).toBeUndefined();
    return result.data.campaign?.retrospective;
  };

  it('counts buyers exactly, also two whose ids share one sketch register (the estimate would read one)', async () => {
    // Two customers of this shop whose rollup sketch entries land in the same HyperLogLog register.
    const [first, second] = customersSharingARegister(campaign.shopIds[0]!, 2) as [string, string];
    clock = sh('2026-06-05T00:00:00');
    await ingest([...order('P1', first, 'SEARCH', 'S3', 1, '20.00', '2026-06-01T10:00:00'), ...order('P2', second, 'SEARCH', 'S3', 1, '20.00', '2026-06-01T11:00:00')]);
    const r = await retro();
    expect(r).toMatchObject({ orders: 2, buyers: 2, newBuyers: 2, returningBuyers: 0, newBuyerShare: 1 });
  });

  it("counts as new only the campaign's own buyers paying for the first time, as the campaign's buyer mix does", async () => {
    clock = sh('2026-06-06T00:00:00');
    await ingest([
      ...order('M1', 'old', 'SEARCH', 'S4', 1, '10.00', '2026-05-20T10:00:00', { campaign: false }),
      ...order('C1', 'old', 'SEARCH', 'S1', 1, '100.00', '2026-06-02T10:00:00'),
      ...order('C2', 'first', 'SEARCH', 'S1', 1, '100.00', '2026-06-02T11:00:00'),
      // A shop's new customer who never bought through the campaign: not one of its buyers, new or not.
      ...order('N1', 'outside', 'SEARCH', 'S4', 1, '10.00', '2026-06-02T12:00:00', { campaign: false }),
    ]);
    expect(await retro()).toMatchObject({ buyers: 2, newBuyers: 1, returningBuyers: 1, newBuyerShare: 0.5 });
    // Orders without a single recorded visit: no conversion to state, rather than 0 %.
    const traffic = await server.gql(`query ($id: ID!) { campaign(id: $id) { retrospective { visitors conversionRate } } }`, { id: cid() });
    expect(traffic.data.campaign.retrospective).toEqual({ visitors: 0, conversionRate: null });
    const mix = await server.gql(`query ($id: ID!) { metrics(scope: { campaignId: $id }, from: "2026-06-01T00:00:00+08:00", to: "2026-06-04T00:00:00+08:00") { buyerMix { buyers newBuyers returningBuyers } } }`, { id: cid() });
    expect(mix.data.metrics.buyerMix).toEqual({ buyers: 2, newBuyers: 1, returningBuyers: 1 });
  });

  it('names the products that make 80 % of GMV, each the sum of its SKUs, beside the SKUs that do', async () => {
    const { db } = backend();
    // A second SKU (size L) of S1's product.
    const [s1] = await db.select().from(skus).where(eq(skus.code, 'S1'));
    const [large] = await db.insert(skus).values({ productId: s1!.productId, shopId: s1!.shopId, code: 'S1-L', spec: 'L', priceFen: 10_000, costFen: 5_000, stock: 100 }).returning();
    sku['S1-L'] = gid('Sku', large!.id);
    clock = sh('2026-06-06T00:00:00');
    await ingest([
      ...order('P1', 'a', 'SEARCH', 'S1', 5, '100.00', '2026-06-02T10:00:00'),
      ...order('P2', 'b', 'SEARCH', 'S1-L', 4, '100.00', '2026-06-02T11:00:00'),
      ...order('P3', 'c', 'SEARCH', 'S2', 12, '50.00', '2026-06-02T12:00:00'),
      ...order('P4', 'd', 'SEARCH', 'S3', 15, '20.00', '2026-06-02T13:00:00'),
    ]);
    const result = await server.gql(
      `query ($id: ID!) { campaign(id: $id) { retrospective { pareto {
        productCount soldProducts products { product { name } gmv units skusSold share cumulativeShare }
        skuCount soldSkus skus { sku { code } gmv } } } } }`,
      { id: cid() },
    );
    expect(result.errors).toBeUndefined();
    // ¥1,800 in all: S2 ¥600, S1 ¥500, S1-L ¥400, S3 ¥300. By SKU it takes three to pass 80 %; S1's product
    // (¥900, half of it) and S2 are two products.
    expect(result.data.campaign.retrospective.pareto).toEqual({
      productCount: 2,
      soldProducts: 3,
      products: [
        { product: { name: '商品 S1' }, gmv: '900.00', units: 9, skusSold: 2, share: 0.5, cumulativeShare: 0.5 },
        { product: { name: '商品 S2' }, gmv: '600.00', units: 12, skusSold: 1, share: 600 / 1800, cumulativeShare: 1500 / 1800 },
      ],
      skuCount: 3,
      soldSkus: 4,
      skus: [{ sku: { code: 'S2' }, gmv: '600.00' }, { sku: { code: 'S1' }, gmv: '500.00' }, { sku: { code: 'S1-L' }, gmv: '400.00' }],
    });

    // Another merchant's key reads neither list: the campaign is not theirs.
    const stranger = bearer(await server.createKey({ scopes: ['READ'], shopIds: [otherId] }));
    const refused = await server.gql(`query ($id: ID!) { campaign(id: $id) { retrospective { pareto { products { product { name } } } } } }`, { id: cid() }, stranger);
    expect(refused.errors).toBeUndefined();
    expect(refused.data).toEqual({ campaign: null });
  });

  it('reviews the campaign against independently computed figures: target, ROI ranking, Pareto, new buyers, refunds, milestones, alerts', async () => {
    await runCampaign();
    const r = await retro();
    // GMV ¥6,300 of ¥10,000; refunds ¥2,150 (one after the end) leave ¥4,150.
    expect(r).toMatchObject({ ended: true, dueAt: sh('2026-06-06T00:00:00').toISOString(), overdue: true, gmvTarget: '10000.00', gmv: '6300.00', netGmv: '4150.00', achievementRate: 0.63, orders: 5, buyers: 4, spend: '3500.00', roi: 6300 / 3500 });
    // SEARCH ¥3,200 / ¥300, PAID ¥2,000 / ¥1,000, SOCIAL ¥1,100 / ¥2,200 (pause it).
    expect(r.sources).toEqual([
      // Every source had spend on the one platform: its ad ROI is its ROI.
      { source: 'SEARCH', gmv: '3200.00', orders: 2, spend: '300.00', roi: 3200 / 300, attributedRoi: 3200 / 300, rank: 1 },
      { source: 'PAID', gmv: '2000.00', orders: 1, spend: '1000.00', roi: 2, attributedRoi: 2, rank: 2 },
      { source: 'SOCIAL', gmv: '1100.00', orders: 2, spend: '2200.00', roi: 0.5, attributedRoi: 0.5, rank: 3 },
    ]);
    expect(r.bestSource).toEqual({ source: 'SEARCH', roi: 3200 / 300 });
    expect(r.worstSource).toEqual({ source: 'SOCIAL', roi: 0.5 });
    expect(r.channels).toEqual([{ channel: 'TMALL', gmv: '6300.00', spend: '3500.00', roi: 1.8, attributedGmv: '6300.00', attributedRoi: 1.8, rank: 1 }]);
    expect(r.bestChannel).toEqual({ channel: 'TMALL' });
    expect(r.worstChannel).toBeNull(); // one channel has nothing to compare with
    // S1 makes ¥5,000 (79.4 %): not yet 80 %, so S2 (¥1,000) joins; S3 and S4 are the long tail.
    expect(r.pareto).toEqual({
      skuCount: 2,
      soldSkus: 4,
      skus: [
        { sku: { code: 'S1' }, gmv: '5000.00', units: 50, share: 5000 / 6300, cumulativeShare: 5000 / 6300 },
        { sku: { code: 'S2' }, gmv: '1000.00', units: 20, share: 1000 / 6300, cumulativeShare: 6000 / 6300 },
      ],
    });
    // new1, new2, new3 first paid during the campaign; 'old' paid in May; the other shop's stranger is not ours.
    expect(r).toMatchObject({ newBuyers: 3, returningBuyers: 1, newBuyerShare: 0.75 });
    expect(r.refundsByReason).toEqual([
      { reason: '质量问题', refunds: 1, amount: '2000.00', share: 2000 / 2150 },
      { reason: '尺码不符', refunds: 2, amount: '150.00', share: 150 / 2150 },
    ]);
    expect(r.milestones).toEqual([
      { milestone: { name: '优惠券配置' }, onTime: true, secondsLate: 0, highestRisk: 'NONE', changes: [{ status: 'NOT_STARTED', riskLevel: 'NONE', changedBy: 'Admin key' }, { status: 'DONE', riskLevel: 'NONE', changedBy: 'Admin key' }] },
      {
        milestone: { name: '页面性能优化' },
        onTime: false,
        secondsLate: 2 * 3600,
        highestRisk: 'HIGH',
        changes: [
          { status: 'NOT_STARTED', riskLevel: 'NONE', changedBy: 'Admin key' },
          { status: 'IN_PROGRESS', riskLevel: 'HIGH', changedBy: 'Admin key' },
          { status: 'DONE', riskLevel: 'LOW', changedBy: 'Admin key' },
        ],
      },
    ]);
    expect(r.alerts).toEqual([
      { alert: { rule: 'CONVERSION_DROP' }, secondsToAcknowledge: 300, secondsToResolve: 2700 },
      { alert: { rule: 'GMV_BEHIND_PACE' }, secondsToAcknowledge: 600, secondsToResolve: 1800 },
      { alert: { rule: 'LOW_STOCK' }, secondsToAcknowledge: 1200, secondsToResolve: 3600 },
      { alert: { rule: 'ORDERS_STALLED' }, secondsToAcknowledge: 240, secondsToResolve: 1500 },
    ]);
    expect(r).toMatchObject({ medianSecondsToAcknowledge: 300, medianSecondsToResolve: 1800 });
    // Two incidents; the sold-out SKU was claimed after 20 minutes and fixed after 60, the stalled orders in time.
    expect(r.incidents).toEqual({ incidents: 2, respondedInTime: 1, fixedInTime: 1, medianSecondsToRespond: 240, medianSecondsToFix: 1500 });
    // Hour by hour: 72 hours, the 10:00 hour of 6.1 holds O1.
    expect(r.hours).toHaveLength(72);
    expect(r.hours[10]).toMatchObject({ at: sh('2026-06-01T10:00:00').toISOString(), actualGmv: '3000.00', cumulativeActualGmv: '3000.00' });
    expect(r.hours[71].cumulativeActualGmv).toBe('6300.00');
  });

  it('is overdue two days after the end until lessons are written; writing needs MANAGE and the campaign\'s shops', async () => {
    clock = sh('2026-06-05T23:59:59');
    expect((await retro()).overdue).toBe(false);
    clock = sh('2026-06-06T00:00:01');
    expect((await retro()).overdue).toBe(true);

    const reader = await server.createKey({ scopes: ['READ'] });
    const refused = await server.gql(LESSONS, { input: { campaignId: cid(), lessons: 'x' } }, bearer(reader));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = await server.createKey({ scopes: ['READ', 'MANAGE'], shopIds: [otherId] });
    const foreign = await server.gql(LESSONS, { input: { campaignId: cid(), lessons: 'x' } }, bearer(stranger));
    expect(foreign.data.writeRetrospectiveLessons).toEqual({ retrospective: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'campaignId'] }] });
    expect(await retro(bearer(stranger))).toBeUndefined();

    const written = await server.gql(LESSONS, { input: { campaignId: cid(), lessons: '  提前两周压测；SOCIAL 投放 ROI < 1 应在第一天暂停。  ' } });
    expect(written.data.writeRetrospectiveLessons).toEqual({
      retrospective: { lessons: '提前两周压测；SOCIAL 投放 ROI < 1 应在第一天暂停。', lessonsUpdatedBy: 'Admin key', lessonsUpdatedAt: clock.toISOString(), overdue: false },
      userErrors: [],
    });
    const tooLong = await server.gql(LESSONS, { input: { campaignId: cid(), lessons: 'x'.repeat(20_001) } });
    expect(tooLong.data.writeRetrospectiveLessons.userErrors[0].field).toEqual(['input', 'lessons']);
    expect((await retro()).lessons).toBe('提前两周压测；SOCIAL 投放 ROI < 1 应在第一天暂停。');
  });

  it('exports an XLSX workbook that opens again with every section, for the caller\'s campaigns only', async () => {
    await runCampaign();
    await server.gql(LESSONS, { input: { campaignId: cid(), lessons: '经验：备货按帕累托前两款加倍。' } });
    const { exportPath } = await retro();
    const response = await fetch(`${server.url}${exportPath}`, { headers: bearer(server.adminKey) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toContain(encodeURIComponent('618-复盘.xlsx'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    expect(book.worksheets.map((w) => w.name)).toEqual([
      '概览 Summary', '逐时 Hours', '渠道 Channels', '来源 Sources', '帕累托商品 Pareto products', '帕累托 Pareto', '退款原因 Refunds', '关键节点 Milestones', '预警 Alerts', '经验教训 Lessons',
    ]);
    const summary = new Map<string, unknown>();
    book.getWorksheet('概览 Summary')!.eachRow((row, n) => n > 1 && summary.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(summary.get('实际 GMV / GMV (¥)')).toBe(6300);
    expect(summary.get('净 GMV / Net GMV (¥)')).toBe(4150);
    expect(summary.get('达成率 / Achievement')).toBe(0.63);
    // Named as people read them, in both languages, not by the API's codes.
    expect(summary.get('最佳来源 / Best source')).toBe('搜索 / Search');
    expect(summary.get('最差来源 / Worst source')).toBe('社交分享 / Social');
    expect(summary.get('最佳渠道 / Best channel')).toBe('天猫 / Tmall');
    expect(book.getWorksheet('来源 Sources')!.getRow(2).getCell(2).value).toBe('搜索 / Search');
    expect(summary.get('新客 / New buyers')).toBe(3);
    expect(summary.get('目标转化率 / Target conversion')).toBe(0.03); // the manuals' 3 %, as no target was set
    expect(summary.get('帕累托商品数 / Products making 80 %')).toBe(2);
    expect(book.getWorksheet('帕累托商品 Pareto products')!.getRow(2).values).toEqual([undefined, '商品 S1', '天猫旗舰店', 5000, 50, 1, 5000 / 6300, 5000 / 6300]);
    const pareto = book.getWorksheet('帕累托 Pareto')!;
    expect(pareto.rowCount).toBe(3);
    expect(pareto.getRow(2).getCell(1).value).toBe('S1');
    expect(pareto.getRow(2).getCell(3).value).toBe(5000);
    expect(book.getWorksheet('逐时 Hours')!.rowCount).toBe(73);
    expect(book.getWorksheet('退款原因 Refunds')!.getRow(2).values).toEqual([undefined, '质量问题', 1, 2000, 2000 / 2150]);
    // Milestones' risk and history by name: 页面性能优化 was raised to HIGH and done late.
    const milestoneRows = book.getWorksheet('关键节点 Milestones')!.getSheetValues().slice(2).map((r) => (r as unknown[]).map(String).join('|'));
    const raised = milestoneRows.find((r) => r.includes('页面性能优化'))!;
    expect(raised).toContain('高风险 / High risk');
    expect(raised).toContain('已完成 / Done, ');
    expect(raised).not.toMatch(/\bHIGH\b|NOT_STARTED/);
    const alertsSheet = book.getWorksheet('预警 Alerts')!;
    expect(alertsSheet.rowCount).toBe(5); // a header and the campaign's four alerts
    // Each alert says what it was about, and its rule and severity by name, not only by code.
    expect(alertsSheet.getRow(1).values).toEqual(expect.arrayContaining(['规则 / Rule', '对象 / Subject', '级别 / Severity']));
    for (let row = 2; row <= 5; row++) {
      const [, , rule, subject, severity] = alertsSheet.getRow(row).values as unknown[];
      expect(String(rule)).toMatch(/^.*\p{Script=Han}.* \/ [A-Z_]+$/u);
      expect(String(subject)).not.toBe('');
      expect(String(severity)).toMatch(/^(提示|警告|严重) \/ (INFO|WARNING|CRITICAL)$/);
    }
    expect([summary.get('事故数 / Incidents'), summary.get('10 分钟内响应 / Responded within 10 min'), summary.get('30 分钟内修复 / Fixed within 30 min')]).toEqual([2, 1, 1]);
    expect(book.getWorksheet('经验教训 Lessons')!.getCell('A2').value).toBe('经验：备货按帕累托前两款加倍。');

    // Refused: no credential, another merchant's key (the campaign is not theirs), a screen key, a forged id.
    expect((await fetch(`${server.url}${exportPath}`)).status).toBe(401);
    const stranger = await server.createKey({ scopes: ['READ'], shopIds: [otherId] });
    const foreign = await fetch(`${server.url}${exportPath}`, { headers: bearer(stranger) });
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    const screen = await server.createKey({ scopes: ['READ'], trustedDocumentsOnly: true });
    expect((await fetch(`${server.url}${exportPath}`, { headers: bearer(screen) })).status).toBe(403);
    expect((await fetch(`${server.url}/export/campaigns/${gid('Shop', campaign.shopIds[0]!)}/retrospective.xlsx`, { headers: bearer(server.adminKey) })).status).toBe(400);
    expect((await fetch(`${server.url}/export/nothing`, { headers: bearer(server.adminKey) })).status).toBe(404);
  });
});
