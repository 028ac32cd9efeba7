import { randomUUID } from 'node:crypto';
import { asc, count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoCreatesAtOnce, twoEditsAtOnce } from '../../../test/backends.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import type { DbOrTx } from '../../db/client.js';
import { decodeGlobalUuid } from '../../graphql/node-id.js';
import { campaignMilestones } from './campaign.table.js';
import { milestoneChanges } from './milestone-changes.table.js';
import { MAX_MILESTONES_PER_CAMPAIGN } from './milestone.service.js';

const MILESTONE_FIELDS = /* GraphQL */ `
  id name owner dueAt completionStandard status riskLevel responsePlan
  highRiskSince responsePlanDueAt responsePlanOverdue overdue completedAt
`;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateMilestoneInput!) {
    createMilestone(input: $input) { milestone { ${MILESTONE_FIELDS} } userErrors { field message code } }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateMilestoneInput!) {
    updateMilestone(input: $input) { milestone { ${MILESTONE_FIELDS} } userErrors { field message code } }
  }
`;

const HOUR = 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);
/** DateTime outputs as epoch milliseconds, so the comparison does not depend on the offset printed. */
const ms = (value: string | null) => (value === null ? null : new Date(value).getTime());

describeEachBackend('campaign milestones', (backend) => {
  let server: TestServer;
  let clock: Date;
  let campaignId: string;
  let shopId: string;

  beforeEach(async () => {
    clock = at('2026-05-20T09:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
    const shop = await server.gql(`mutation { createShop(input: { name: "天猫旗舰店", platform: TMALL }) { shop { id } } }`);
    shopId = shop.data.createShop.shop.id;
    const campaign = await server.gql(
      `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
      {
        input: {
          name: '618年中大促',
          startsAt: '2026-06-01T00:00:00+08:00',
          endsAt: '2026-06-19T00:00:00+08:00',
          gmvTarget: '10000000.00',
          shopIds: [shopId],
        },
      },
    );
    campaignId = campaign.data.createCampaign.campaign.id;
  });
  afterEach(() => server.stop());

  /** createMilestone as the admin key, or as `headers` say, whatever the answer. */
  function attempt(input: Record<string, unknown> = {}, headers?: Record<string, string>) {
    return server.gql(
      CREATE,
      { input: { campaignId, name: '会场页上线', owner: '李设计', dueAt: '2026-05-28T18:00:00+08:00', completionStandard: '页面3秒内打开', ...input } },
      headers,
    );
  }

  async function create(input: Record<string, unknown> = {}) {
    const result = await attempt(input);
    expect(result.errors).toBeUndefined();
    expect(result.data.createMilestone.userErrors).toEqual([]);
    return result.data.createMilestone.milestone;
  }

  async function update(input: Record<string, unknown>) {
    const result = await server.gql(UPDATE, { input });
    expect(result.errors).toBeUndefined();
    return result.data.updateMilestone;
  }

  /** Reads a milestone afresh, as the war room would at the current clock. */
  async function read(id: string) {
    const result = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Milestone { ${MILESTONE_FIELDS} } } }`, { id });
    expect(result.errors).toBeUndefined();
    return result.data.node;
  }

  it('a due time at either end of the days taken reads back to the millisecond; one before them is refused', async () => {
    const milestone = await create();
    const early = await server.gql(`mutation { updateMilestone(input: { id: "${milestone.id}", dueAt: "0050-06-01T00:00:00Z" }) { userErrors { code } } }`);
    expect(early.errors?.[0]).toMatchObject({ message: expect.stringContaining('from 2000-01-01 to 9998-12-31'), extensions: { code: 'BAD_USER_INPUT' } });
    for (const dueAt of ['1999-12-31T16:00:00.000Z', '2000-06-01T00:00:00.000Z', '9998-12-31T15:59:59.999Z']) {
      const updated = await update({ id: milestone.id, dueAt });
      expect(updated.userErrors).toEqual([]);
      expect(updated.milestone.dueAt).toBe(dueAt);
      expect((await read(milestone.id)).dueAt).toBe(dueAt);
    }
  });

  it('a new milestone starts not started, without risk, and is listed soonest due first', async () => {
    const first = await create({ name: '预售开启', dueAt: '2026-05-25T20:00:00+08:00' });
    expect(first).toMatchObject({
      name: '预售开启',
      owner: '李设计',
      completionStandard: '页面3秒内打开',
      status: 'NOT_STARTED',
      riskLevel: 'NONE',
      responsePlan: null,
      highRiskSince: null,
      responsePlanDueAt: null,
      responsePlanOverdue: false,
      overdue: false,
      completedAt: null,
    });
    expect(ms(first.dueAt)).toBe(at('2026-05-25T20:00:00+08:00').getTime());

    await create({ name: '压测完成', dueAt: '2026-05-30T12:00:00+08:00' });
    await create({ name: '选品确认', dueAt: '2026-05-21T10:00:00+08:00' });
    const campaign = await server.gql(`query ($id: ID!) { campaign(id: $id) { milestones { name } } }`, { id: campaignId });
    expect(campaign.data.campaign.milestones.map((m: { name: string }) => m.name)).toEqual(['选品确认', '预售开启', '压测完成']);
  });

  it('raising a risk to HIGH without a response plan starts a 24-hour clock that turns overdue', async () => {
    const milestone = await create();
    clock = at('2026-05-21T14:30:00+08:00');
    const raised = await update({ id: milestone.id, riskLevel: 'HIGH' });
    expect(raised.userErrors).toEqual([]);
    expect(raised.milestone.riskLevel).toBe('HIGH');
    expect(ms(raised.milestone.highRiskSince)).toBe(clock.getTime());
    expect(ms(raised.milestone.responsePlanDueAt)).toBe(clock.getTime() + 24 * HOUR);
    expect(raised.milestone.responsePlanOverdue).toBe(false);

    clock = at('2026-05-22T14:30:00+08:00'); // exactly 24 h later: still in time
    expect((await read(milestone.id)).responsePlanOverdue).toBe(false);
    clock = at('2026-05-22T14:30:00.001+08:00');
    expect((await read(milestone.id)).responsePlanOverdue).toBe(true);

    // A later edit that keeps the risk HIGH does not restart the clock.
    const renamed = await update({ id: milestone.id, owner: '张主管' });
    expect(ms(renamed.milestone.highRiskSince)).toBe(at('2026-05-21T14:30:00+08:00').getTime());
    expect(renamed.milestone.responsePlanOverdue).toBe(true);
  });

  it('adding a response plan clears the due date and the overdue flag', async () => {
    const milestone = await create({ riskLevel: 'HIGH' });
    expect(ms(milestone.highRiskSince)).toBe(clock.getTime());
    expect(ms(milestone.responsePlanDueAt)).toBe(clock.getTime() + 24 * HOUR);

    clock = new Date(clock.getTime() + 30 * HOUR);
    expect((await read(milestone.id)).responsePlanOverdue).toBe(true);

    const planned = await update({ id: milestone.id, responsePlan: '备用CDN切换，运维值守' });
    expect(planned.userErrors).toEqual([]);
    expect(planned.milestone).toMatchObject({
      riskLevel: 'HIGH',
      responsePlan: '备用CDN切换，运维值守',
      responsePlanDueAt: null,
      responsePlanOverdue: false,
    });
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
  ])('clearing the response plan of a HIGH risk with %s is refused and the plan is kept', async (_case, responsePlan) => {
    const milestone = await create({ riskLevel: 'HIGH', responsePlan: '扩容两倍' });

    const cleared = await update({ id: milestone.id, responsePlan, owner: '新负责人' });
    expect(cleared.milestone).toBeNull();
    expect(cleared.userErrors).toEqual([
      { field: ['input', 'responsePlan'], message: expect.any(String), code: 'RESPONSE_PLAN_REQUIRED' },
    ]);
    expect(await read(milestone.id)).toMatchObject({ riskLevel: 'HIGH', responsePlan: '扩容两倍', owner: '李设计' });

    // Once the risk is lowered the plan may go, and the HIGH-risk clock stops.
    const lowered = await update({ id: milestone.id, riskLevel: 'LOW', responsePlan });
    expect(lowered.userErrors).toEqual([]);
    expect(lowered.milestone).toMatchObject({ riskLevel: 'LOW', responsePlan: null, highRiskSince: null, responsePlanDueAt: null });
  });

  it('tells every instance of each committed change once, and of a refused change nothing', async () => {
    const heard: string[] = [];
    const feed = server.app.pubsub.subscribe('milestone:changed');
    const listening = (async () => {
      for await (const m of feed) heard.push(`${m.change}:${String(m.milestone.owner)}`);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the listener attaches as the iterator starts
    const milestone = await create({ riskLevel: 'HIGH', responsePlan: '扩容两倍' });
    expect((await update({ id: milestone.id, responsePlan: '', owner: '新负责人' })).userErrors).toHaveLength(1);
    expect((await update({ id: milestone.id, owner: '王运营' })).userErrors).toEqual([]);
    await expect.poll(() => heard).toEqual(['CREATED:李设计', 'UPDATED:王运营']);
    await feed.return?.();
    await listening;
  });

  /** Holds the milestone's row, as an edit in progress does. */
  const holdMilestone = (id: string) => (tx: DbOrTx) =>
    tx.select().from(campaignMilestones).where(eq(campaignMilestones.id, decodeGlobalUuid('Milestone', id)!)).for('update');

  it('a response plan saved while someone else renames the HIGH-risk milestone is kept', async () => {
    const milestone = await create({ riskLevel: 'HIGH' });
    const [planned, renamed] = await twoEditsAtOnce(
      backend(),
      holdMilestone(milestone.id),
      () => update({ id: milestone.id, responsePlan: '备用CDN切换，运维值守' }),
      () => update({ id: milestone.id, name: '会场页上线（终版）' }),
    );
    expect(planned.userErrors).toEqual([]);
    expect(renamed.userErrors).toEqual([]);

    // The rename starts from the saved plan: it neither puts the plan back to none nor restarts the clock.
    const expected = { name: '会场页上线（终版）', riskLevel: 'HIGH', responsePlan: '备用CDN切换，运维值守', responsePlanDueAt: null };
    expect(renamed.milestone).toMatchObject(expected);
    const stored = await read(milestone.id);
    expect(stored).toMatchObject({ ...expected, responsePlanOverdue: false });
    expect(ms(stored.highRiskSince)).toBe(ms(milestone.highRiskSince));
  });

  it('two people marking a milestone done at once record one completion in its history', async () => {
    const milestone = await create({ status: 'IN_PROGRESS' });
    clock = at('2026-05-28T17:00:00+08:00');
    const [first, second] = await twoEditsAtOnce(
      backend(),
      holdMilestone(milestone.id),
      () => update({ id: milestone.id, status: 'DONE' }),
      () => update({ id: milestone.id, status: 'DONE', actualSituation: '页面2.1秒打开，达标' }),
    );
    expect(first.milestone).toMatchObject({ status: 'DONE' });
    expect(second.milestone).toMatchObject({ status: 'DONE' });
    expect(ms(second.milestone.completedAt)).toBe(clock.getTime());

    const id = decodeGlobalUuid('Milestone', milestone.id)!;
    const history = await backend()
      .db.select({ status: milestoneChanges.status, riskLevel: milestoneChanges.riskLevel })
      .from(milestoneChanges)
      .where(eq(milestoneChanges.milestoneId, id))
      .orderBy(asc(milestoneChanges.changedAt));
    expect(history).toEqual([
      { status: 'IN_PROGRESS', riskLevel: 'NONE' },
      { status: 'DONE', riskLevel: 'NONE' },
    ]);
  });

  it('a risk raised to HIGH again gets a fresh 24 hours', async () => {
    const milestone = await create({ riskLevel: 'HIGH' });
    clock = new Date(clock.getTime() + 2 * HOUR);
    await update({ id: milestone.id, riskLevel: 'MEDIUM' });
    clock = new Date(clock.getTime() + 48 * HOUR);
    const again = await update({ id: milestone.id, riskLevel: 'HIGH' });
    expect(ms(again.milestone.highRiskSince)).toBe(clock.getTime());
    expect(ms(again.milestone.responsePlanDueAt)).toBe(clock.getTime() + 24 * HOUR);
    expect(again.milestone.responsePlanOverdue).toBe(false);
  });

  it('is overdue once past its due time unless it is done, and DONE records when', async () => {
    const milestone = await create({ dueAt: '2026-05-28T18:00:00+08:00', status: 'IN_PROGRESS' });
    clock = at('2026-05-28T18:00:00+08:00');
    expect((await read(milestone.id)).overdue).toBe(false);
    clock = at('2026-05-28T18:00:01+08:00');
    expect((await read(milestone.id)).overdue).toBe(true);

    clock = at('2026-05-29T09:15:00+08:00');
    const done = await update({ id: milestone.id, status: 'DONE' });
    expect(done.milestone).toMatchObject({ status: 'DONE', overdue: false });
    expect(ms(done.milestone.completedAt)).toBe(clock.getTime());

    // Editing a done milestone keeps the moment it was completed.
    clock = at('2026-05-30T09:00:00+08:00');
    const edited = await update({ id: milestone.id, completionStandard: '页面2秒内打开' });
    expect(ms(edited.milestone.completedAt)).toBe(at('2026-05-29T09:15:00+08:00').getTime());

    // Reopened, it is no longer complete and is overdue again.
    const reopened = await update({ id: milestone.id, status: 'IN_PROGRESS' });
    expect(reopened.milestone).toMatchObject({ status: 'IN_PROGRESS', completedAt: null, overdue: true });
  });

  it('once the campaign has ended its milestones keep their due times and none is added; a late one can still be marked done', async () => {
    const milestone = await create({ dueAt: '2026-06-10T18:00:00+08:00', status: 'IN_PROGRESS' });
    clock = at('2026-06-19T00:00:00+08:00'); // the campaign's end
    expect(await update({ id: milestone.id, dueAt: '2026-06-25T18:00:00+08:00' })).toEqual({
      milestone: null,
      userErrors: [{ field: ['input', 'dueAt'], message: expect.stringContaining('keep their due times'), code: 'CAMPAIGN_ENDED' }],
    });
    const inChinese = await server.gql(
      `mutation ($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { userErrors { messageZh: message(locale: ZH_CN) } } }`,
      { input: { id: milestone.id, dueAt: '2026-06-25T18:00:00+08:00' } },
    );
    expect(inChinese.data.updateMilestone.userErrors).toEqual([
      { messageZh: '活动已于 2026-06-19 00:00:00（北京时间）结束：关键节点保留原截止时间，复盘按关键节点当时的状态评判' },
    ]);
    const added = await attempt({ name: '复盘后补节点', dueAt: '2026-06-18T18:00:00+08:00', status: 'DONE' });
    expect(added.data.createMilestone).toEqual({
      milestone: null,
      userErrors: [{ field: ['input', 'campaignId'], message: expect.stringContaining('no milestone can be added'), code: 'CAMPAIGN_ENDED' }],
    });

    // Sending the due time it already has is no move; finishing it late is recorded as late.
    const done = await update({ id: milestone.id, dueAt: '2026-06-10T18:00:00+08:00', status: 'DONE', actualSituation: '延期完成' });
    expect(done.userErrors).toEqual([]);
    expect(ms(done.milestone.dueAt)).toBe(at('2026-06-10T18:00:00+08:00').getTime());
    expect(ms(done.milestone.completedAt)).toBe(clock.getTime());

    // Done once the campaign has ended, it stays done: reopening or re-risking it would erase the
    // completion time the retrospective reads and raise alerts months on. Its 实际情况 stays editable.
    clock = at('2026-12-07T09:00:00+08:00');
    for (const [change, field] of [[{ status: 'IN_PROGRESS' }, 'status'], [{ riskLevel: 'HIGH', responsePlan: '加人' }, 'riskLevel']] as const) {
      const refused = await update({ id: milestone.id, ...change });
      expect(refused).toEqual({ milestone: null, userErrors: [{ field: ['input', field], message: expect.stringContaining('stays done'), code: 'CAMPAIGN_ENDED' }] });
    }
    const noted = await update({ id: milestone.id, actualSituation: '复盘：外包到岗晚 2 天' });
    expect(noted.userErrors).toEqual([]);
    expect(noted.milestone).toMatchObject({ status: 'DONE' });
    expect(ms(noted.milestone.completedAt)).toBe(at('2026-06-19T00:00:00+08:00').getTime());
  });

  it('a milestone created as DONE is complete from the start and never overdue', async () => {
    const milestone = await create({ status: 'DONE', dueAt: '2026-05-19T18:00:00+08:00' });
    expect(ms(milestone.completedAt)).toBe(clock.getTime());
    expect(milestone.overdue).toBe(false);
  });

  it('an unknown campaign or milestone is reported as not found and nothing is stored', async () => {
    const ghost = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64');
    const orphan = await server.gql(CREATE, {
      input: { campaignId: ghost('Campaign'), name: 'x', owner: 'y', dueAt: '2026-05-28T18:00:00+08:00', completionStandard: 'z' },
    });
    expect(orphan.data.createMilestone).toEqual({
      milestone: null,
      userErrors: [{ field: ['input', 'campaignId'], message: 'Campaign not found', code: 'NOT_FOUND' }],
    });
    const campaign = await server.gql(`query ($id: ID!) { campaign(id: $id) { milestones { id } } }`, { id: campaignId });
    expect(campaign.data.campaign.milestones).toEqual([]);

    const missing = await update({ id: ghost('Milestone'), status: 'DONE' });
    expect(missing).toEqual({ milestone: null, userErrors: [{ field: ['input', 'id'], message: 'Milestone not found', code: 'NOT_FOUND' }] });
  });

  /** Milestones written straight into the table, as a campaign that gathered them over weeks would have. */
  async function fillCampaign(n: number) {
    const id = decodeGlobalUuid('Campaign', campaignId)!;
    const due = at('2026-05-28T18:00:00+08:00');
    const rows = Array.from({ length: n }, (_, i) => ({ campaignId: id, name: `节点 ${i + 1}`, owner: '李设计', dueAt: due, completionStandard: '按时完成' }));
    await backend().db.insert(campaignMilestones).values(rows);
  }

  async function listedMilestones(): Promise<number> {
    const result = await server.gql(`query ($id: ID!) { campaign(id: $id) { milestones { id } } }`, { id: campaignId });
    expect(result.errors).toBeUndefined();
    return result.data.campaign.milestones.length;
  }

  const LIMIT_REACHED = { field: ['input', 'campaignId'], message: `a campaign has at most ${MAX_MILESTONES_PER_CAMPAIGN} milestones`, code: 'LIMIT_REACHED' };

  it(`a campaign takes its ${MAX_MILESTONES_PER_CAMPAIGN}th milestone and refuses one more with LIMIT_REACHED, storing nothing of it`, async () => {
    await fillCampaign(MAX_MILESTONES_PER_CAMPAIGN - 1);
    await create({ name: '大促复盘会' });
    const refused = await attempt({ name: '多出来的节点' });
    expect(refused.errors).toBeUndefined();
    expect(refused.data.createMilestone).toEqual({ milestone: null, userErrors: [LIMIT_REACHED] });
    expect(await listedMilestones()).toBe(MAX_MILESTONES_PER_CAMPAIGN);
    // Only the accepted create wrote a first risk-history row (the filled ones were written without).
    const [history] = await backend().db.select({ n: count() }).from(milestoneChanges);
    expect(history!.n).toBe(1);
  });

  it('two milestones added at once with room for one: exactly one is stored', async () => {
    await fillCampaign(MAX_MILESTONES_PER_CAMPAIGN - 1);
    const results = await twoCreatesAtOnce(backend(), 'campaign_milestones', () => attempt({ name: '甲' }), () => attempt({ name: '乙' }));
    const errors = results.map((r) => r.data.createMilestone.userErrors);
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    expect(errors.filter((e) => e.length > 0)).toEqual([[LIMIT_REACHED]]);
    expect(await listedMilestones()).toBe(MAX_MILESTONES_PER_CAMPAIGN);
  });

  it('at the cap, a partner of another shop and a read-only key are refused as before, without word of the cap', async () => {
    await fillCampaign(MAX_MILESTONES_PER_CAMPAIGN);
    const otherShop = await server.gql(`mutation { createShop(input: { name: "京东自营店", platform: JD }) { shop { id } } }`);
    const foreignPartner = bearer(await server.createKey({ shopIds: [decodeGlobalUuid('Shop', otherShop.data.createShop.shop.id)!], scopes: ['READ', 'MANAGE'] }));
    const foreign = await attempt({}, foreignPartner);
    expect(foreign.data.createMilestone.userErrors).toEqual([{ field: ['input', 'campaignId'], message: 'Campaign not found', code: 'NOT_FOUND' }]);

    const reader = bearer(await server.createKey({ shopIds: [decodeGlobalUuid('Shop', shopId)!], scopes: ['READ'] }));
    const readOnly = await attempt({}, reader);
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(readOnly.data).toBeNull();
    expect(await listedMilestones()).toBe(MAX_MILESTONES_PER_CAMPAIGN);
  });
});
