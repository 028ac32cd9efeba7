import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { alerts } from '../alert/alert.table.js';

const sh = (local: string) => new Date(`${local}+08:00`);

const CAMPAIGN = `query ($id: ID!) { campaign(id: $id) {
  name partial gmvTarget shops { name } shopTargets { shop { name } gmvTarget }
  progress { gmv target achievementRate } milestones { name }
} campaigns { totalCount } }`;
const UPDATE = `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) {
  campaign { partial gmvTarget shopTargets { shop { name } gmvTarget } } userErrors { field code message }
} }`;
const CREATE = `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id shopTargets { gmvTarget } } userErrors { field code message } } }`;
const METRICS = `query ($c: ID!) { metrics(scope: { campaignId: $c }, from: "2026-11-01T00:00:00+08:00", to: "2026-11-12T00:00:00+08:00") { gmv } }`;
const CREATE_MILESTONE = `mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { milestone { id } userErrors { field code message } } }`;
const UPDATE_MILESTONE = `mutation ($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { milestone { status } userErrors { field code message } } }`;
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { index field code } } }`;

describeEachBackend('a shop’s part of a multi-shop campaign (目标拆解)', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  let shopC: string;
  let campaignId: string;
  const split = (a: string, b: string) => [
    { shopId: gid('Shop', shopA), gmvTarget: a },
    { shopId: gid('Shop', shopB), gmvTarget: b },
  ];

  beforeEach(async () => {
    const { db } = backend();
    shopA = (await insertShop(db, '甲店')).id;
    shopB = (await insertShop(db, '乙店', 'JD')).id;
    shopC = (await insertShop(db, '丙店', 'DOUYIN')).id;
    // 双11 over 甲 and 乙, target ¥1,000,000 (the fixture's): 甲 sold ¥150,000 of it, 乙 ¥600,000.
    const campaign = await insertCampaign(db, [shopA, shopB]);
    campaignId = gid('Campaign', campaign.id);
    await insertRollups(db, [
      { at: sh('2026-11-02T10:00:00'), shopId: shopA, campaignId: campaign.id, counters: { ordersPaid: 10, gmvFen: 15_000_000 } },
      { at: sh('2026-11-02T11:00:00'), shopId: shopB, channel: 'JD', campaignId: campaign.id, counters: { ordersPaid: 30, gmvFen: 60_000_000 } },
    ]);
    server = await startTestServer(backend(), { now: () => sh('2026-11-05T10:00:00') });
    await server.gql(CREATE_MILESTONE, { input: { campaignId, name: '主会场上线', owner: '张三', dueAt: '2026-11-08T18:00:00+08:00', completionStandard: '3 秒内打开' } });
  });
  afterEach(() => server.stop());

  it('shows a one-shop partner their part once the target is split: their shop, their target, their GMV against it', async () => {
    const partner = bearer(await server.createKey({ name: '甲店 ISV', shopIds: [shopA], scopes: ['READ'] }));
    const before = await server.gql(CAMPAIGN, { id: campaignId }, partner);
    expect(before.data).toEqual({ campaign: null, campaigns: { totalCount: 0 } });

    const splitting = await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('400000', '600000') } });
    expect(splitting.data.updateCampaign).toEqual({
      campaign: { partial: false, gmvTarget: '1000000.00', shopTargets: [{ shop: { name: '甲店' }, gmvTarget: '400000.00' }, { shop: { name: '乙店' }, gmvTarget: '600000.00' }] },
      userErrors: [],
    });

    const part = await server.gql(CAMPAIGN, { id: campaignId }, partner);
    expect(part.errors).toBeUndefined();
    expect(part.data).toEqual({
      campaign: {
        name: '双11',
        partial: true,
        gmvTarget: '400000.00',
        shops: [{ name: '甲店' }],
        shopTargets: [{ shop: { name: '甲店' }, gmvTarget: '400000.00' }],
        progress: { gmv: '150000.00', target: '400000.00', achievementRate: 0.375 },
        milestones: [{ name: '主会场上线' }],
      },
      campaigns: { totalCount: 1 },
    });
    expect((await server.gql(METRICS, { c: campaignId }, partner)).data.metrics.gmv).toBe('150000.00');

    // The whole campaign, to a caller over every shop, is unchanged.
    const whole = await server.gql(CAMPAIGN, { id: campaignId });
    expect(whole.data.campaign).toMatchObject({ partial: false, gmvTarget: '1000000.00', progress: { gmv: '750000.00', target: '1000000.00', achievementRate: 0.75 } });

    // A shop outside the campaign sees nothing of it, split or not, and is refused its figures.
    const stranger = bearer(await server.createKey({ name: '丙店 ISV', shopIds: [shopC], scopes: ['READ'] }));
    expect((await server.gql(CAMPAIGN, { id: campaignId }, stranger)).data).toEqual({ campaign: null, campaigns: { totalCount: 0 } });
    expect((await server.gql(METRICS, { c: campaignId }, stranger)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Removing the split hides the campaign from the partner again.
    expect((await server.gql(UPDATE, { input: { id: campaignId, shopTargets: null } })).data.updateCampaign.campaign.shopTargets).toBeNull();
    expect((await server.gql(CAMPAIGN, { id: campaignId }, partner)).data.campaign).toBeNull();
  });

  it('refuses a split that misses a shop or does not add up, and one left stale by a new target, losing nothing', async () => {
    const short = await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('400000', '500000') } });
    expect(short.data.updateCampaign.userErrors).toEqual([
      { field: ['input', 'shopTargets'], code: 'INVALID_AMOUNT', message: expect.stringContaining('add up to ¥900,000.00, the campaign’s target is ¥1,000,000.00') },
    ]);
    const zero = await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('1000000', '0') } });
    expect(zero.data.updateCampaign.userErrors).toEqual([{ field: ['input', 'shopTargets'], code: 'INVALID_AMOUNT', message: expect.stringContaining('must be above zero') }]);
    const missing = await server.gql(UPDATE, { input: { id: campaignId, shopTargets: [{ shopId: gid('Shop', shopA), gmvTarget: '1000000' }] } });
    expect(missing.data.updateCampaign.userErrors).toEqual([{ field: ['input', 'shopTargets'], code: 'INVALID_INPUT', message: expect.stringContaining('1 missing, 0 not in the campaign') }]);

    // On create, told beside the other fields' problems.
    const created = await server.gql(CREATE, {
      input: { name: '', startsAt: '2026-12-01T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '100', shopIds: [gid('Shop', shopA), gid('Shop', shopB)], shopTargets: split('60', '50') },
    });
    expect(created.data.createCampaign.userErrors.map((e: { field: string[]; code: string }) => `${e.field.join('.')}:${e.code}`)).toEqual(['input.name:INVALID_INPUT', 'input.shopTargets:INVALID_AMOUNT']);

    await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('400000', '600000') } });
    const retarget = await server.gql(UPDATE, { input: { id: campaignId, gmvTarget: '1200000' } });
    expect(retarget.data.updateCampaign.userErrors).toEqual([
      { field: ['input', 'shopTargets'], code: 'INVALID_AMOUNT', message: expect.stringContaining('give each shop’s target again') },
    ]);
    const both = await server.gql(UPDATE, { input: { id: campaignId, gmvTarget: '1200000', shopTargets: split('500000', '700000') } });
    expect(both.data.updateCampaign).toMatchObject({ campaign: { gmvTarget: '1200000.00', shopTargets: [{ gmvTarget: '500000.00' }, { gmvTarget: '700000.00' }] }, userErrors: [] });
  });

  it('lets the partner read their part but not change the campaign or its milestones, which others’ figures hang on', async () => {
    await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('400000', '600000') } });
    const operator = bearer(await server.createKey({ name: '甲店运营', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }));
    const rename = await server.gql(UPDATE, { input: { id: campaignId, gmvTarget: '1' } }, operator);
    expect(rename.data.updateCampaign.userErrors).toEqual([{ field: ['input', 'id'], code: 'FORBIDDEN', message: expect.stringContaining('also runs in shops outside your grant') }]);
    const added = await server.gql(CREATE_MILESTONE, { input: { campaignId, name: '甲店备货', owner: '李四', dueAt: '2026-11-09T18:00:00+08:00', completionStandard: '入仓' } }, operator);
    expect(added.data.createMilestone.userErrors).toEqual([{ field: ['input', 'campaignId'], code: 'FORBIDDEN', message: expect.stringContaining('outside your grant') }]);
    const milestoneId = (await server.gql(`query ($id: ID!) { campaign(id: $id) { milestones { id } } }`, { id: campaignId })).data.campaign.milestones[0].id;
    const moved = await server.gql(UPDATE_MILESTONE, { input: { id: milestoneId, status: 'DONE' } }, operator);
    expect(moved.data.updateMilestone.userErrors).toEqual([{ field: ['input', 'id'], code: 'FORBIDDEN', message: expect.stringContaining('outside your grant') }]);
    // Nothing changed.
    const whole = await server.gql(CAMPAIGN, { id: campaignId });
    expect(whole.data.campaign).toMatchObject({ gmvTarget: '1000000.00', milestones: [{ name: '主会场上线' }] });
  });

  it('takes a one-shop producer’s orders for a campaign its shop runs in, split or not, and no other shop’s campaign', async () => {
    const sku = gid('Sku', (await insertSku(backend().db, shopA, 'A-1', 19_900)).sku.id);
    const producer = bearer(await server.createKey({ name: '甲店 ERP', shopIds: [shopA], scopes: ['INGEST'] }));
    const order = (orderId: string, campaign: string) => ({
      id: `paid-${orderId}`,
      type: 'ORDER_PAID',
      occurredAt: '2026-11-05T09:00:00+08:00',
      shopId: gid('Shop', shopA),
      source: 'SEARCH',
      orderId,
      campaignId: campaign,
      amount: '199.00',
      customerId: 'c1',
      items: [{ skuId: sku, quantity: 1, unitPrice: '199.00' }],
    });
    const onlyC = gid('Campaign', (await insertCampaign(backend().db, [shopC], '丙店专场')).id);
    const result = await server.gql(INGEST, { events: [order('O1', campaignId), order('O2', onlyC)] }, producer);
    expect(result.data.ingestEvents).toEqual({ accepted: 1, userErrors: [{ index: 1, field: ['input', 'events', '1', 'campaignId'], code: 'NOT_FOUND' }] });
  });

  it('keeps the whole campaign out of the part’s retrospective: its pace alert and the team’s lessons', async () => {
    const { db } = backend();
    const rowId = Buffer.from(campaignId, 'base64').toString().split(':')[1]!;
    await db.insert(alerts).values([
      { rule: 'GMV_BEHIND_PACE', severity: 'WARNING', campaignId: rowId, subject: '双11', message: '截至目前 GMV ¥750,000.00，按计划应达 ¥900,000.00', dedupeKey: 'pace', raisedAt: sh('2026-11-03T10:00:00') },
      { rule: 'MILESTONE_OVERDUE', severity: 'WARNING', campaignId: rowId, subject: '主会场上线', message: '关键节点逾期', dedupeKey: 'milestone', raisedAt: sh('2026-11-03T11:00:00') },
    ]);
    await server.gql(`mutation { writeRetrospectiveLessons(input: { campaignId: "${campaignId}", lessons: "GMV ¥750,000，乙店 ROI 最好" }) { userErrors { code } } }`);
    await server.gql(UPDATE, { input: { id: campaignId, shopTargets: split('400000', '600000') } });
    const RETRO = `query ($id: ID!) { campaign(id: $id) { retrospective { gmv lessons alerts { alert { rule } } } } }`;
    const partner = bearer(await server.createKey({ name: '甲店 ISV', shopIds: [shopA], scopes: ['READ'] }));
    expect((await server.gql(RETRO, { id: campaignId }, partner)).data.campaign.retrospective).toEqual({ gmv: '150000.00', lessons: null, alerts: [{ alert: { rule: 'MILESTONE_OVERDUE' } }] });
    expect((await server.gql(RETRO, { id: campaignId })).data.campaign.retrospective).toMatchObject({ gmv: '750000.00', lessons: 'GMV ¥750,000，乙店 ROI 最好', alerts: [{ alert: { rule: 'GMV_BEHIND_PACE' } }, { alert: { rule: 'MILESTONE_OVERDUE' } }] });
  });
});
