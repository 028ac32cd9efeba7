import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoEditsAtOnce } from '../../../test/backends.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { decodeGlobalUuid } from '../../graphql/node-id.js';
import { campaigns } from './campaign.table.js';

const CAMPAIGN_FIELDS = 'id name theme status startsAt endsAt gmvTarget shops { id name }';

const CREATE = /* GraphQL */ `
  mutation ($input: CreateCampaignInput!) {
    createCampaign(input: $input) { campaign { ${CAMPAIGN_FIELDS} } userErrors { field message code } }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateCampaignInput!) {
    updateCampaign(input: $input) { campaign { id status } userErrors { field code } }
  }
`;

const LIST = /* GraphQL */ `
  query ($status: CampaignStatus, $first: Int, $after: String) {
    campaigns(status: $status, first: $first, after: $after) {
      totalCount
      edges { node { name status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

// 618 in Asia/Shanghai time: 6.1 00:00 to 6.19 00:00.
const START_618 = '2026-06-01T00:00:00+08:00';
const END_618 = '2026-06-19T00:00:00+08:00';
const at = (iso: string) => new Date(iso);
const ghost = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64');

describeEachBackend('campaigns', (backend) => {
  let server: TestServer;
  let clock: Date;
  let tmall: string;
  let jd: string;

  beforeEach(async () => {
    clock = at('2026-05-20T10:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
    tmall = await openShop('天猫旗舰店', 'TMALL');
    jd = await openShop('京东自营', 'JD');
  });
  afterEach(() => server.stop());

  async function openShop(name: string, platform: string): Promise<string> {
    const result = await server.gql(`mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { id } } }`, {
      input: { name, platform },
    });
    return result.data.createShop.shop.id;
  }

  async function create(input: Record<string, unknown> = {}) {
    const result = await server.gql(CREATE, {
      input: { name: '618年中大促', startsAt: START_618, endsAt: END_618, gmvTarget: '10000000.00', shopIds: [tmall], ...input },
    });
    expect(result.errors).toBeUndefined();
    return result.data.createCampaign;
  }

  async function list(status?: string): Promise<{ name: string; status: string }[]> {
    const result = await server.gql(LIST, { status, first: 50 });
    expect(result.errors).toBeUndefined();
    return result.data.campaigns.edges.map((e: { node: { name: string; status: string } }) => e.node);
  }

  it('plans 618 across two shops with a ¥10,000,000 target that comes back exactly', async () => {
    const created = await create({ theme: '满300减50', shopIds: [tmall, jd] });
    expect(created.userErrors).toEqual([]);
    expect(created.campaign).toMatchObject({ name: '618年中大促', theme: '满300减50', gmvTarget: '10000000.00', status: 'UPCOMING' });
    expect(at(created.campaign.startsAt).getTime()).toBe(at(START_618).getTime());
    expect(at(created.campaign.endsAt).getTime()).toBe(at(END_618).getTime());
    expect(created.campaign.shops.map((s: { id: string }) => s.id).sort()).toEqual([tmall, jd].sort());

    expect(await list()).toEqual([{ name: '618年中大促', status: 'UPCOMING' }]);
  });

  it.each([
    ['ends before it starts', '2026-05-31T23:59:59+08:00'],
    ['ends the moment it starts', START_618],
    // Its plan curve, alerts and series are built hour by hour: a window of centuries would stall them.
    ['lasts more than 366 days', '9998-12-31T00:00:00Z'],
  ])('a campaign that %s is refused as an invalid window and not stored', async (_case, endsAt) => {
    const result = await create({ endsAt });
    expect(result.campaign).toBeNull();
    expect(result.userErrors).toEqual([{ field: ['input', 'endsAt'], message: expect.any(String), code: 'INVALID_WINDOW' }]);
    expect(await list()).toEqual([]);
  });

  it("reports a reversed window beside the fields' own problems, not only once they are fixed", async () => {
    const result = await create({ name: '', gmvTarget: '-1.00', endsAt: '2026-05-01T00:00:00+08:00' });
    expect(result.campaign).toBeNull();
    expect(result.userErrors.map((e: { field: string[]; code: string }) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'INVALID_INPUT'],
      ['input.gmvTarget', 'INVALID_AMOUNT'],
      ['input.endsAt', 'INVALID_WINDOW'],
    ]);
    expect(await list()).toEqual([]);
  });

  it.each([
    ['zero', '0.00'],
    ['negative', '-100.00'],
    ['finer than a fen', '100.005'],
  ])('a %s GMV target is refused as an invalid amount and not stored', async (_case, gmvTarget) => {
    const result = await create({ gmvTarget });
    expect(result.campaign).toBeNull();
    expect(result.userErrors).toEqual([{ field: ['input', 'gmvTarget'], message: expect.any(String), code: 'INVALID_AMOUNT' }]);
    expect(await list()).toEqual([]);
  });

  it('a campaign may last a whole year, not more; one stored longer before the bound stays editable and readable', async () => {
    const result = await create({ startsAt: '2026-01-01T00:00:00+08:00', endsAt: '2027-01-02T00:00:00+08:00' });
    expect(result.userErrors).toEqual([]);
    const { db } = backend();
    await db.execute(sql`update campaigns set ends_at = '2030-01-01T00:00:00Z'`);
    const cancelled = await server.gql(`mutation ($id: ID!) { updateCampaign(input: { id: $id, cancelled: true }) { campaign { status } userErrors { code } } }`, { id: result.campaign.id });
    expect(cancelled.data.updateCampaign).toEqual({ campaign: { status: 'CANCELLED' }, userErrors: [] });
    const figures = await server.gql(`query ($id: ID!) { campaign(id: $id) { metrics { gmv } } }`, { id: result.campaign.id });
    expect(figures.data.campaign.metrics).toEqual({ gmv: '0.00' });
  });

  it.each([
    ['a weight past 1,000,000', [1e300, ...Array(23).fill(0)], 'weights are relative: at most 1000000', '权重是相对值：最大 1000000'],
    ['a negative weight', [-1, ...Array(23).fill(1)], 'weights cannot be negative', '权重不能为负'],
    ['23 weights', Array(23).fill(1), 'give one weight per hour of day (24)', '每个小时给一个权重（共 24 个）'],
  ])('an hourly shape with %s is refused and not stored', async (_case, hourlyShape, message, messageZh) => {
    const result = await create({ hourlyShape });
    expect(result.campaign).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ field: expect.arrayContaining(['input', 'hourlyShape']), message })]);
    const inChinese = await server.gql(
      `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { userErrors { message messageZh: message(locale: ZH_CN) } } }`,
      { input: { name: '618年中大促', startsAt: START_618, endsAt: END_618, gmvTarget: '10000000.00', shopIds: [tmall], hourlyShape } },
    );
    expect(inChinese.data.createCampaign.userErrors).toEqual([{ message, messageZh }]);
    expect(await list()).toEqual([]);
  });

  it('an unknown shop is reported at its position in the list and nothing is stored', async () => {
    const result = await create({ shopIds: [tmall, jd, ghost('Shop')] });
    expect(result).toEqual({
      campaign: null,
      userErrors: [{ field: ['input', 'shopIds', '2'], message: 'Shop not found', code: 'NOT_FOUND' }],
    });
    expect(await list()).toEqual([]);
  });

  it('status follows the clock: upcoming before the window, active inside it, ended from its end', async () => {
    const { campaign } = await create();
    const statusAt = async (iso: string) => {
      clock = at(iso);
      const result = await server.gql(`query ($id: ID!) { campaign(id: $id) { status } }`, { id: campaign.id });
      return result.data.campaign.status;
    };
    expect(await statusAt('2026-05-31T23:59:59.999+08:00')).toBe('UPCOMING');
    expect(await statusAt(START_618)).toBe('ACTIVE');
    expect(await statusAt('2026-06-18T23:59:59.999+08:00')).toBe('ACTIVE');
    expect(await statusAt(END_618)).toBe('ENDED');
  });

  it('filters campaigns by the status they have now, with cancelled ones apart', async () => {
    clock = at('2026-06-10T12:00:00+08:00');
    await create({ name: '年货节', startsAt: '2026-01-10T00:00:00+08:00', endsAt: '2026-01-25T00:00:00+08:00' });
    await create({ name: '618年中大促' });
    await create({ name: '双11', startsAt: '2026-10-20T20:00:00+08:00', endsAt: '2026-11-12T00:00:00+08:00' });
    const { campaign: cancelled } = await create({ name: '夏日清仓', startsAt: '2026-06-05T00:00:00+08:00', endsAt: '2026-06-15T00:00:00+08:00' });
    expect((await server.gql(UPDATE, { input: { id: cancelled.id, cancelled: true } })).data.updateCampaign).toEqual({
      campaign: { id: cancelled.id, status: 'CANCELLED' },
      userErrors: [],
    });

    expect(await list('ACTIVE')).toEqual([{ name: '618年中大促', status: 'ACTIVE' }]);
    expect(await list('UPCOMING')).toEqual([{ name: '双11', status: 'UPCOMING' }]);
    expect(await list('ENDED')).toEqual([{ name: '年货节', status: 'ENDED' }]);
    expect(await list('CANCELLED')).toEqual([{ name: '夏日清仓', status: 'CANCELLED' }]);

    // The moment 618 ends the same query answers differently: nothing is stored as "active".
    clock = at(END_618);
    expect(await list('ACTIVE')).toEqual([]);
    expect((await list('ENDED')).map((c) => c.name)).toEqual(['618年中大促', '年货节']);
  });

  it('a cancelled campaign can be reinstated and takes its clock status again', async () => {
    clock = at('2026-06-10T12:00:00+08:00');
    const { campaign } = await create();
    await server.gql(UPDATE, { input: { id: campaign.id, cancelled: true } });
    expect(await list('ACTIVE')).toEqual([]);

    const reinstated = await server.gql(UPDATE, { input: { id: campaign.id, cancelled: false } });
    expect(reinstated.data.updateCampaign.campaign.status).toBe('ACTIVE');
    expect(await list('CANCELLED')).toEqual([]);
    expect(await list('ACTIVE')).toEqual([{ name: '618年中大促', status: 'ACTIVE' }]);
  });

  it('moving the end before the start is refused and the window is kept', async () => {
    const { campaign } = await create();
    const result = await server.gql(UPDATE, { input: { id: campaign.id, endsAt: '2026-05-01T00:00:00+08:00' } });
    expect(result.data.updateCampaign).toEqual({ campaign: null, userErrors: [{ field: ['input', 'endsAt'], code: 'INVALID_WINDOW' }] });
    const stored = await server.gql(`query ($id: ID!) { campaign(id: $id) { endsAt } }`, { id: campaign.id });
    expect(at(stored.data.campaign.endsAt).getTime()).toBe(at(END_618).getTime());
  });

  it('an ended campaign keeps the target, window and shops its retrospective judged; its name can still be corrected', async () => {
    const { campaign } = await create();
    // Still under way at its last millisecond: the target may be raised mid-campaign.
    clock = at('2026-06-18T23:59:59.999+08:00');
    expect((await server.gql(UPDATE, { input: { id: campaign.id, gmvTarget: '12000000.00' } })).data.updateCampaign.userErrors).toEqual([]);

    clock = at(END_618);
    const lowered = await server.gql(UPDATE, {
      input: { id: campaign.id, gmvTarget: '5000000.00', endsAt: '2026-06-25T00:00:00+08:00', shopIds: [tmall, jd], hourlyShape: Array(24).fill(1), name: null },
    });
    expect(lowered.data.updateCampaign).toEqual({
      campaign: null,
      userErrors: [
        { field: ['input', 'endsAt'], code: 'CAMPAIGN_ENDED' },
        { field: ['input', 'gmvTarget'], code: 'CAMPAIGN_ENDED' },
        { field: ['input', 'shopIds'], code: 'CAMPAIGN_ENDED' },
        { field: ['input', 'hourlyShape'], code: 'CAMPAIGN_ENDED' },
      ],
    });
    const cancelled = await server.gql(UPDATE, { input: { id: campaign.id, cancelled: true } });
    expect(cancelled.data.updateCampaign.userErrors).toEqual([{ field: ['input', 'cancelled'], code: 'CAMPAIGN_ENDED' }]);
    const inChinese = await server.gql(
      `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { userErrors { code message messageZh: message(locale: ZH_CN) } } }`,
      { input: { id: campaign.id, cancelled: true } },
    );
    expect(inChinese.data.updateCampaign.userErrors).toEqual([
      {
        code: 'CAMPAIGN_ENDED',
        message: 'the campaign ended at 2026-06-18T16:00:00.000Z: its cancelled is part of its record and cannot change',
        messageZh: '活动已于 2026-06-19 00:00:00（北京时间）结束：cancelled 属于活动记录，不能再改',
      },
    ]);

    // A form sent back whole, the record as stored and a new name: only the name changes.
    const resent = await server.gql(UPDATE, {
      input: { id: campaign.id, name: '618年中大促 ', startsAt: START_618, endsAt: END_618, gmvTarget: '12000000.00', shopIds: [tmall, tmall], hourlyShape: null, cancelled: false },
    });
    expect(resent.data.updateCampaign).toEqual({ campaign: { id: campaign.id, status: 'ENDED' }, userErrors: [] });
    const renamed = await server.gql(UPDATE, { input: { id: campaign.id, name: '618年中大促（复盘）', theme: '满300减50' } });
    expect(renamed.data.updateCampaign).toEqual({ campaign: { id: campaign.id, status: 'ENDED' }, userErrors: [] });
    const stored = await server.gql(`query ($id: ID!) { campaign(id: $id) { name theme gmvTarget endsAt shops { id } } }`, { id: campaign.id });
    expect(stored.data.campaign).toMatchObject({ name: '618年中大促（复盘）', theme: '满300减50', gmvTarget: '12000000.00', shops: [{ id: tmall }] });
    expect(at(stored.data.campaign.endsAt).getTime()).toBe(at(END_618).getTime());
  });

  it('plans a target conversion: the manuals’ 3 % unless set, exact to a hundredth of a percent, refused out of range with nothing changed', async () => {
    const target = async (id: string) => (await server.gql(`query ($id: ID!) { campaign(id: $id) { conversionTarget } }`, { id })).data.campaign.conversionTarget;
    const plain = (await create()).campaign;
    expect(await target(plain.id)).toBe(0.03);
    expect(await target((await create({ conversionTarget: 0.0325 })).campaign.id)).toBe(0.0325);
    expect(await target((await create({ conversionTarget: null })).campaign.id)).toBeNull();

    const edit = (conversionTarget: unknown) => server.gql(
      `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { conversionTarget } userErrors { field code message messageZh: message(locale: ZH_CN) } } }`,
      { input: { id: plain.id, conversionTarget } },
    );
    expect((await edit(0.08)).data.updateCampaign).toEqual({ campaign: { conversionTarget: 0.08 }, userErrors: [] });
    for (const [bad, zh] of [
      [0, '目标转化率必须大于 0'],
      [1.5, '目标转化率是比率：最大 1（100%）'],
      [0.03251, '目标转化率最多精确到百分比的两位小数（0.0325 = 3.25%）'],
    ] as const) {
      const refused = (await edit(bad)).data.updateCampaign;
      expect(refused.campaign).toBeNull();
      expect(refused.userErrors).toMatchObject([{ field: ['input', 'conversionTarget'], code: 'INVALID_INPUT', messageZh: zh }]);
    }
    expect(await target(plain.id)).toBe(0.08);
    expect((await edit(null)).data.updateCampaign).toEqual({ campaign: { conversionTarget: null }, userErrors: [] });

    // Who may set it: a read-only key of the shop is refused; a partner of another shop finds no campaign.
    const shopUuid = decodeGlobalUuid('Shop', tmall)!;
    const reader = bearer(await server.createKey({ shopIds: [shopUuid], scopes: ['READ'] }));
    const readOnly = await server.gql(UPDATE, { input: { id: plain.id, conversionTarget: 0.5 } }, reader);
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreign = bearer(await server.createKey({ shopIds: [decodeGlobalUuid('Shop', jd)!], scopes: ['READ', 'MANAGE'] }));
    const elsewhere = await server.gql(UPDATE, { input: { id: plain.id, conversionTarget: 0.5 } }, foreign);
    expect(elsewhere.data.updateCampaign.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND' }]);
    expect((await server.gql(`query ($id: ID!) { campaign(id: $id) { conversionTarget } }`, { id: plain.id }, foreign)).data.campaign).toBeNull();
    expect(await target(plain.id)).toBeNull();

    // Once ended, the target its 复盘 judged by is part of its record.
    await edit(0.03);
    clock = at(END_618);
    expect((await edit(0.02)).data.updateCampaign.userErrors).toMatchObject([{ field: ['input', 'conversionTarget'], code: 'CAMPAIGN_ENDED' }]);
    expect((await edit(0.03)).data.updateCampaign.userErrors).toEqual([]);
    expect(await target(plain.id)).toBe(0.03);
  });

  it('two edits moving each end of the window at once cannot leave it ending before it starts', async () => {
    const { campaign } = await create();
    const id = decodeGlobalUuid('Campaign', campaign.id)!;
    // The finale moved earlier and the start moved later: each valid against the window as it was.
    const edit = async (input: Record<string, unknown>) => (await server.gql(UPDATE, { input: { id: campaign.id, ...input } })).data.updateCampaign;
    const [shortened, postponed] = await twoEditsAtOnce(
      backend(),
      (tx) => tx.select().from(campaigns).where(eq(campaigns.id, id)).for('update'),
      () => edit({ endsAt: '2026-06-10T00:00:00+08:00' }),
      () => edit({ startsAt: '2026-06-12T00:00:00+08:00' }),
    );
    expect(shortened.userErrors).toEqual([]);
    expect(postponed).toEqual({ campaign: null, userErrors: [{ field: ['input', 'endsAt'], code: 'INVALID_WINDOW' }] });
    const stored = await server.gql(`query ($id: ID!) { campaign(id: $id) { startsAt endsAt } }`, { id: campaign.id });
    expect(at(stored.data.campaign.startsAt).getTime()).toBe(at(START_618).getTime());
    expect(at(stored.data.campaign.endsAt).getTime()).toBe(at('2026-06-10T00:00:00+08:00').getTime());
  });

  it('lists the latest start first and pages through with cursors, none skipped or repeated', async () => {
    const starts = ['2026-03-08', '2026-11-01', '2026-06-01', '2026-01-10', '2026-09-09'];
    for (const day of starts) {
      await create({ name: `活动 ${day}`, startsAt: `${day}T00:00:00+08:00`, endsAt: `${day}T23:00:00+08:00` });
    }
    const names: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      // any: the page shape is checked by the assertions below
      const page: { data?: any } = await server.gql(LIST, { first: 2, after });
      expect(page.data.campaigns.totalCount).toBe(5);
      names.push(...page.data.campaigns.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!page.data.campaigns.pageInfo.hasNextPage) break;
      after = page.data.campaigns.pageInfo.endCursor;
    }
    expect(names).toEqual([...starts].sort().reverse().map((day) => `活动 ${day}`));
  });

  it('opens one campaign by id with its milestones, and an unknown id finds nothing', async () => {
    const { campaign } = await create({ shopIds: [tmall, jd] });
    for (const name of ['会场上线', '预售开启']) {
      const made = await server.gql(
        `mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { userErrors { code } } }`,
        { input: { campaignId: campaign.id, name, owner: '王运营', dueAt: '2026-05-25T18:00:00+08:00', completionStandard: '页面3秒内打开' } },
      );
      expect(made.data.createMilestone.userErrors).toEqual([]);
    }

    const result = await server.gql(
      `query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} milestones { name owner completionStandard campaign { id } } } }`,
      { id: campaign.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.campaign).toMatchObject({ id: campaign.id, name: '618年中大促', gmvTarget: '10000000.00', status: 'UPCOMING' });
    expect(result.data.campaign.milestones.map((m: { name: string }) => m.name).sort()).toEqual(['会场上线', '预售开启']);
    expect(result.data.campaign.milestones[0]).toMatchObject({ owner: '王运营', completionStandard: '页面3秒内打开', campaign: { id: campaign.id } });

    const missing = await server.gql(`query ($id: ID!) { campaign(id: $id) { id } }`, { id: ghost('Campaign') });
    expect(missing.errors).toBeUndefined();
    expect(missing.data).toEqual({ campaign: null });
  });
});
