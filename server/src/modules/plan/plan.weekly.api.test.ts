import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';

const TASKS = `query ($id: ID!) { node(id: $id) { ... on Plan { tasks { title stale weeklyUpdateDueAt } } } }`;

describeEachBackend('plan tasks and the Friday 17:00 update', (backend) => {
  let server: TestServer;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-11-26T10:00:00+08:00'); // Thursday
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  it('flags a task nobody updated in the week before Friday 17:00, until someone does; an update on Friday at 16:59 is on time; DONE tasks are never flagged', async () => {
    const shopId = gid('Shop', (await insertShop(backend().db, '甲店')).id);
    const plan = await server.gql(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }`, {
      input: { name: 'Q4 计划', goal: 'GMV +30%', owner: '王经理', periodStart: '2026-10-01', periodEnd: '2026-12-31', shopIds: [shopId] },
    });
    const planId = plan.data.createPlan.plan.id;
    const task = async (title: string, startsOn: string) =>
      (await server.gql(`mutation ($input: CreatePlanTaskInput!) { createPlanTask(input: $input) { task { id } } }`, { input: { planId, title, owner: '李', startsOn, endsOn: '2026-12-15' } })).data.createPlanTask.task.id;
    const open = await task('会场搭建', '2026-11-01');
    const done = await task('素材制作', '2026-11-02');
    await server.gql(`mutation ($id: ID!) { updatePlanTask(input: { id: $id, status: DONE }) { task { status } } }`, { id: done });
    const tasks = async () => (await server.gql(TASKS, { id: planId })).data.node.tasks;

    const stale = async () => (await tasks()).map((t: { stale: boolean }) => t.stale);
    expect(await stale()).toEqual([false, false]);
    clock = new Date('2026-11-27T17:00:01+08:00'); // just past Friday 17:00: created on Thursday, this week's update was on time
    expect(await stale()).toEqual([false, false]);
    clock = new Date('2026-12-04T17:00:01+08:00'); // a week on, nobody touched it
    expect(await tasks()).toEqual([
      { title: '会场搭建', stale: true, weeklyUpdateDueAt: '2026-12-04T09:00:00.000Z' },
      { title: '素材制作', stale: false, weeklyUpdateDueAt: '2026-12-04T09:00:00.000Z' },
    ]);
    await server.gql(`mutation ($id: ID!) { updatePlanTask(input: { id: $id, status: IN_PROGRESS }) { task { status } } }`, { id: open });
    expect(await stale()).toEqual([false, false]);

    clock = new Date('2026-12-11T16:59:00+08:00'); // updated a minute before the next deadline…
    await server.gql(`mutation ($id: ID!) { updatePlanTask(input: { id: $id, status: IN_PROGRESS }) { task { status } } }`, { id: open });
    clock = new Date('2026-12-11T17:01:00+08:00'); // …is on time for it
    expect(await stale()).toEqual([false, false]);
    clock = new Date('2026-12-18T17:00:01+08:00'); // and not for the one after
    expect(await stale()).toEqual([true, false]);
  });

  it('asks no weekly update of a task that had not started by the deadline, and asks it once it has', async () => {
    const shopId = gid('Shop', (await insertShop(backend().db, '甲店')).id);
    const plan = await server.gql(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }`, {
      input: { name: 'Q4 计划', goal: 'GMV +30%', owner: '王经理', periodStart: '2026-10-01', periodEnd: '2026-12-31', shopIds: [shopId] },
    });
    const planId = plan.data.createPlan.plan.id;
    // Written on Thursday 26 November; it starts on Saturday 19 December.
    await server.gql(`mutation ($input: CreatePlanTaskInput!) { createPlanTask(input: $input) { task { id } } }`, {
      input: { planId, title: '年货节选品', owner: '刘', startsOn: '2026-12-19', endsOn: '2026-12-31' },
    });
    const stale = async () => (await server.gql(TASKS, { id: planId })).data.node.tasks[0].stale;
    clock = new Date('2026-12-07T10:00:00+08:00'); // two deadlines on, not begun: nothing was due
    expect(await stale()).toBe(false);
    clock = new Date('2026-12-18T17:00:01+08:00'); // the Friday before it starts
    expect(await stale()).toBe(false);
    clock = new Date('2026-12-25T17:00:01+08:00'); // started on the 19th, no update by the 25th: due and missed
    expect(await stale()).toBe(true);
  });

  it("stamps an edited plan with the server's clock, as its tasks are", async () => {
    const shopId = gid('Shop', (await insertShop(backend().db, '甲店')).id);
    const plan = await server.gql(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }`, {
      input: { name: 'Q4 计划', goal: 'GMV +30%', owner: '王经理', periodStart: '2026-10-01', periodEnd: '2026-12-31', shopIds: [shopId] },
    });
    clock = new Date('2026-11-27T16:30:00+08:00');
    const edited = await server.gql(`mutation ($input: UpdatePlanInput!) { updatePlan(input: $input) { plan { owner updatedAt } userErrors { code } } }`, {
      input: { id: plan.data.createPlan.plan.id, owner: '赵经理' },
    });
    expect(edited.data.updatePlan).toEqual({ plan: { owner: '赵经理', updatedAt: '2026-11-27T08:30:00.000Z' }, userErrors: [] });
  });
});
