import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';

const CREATE = `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id status } userErrors { code } } }`;
const DELETE = `mutation ($id: ID!) { deleteCampaign(input: { id: $id }) { campaign { id name } userErrors { field code message messageZh: message(locale: ZH_CN) } } }`;
const MILESTONE = `mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { milestone { id } userErrors { code } } }`;
const CAMPAIGNS = `{ campaigns { totalCount edges { node { name } } } }`;

describeEachBackend('deleteCampaign: a campaign made by mistake can be removed, a record cannot', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  const create = async (name: string, startsAt: string, endsAt: string, shops = [shopA]) => {
    const made = await server.gql(CREATE, { input: { name, startsAt, endsAt, gmvTarget: '1000000', shopIds: shops.map((id) => gid('Shop', id)) } });
    expect(made.data.createCampaign.userErrors).toEqual([]);
    return made.data.createCampaign.campaign as { id: string; status: string };
  };
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => new Date('2026-11-05T10:00:00+08:00') });
  });
  afterEach(() => server.stop());

  it('removes a campaign typed with last year’s dates, ended on creation, and an upcoming one with its milestones', async () => {
    const typo = await create('双11全球狂欢节', '2025-11-01T00:00:00+08:00', '2025-11-12T00:00:00+08:00');
    expect(typo.status).toBe('ENDED');
    const upcoming = await create('双12', '2026-12-01T00:00:00+08:00', '2026-12-13T00:00:00+08:00');
    const milestone = await server.gql(MILESTONE, { input: { campaignId: upcoming.id, name: '会场', owner: '张三', dueAt: '2026-11-28T18:00:00+08:00', completionStandard: '上线' } });
    const milestoneId = milestone.data.createMilestone.milestone.id;

    expect((await server.gql(DELETE, { id: typo.id })).data.deleteCampaign).toEqual({ campaign: { id: typo.id, name: '双11全球狂欢节' }, userErrors: [] });
    expect((await server.gql(DELETE, { id: upcoming.id })).data.deleteCampaign.userErrors).toEqual([]);
    expect((await server.gql(CAMPAIGNS)).data.campaigns).toEqual({ totalCount: 0, edges: [] });
    expect((await server.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: milestoneId })).data.node).toBeNull();
    // Gone: a second delete finds nothing.
    expect((await server.gql(DELETE, { id: typo.id })).data.deleteCampaign.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
  });

  it('keeps a campaign that orders are attributed to, and says to cancel it instead while it runs', async () => {
    const live = await create('双11', '2026-11-01T00:00:00+08:00', '2026-11-12T00:00:00+08:00');
    const [, rowId] = Buffer.from(live.id, 'base64').toString().split(':');
    await insertRollups(backend().db, [{ at: new Date('2026-11-02T10:00:00+08:00'), shopId: shopA, campaignId: rowId!, counters: { ordersPaid: 1, gmvFen: 10_000 } }]);
    const refused = await server.gql(DELETE, { id: live.id });
    expect(refused.data.deleteCampaign).toEqual({
      campaign: null,
      userErrors: [
        {
          field: ['input', 'id'],
          code: 'CONFLICT',
          message: 'orders or traffic is attributed to this campaign: it is a record and stays; cancel it instead',
          messageZh: '已有订单或流量归属此活动：它是记录，不能删除；请改为取消活动',
        },
      ],
    });
    expect((await server.gql(CAMPAIGNS)).data.campaigns.totalCount).toBe(1);
  });

  it('refuses a caller who sees only part of the campaign, and one who may only read', async () => {
    const both = await create('双12', '2026-12-01T00:00:00+08:00', '2026-12-13T00:00:00+08:00', [shopA, shopB]);
    await server.gql(`mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { userErrors { code } } }`, {
      input: { id: both.id, shopTargets: [{ shopId: gid('Shop', shopA), gmvTarget: '500000' }, { shopId: gid('Shop', shopB), gmvTarget: '500000' }] },
    });
    const operatorA = bearer(await server.createKey({ name: '甲店运营', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }));
    expect((await server.gql(DELETE, { id: both.id }, operatorA)).data.deleteCampaign.userErrors).toMatchObject([{ code: 'FORBIDDEN' }]);
    const reader = bearer(await server.createKey({ name: 'reader', scopes: ['READ'] }));
    expect((await server.gql(DELETE, { id: both.id }, reader)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(CAMPAIGNS)).data.campaigns.totalCount).toBe(1);
  });
});
