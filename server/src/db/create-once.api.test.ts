import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoCreatesAtOnce } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { campaignMilestones, campaigns, creationRequests, operationPlans, planTasks } from './tables.js';

const CREATE_CAMPAIGN = `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id name } userErrors { code field message } } }`;
const CREATE_MILESTONE = `mutation ($i: CreateMilestoneInput!) { createMilestone(input: $i) { milestone { id name } userErrors { code field message } } }`;
const CREATE_PLAN = `mutation ($i: CreatePlanInput!) { createPlan(input: $i) { plan { id } userErrors { code field } } }`;
const CREATE_TASK = `mutation ($i: CreatePlanTaskInput!) { createPlanTask(input: $i) { task { id } userErrors { code field } } }`;

describeEachBackend('creates with a requestId happen once', (backend) => {
  let server: TestServer;
  let shop: string;
  const clock = new Date('2026-11-01T09:00:00+08:00');

  beforeEach(async () => {
    shop = gid('Shop', (await insertShop(backend().db, '甲店')).id);
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const campaignInput = (extra: Record<string, unknown> = {}) => ({
    name: '双12', shopIds: [shop], startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '1000000.00', requestId: 'tap-1', ...extra,
  });
  const rowsOf = async (table: typeof campaigns | typeof campaignMilestones | typeof operationPlans | typeof planTasks) => (await backend().db.select({ n: count() }).from(table))[0]!.n;

  it('a campaign sent twice with one requestId (a double tap) is made once and both answers name it', async () => {
    const first = (await server.gql(CREATE_CAMPAIGN, { i: campaignInput() })).data.createCampaign;
    const again = (await server.gql(CREATE_CAMPAIGN, { i: campaignInput() })).data.createCampaign;
    expect(first.userErrors).toEqual([]);
    expect(again).toEqual(first);
    expect(await rowsOf(campaigns)).toBe(1);
    // Without a requestId nothing is held back: two sends are two campaigns, as before.
    const { requestId: _none, ...plain } = campaignInput();
    await server.gql(CREATE_CAMPAIGN, { i: plain });
    await server.gql(CREATE_CAMPAIGN, { i: plain });
    expect(await rowsOf(campaigns)).toBe(3);
  });

  it('the same requestId with other input is refused (CONFLICT) and makes nothing; another credential has requestIds of its own', async () => {
    await server.gql(CREATE_CAMPAIGN, { i: campaignInput() });
    const changed = (await server.gql(CREATE_CAMPAIGN, { i: campaignInput({ name: '双12 返场' }) })).data.createCampaign;
    expect(changed).toEqual({ campaign: null, userErrors: [{ code: 'CONFLICT', field: ['input', 'requestId'], message: 'this requestId was already used for a different campaign' }] });
    const other = bearer(await server.createKey({ name: 'another team', scopes: ['READ', 'MANAGE'] }));
    const theirs = (await server.gql(CREATE_CAMPAIGN, { i: campaignInput() }, other)).data.createCampaign;
    expect(theirs.userErrors).toEqual([]);
    expect(await rowsOf(campaigns)).toBe(2);
  });

  it('a caller who may not create is refused with its requestId as without one, and nothing is claimed', async () => {
    const reader = bearer(await server.createKey({ name: 'reader', scopes: ['READ'] }));
    const refused = await server.gql(CREATE_CAMPAIGN, { i: campaignInput() }, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect([await rowsOf(campaigns), (await backend().db.select({ n: count() }).from(creationRequests))[0]!.n]).toEqual([0, 0]);
  });

  it('two sends of one request at the same moment make one campaign, and both are answered with it', async () => {
    const send = () => server.gql(CREATE_CAMPAIGN, { i: campaignInput() }).then((r) => r.data.createCampaign);
    const [a, b] = await twoCreatesAtOnce(backend(), 'creation_requests', send, send);
    expect(a.userErrors).toEqual([]);
    expect(b).toEqual(a);
    expect(await rowsOf(campaigns)).toBe(1);
  });

  it('a milestone, a plan and a task are made once per requestId too, and a repeated milestone is announced once', async () => {
    const campaign = (await server.gql(CREATE_CAMPAIGN, { i: campaignInput() })).data.createCampaign.campaign.id;
    const milestone = { campaignId: campaign, name: '压测完成', owner: '李工', dueAt: '2026-12-01T12:00:00+08:00', completionStandard: 'P99 < 300 ms', requestId: 'm-1' };
    const announced: string[] = [];
    const unsubscribe = server.app.pubsub.subscribe('milestone:changed');
    void (async () => {
      for await (const message of unsubscribe) announced.push(String((message as { change?: string }).change));
    })();
    const m1 = (await server.gql(CREATE_MILESTONE, { i: milestone })).data.createMilestone;
    const m2 = (await server.gql(CREATE_MILESTONE, { i: milestone })).data.createMilestone;
    expect(m2).toEqual(m1);
    expect(await rowsOf(campaignMilestones)).toBe(1);

    const plan = { name: '双12 作战计划', periodStart: '2026-12-01', periodEnd: '2026-12-14', goal: 'GMV ¥100万', owner: '王', shopIds: [shop], requestId: 'p-1' };
    const p1 = (await server.gql(CREATE_PLAN, { i: plan })).data.createPlan;
    expect((await server.gql(CREATE_PLAN, { i: plan })).data.createPlan).toEqual(p1);
    const task = { planId: p1.plan.id, title: '直播排期', owner: '赵', startsOn: '2026-12-02', endsOn: '2026-12-05', requestId: 't-1' };
    const t1 = (await server.gql(CREATE_TASK, { i: task })).data.createPlanTask;
    expect(t1.userErrors).toEqual([]);
    expect((await server.gql(CREATE_TASK, { i: task })).data.createPlanTask).toEqual(t1);
    expect([await rowsOf(operationPlans), await rowsOf(planTasks)]).toEqual([1, 1]);

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(announced.filter((c) => c === 'CREATED')).toHaveLength(1);
    await unsubscribe.return?.();
  });

  it('forgets a requestId after 30 days (the hourly history job): a month on, the same id makes a new campaign', async () => {
    const withHistory = await startTestServer(backend(), { now: () => clock, history: { everyMs: 3_600_000 } });
    try {
      await withHistory.app.history!.run(); // the run it starts with, out of the way
      await withHistory.gql(CREATE_CAMPAIGN, { i: campaignInput({ requestId: 'old' }) });
      await withHistory.gql(CREATE_CAMPAIGN, { i: campaignInput({ requestId: 'fresh' }) });
      await backend().db.update(creationRequests).set({ createdAt: new Date(clock.getTime() - 31 * 86_400_000) }).where(eq(creationRequests.requestId, 'old'));
      const run = await withHistory.app.history!.run();
      expect(run.creationRequests).toBe(1);
      expect((await backend().db.select({ id: creationRequests.requestId }).from(creationRequests)).map((r) => r.id)).toEqual(['fresh']);
      await withHistory.gql(CREATE_CAMPAIGN, { i: campaignInput({ requestId: 'old' }) });
      expect(await rowsOf(campaigns)).toBe(3);
    } finally {
      await withHistory.stop();
    }
  });
});
