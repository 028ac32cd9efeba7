import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoCreatesAtOnce, twoEditsAtOnce } from '../../../test/backends.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { decodeGlobalUuid } from '../../graphql/node-id.js';
import { MAX_TASKS_PER_PLAN } from './plan.service.js';
import { operationPlans, planTasks } from './plan.table.js';

const TASK_FIELDS = 'id title owner startsOn endsOn budget personDays status delayReason catchUpPlan';

const CREATE_PLAN = /* GraphQL */ `
  mutation ($input: CreatePlanInput!) {
    createPlan(input: $input) {
      plan { id name periodStart periodEnd goal strategy owner shops { id } }
      userErrors { field message code }
    }
  }
`;

const CREATE_TASK = /* GraphQL */ `
  mutation ($input: CreatePlanTaskInput!) {
    createPlanTask(input: $input) { task { ${TASK_FIELDS} plan { id } } userErrors { field message code } }
  }
`;

const UPDATE_TASK = /* GraphQL */ `
  mutation ($input: UpdatePlanTaskInput!) {
    updatePlanTask(input: $input) { task { ${TASK_FIELDS} } userErrors { field message code } }
  }
`;

const UPDATE_PLAN = /* GraphQL */ `
  mutation ($input: UpdatePlanInput!) {
    updatePlan(input: $input) { plan { periodStart periodEnd } userErrors { field message code } }
  }
`;

const PLANS = /* GraphQL */ `
  query ($first: Int, $after: String) {
    plans(first: $first, after: $after) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } }
  }
`;

describeEachBackend('operations plans', (backend) => {
  let server: TestServer;
  let shopId: string;

  beforeEach(async () => {
    server = await startTestServer(backend());
    const shop = await server.gql(`mutation { createShop(input: { name: "天猫旗舰店", platform: TMALL }) { shop { id } } }`);
    shopId = shop.data.createShop.shop.id;
  });
  afterEach(() => server.stop());

  async function createPlan(input: Record<string, unknown> = {}) {
    const result = await server.gql(CREATE_PLAN, {
      input: { name: '2026 Q2 运营计划', periodStart: '2026-04-01', periodEnd: '2026-06-30', goal: 'GMV +30%', owner: '陈经理', shopIds: [shopId], ...input },
    });
    expect(result.errors).toBeUndefined();
    return result.data.createPlan;
  }

  async function createTask(planId: string, input: Record<string, unknown> = {}, headers?: Record<string, string>) {
    const result = await server.gql(
      CREATE_TASK,
      { input: { planId, title: '618会场搭建', owner: '李专员', startsOn: '2026-05-10', endsOn: '2026-05-25', ...input } },
      headers,
    );
    expect(result.errors).toBeUndefined();
    return result.data.createPlanTask;
  }

  it('reports a reversed period and a delay without its reasons beside a bad budget, all at once', async () => {
    const plan = (await createPlan()).plan;
    const task = await createTask(plan.id, { budget: '-5.00', endsOn: '2026-05-01', status: 'DELAYED' });
    expect(task.task).toBeNull();
    expect(task.userErrors.map((e: { field: string[]; code: string }) => [e.field.join('.'), e.code])).toEqual([
      ['input.budget', 'INVALID_AMOUNT'],
      ['input.endsOn', 'INVALID_WINDOW'],
      ['input.delayReason', 'DELAY_REASON_REQUIRED'],
      ['input.catchUpPlan', 'DELAY_REASON_REQUIRED'],
    ]);
    const reversedPlan = await server.gql(CREATE_PLAN, { input: { name: '', periodStart: '2026-04-01', periodEnd: '2026-03-01', goal: 'x', owner: 'y', shopIds: [shopId] } });
    expect(reversedPlan.data.createPlan.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.name', 'input.periodEnd']);
  });

  async function updateTask(input: Record<string, unknown>) {
    const result = await server.gql(UPDATE_TASK, { input });
    expect(result.errors).toBeUndefined();
    return result.data.updatePlanTask;
  }

  async function updatePlan(input: Record<string, unknown>) {
    const result = await server.gql(UPDATE_PLAN, { input });
    expect(result.errors).toBeUndefined();
    return result.data.updatePlan;
  }

  async function planNames(): Promise<string[]> {
    const result = await server.gql(PLANS, { first: 50 });
    expect(result.errors).toBeUndefined();
    return result.data.plans.edges.map((e: { node: { name: string } }) => e.node.name);
  }

  async function tasksOf(planId: string, status?: string) {
    const result = await server.gql(
      `query ($id: ID!, $status: TaskStatus) { plan(id: $id) { tasks(status: $status) { title status } } }`,
      { id: planId, status },
    );
    expect(result.errors).toBeUndefined();
    return result.data.plan.tasks;
  }

  it('a manager writes the Q2 plan and a task whose budget and person-days come back exactly', async () => {
    const created = await createPlan({ strategy: '主推利润款，直通车预算向转化高的词倾斜' });
    expect(created.userErrors).toEqual([]);
    expect(created.plan).toMatchObject({
      name: '2026 Q2 运营计划',
      periodStart: '2026-04-01',
      periodEnd: '2026-06-30',
      goal: 'GMV +30%',
      strategy: '主推利润款，直通车预算向转化高的词倾斜',
      owner: '陈经理',
      shops: [{ id: shopId }],
    });

    const task = await createTask(created.plan.id, { budget: '12000.50', personDays: '2.5' });
    expect(task.userErrors).toEqual([]);
    expect(task.task).toMatchObject({
      title: '618会场搭建',
      owner: '李专员',
      startsOn: '2026-05-10',
      endsOn: '2026-05-25',
      budget: '12000.50',
      personDays: '2.5',
      status: 'NOT_STARTED',
      delayReason: null,
      catchUpPlan: null,
      plan: { id: created.plan.id },
    });

    const reread = await server.gql(`query ($id: ID!) { node(id: $id) { ... on PlanTask { budget personDays } } }`, { id: task.task.id });
    expect(reread.data.node).toEqual({ budget: '12000.50', personDays: '2.5' });
  });

  it('a plan whose period ends before it starts is refused and not stored', async () => {
    const result = await createPlan({ periodStart: '2026-06-30', periodEnd: '2026-04-01' });
    expect(result).toEqual({
      plan: null,
      userErrors: [{ field: ['input', 'periodEnd'], message: expect.any(String), code: 'INVALID_WINDOW' }],
    });
    expect(await planNames()).toEqual([]);

    const inChinese = await server.gql(
      `mutation ($input: CreatePlanInput!) { createPlan(input: $input) { userErrors { field message messageZh: message(locale: ZH_CN) } } }`,
      { input: { name: '2026 Q2 运营计划', periodStart: '2026-04-01', periodEnd: '2026-06-30', goal: 'GMV +30%', owner: '陈经理', shopIds: [] } },
    );
    expect(inChinese.data.createPlan.userErrors).toEqual([
      { field: ['input', 'shopIds'], message: 'a plan covers at least one shop', messageZh: '计划至少覆盖一个店铺' },
    ]);

    // A one-day plan is a valid period.
    expect((await createPlan({ name: '双11当天', periodStart: '2026-11-11', periodEnd: '2026-11-11' })).userErrors).toEqual([]);
  });

  it('a date that is not on the calendar is rejected with a clear error and nothing is stored', async () => {
    const result = await server.gql(CREATE_PLAN, {
      input: { name: '二月计划', periodStart: '2026-02-30', periodEnd: '2026-03-31', goal: 'GMV +10%', owner: '陈经理', shopIds: [shopId] },
    });
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.message).toMatch(/periodStart.*calendar day YYYY-MM-DD.*"2026-02-30"/);
    expect(result.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await planNames()).toEqual([]);
  });

  it('a task that ends before it starts is refused as an invalid window', async () => {
    const { plan } = await createPlan();
    const result = await createTask(plan.id, { startsOn: '2026-05-25', endsOn: '2026-05-10' });
    expect(result).toEqual({ task: null, userErrors: [{ field: ['input', 'endsOn'], message: expect.any(String), code: 'INVALID_WINDOW' }] });
    expect(await tasksOf(plan.id)).toEqual([]);
  });

  it('a delayed task without a reason and a catch-up plan is refused and the task keeps its status', async () => {
    const { plan } = await createPlan();
    const { task } = await createTask(plan.id, { status: 'IN_PROGRESS' });

    const refused = await updateTask({ id: task.id, status: 'DELAYED' });
    expect(refused).toEqual({
      task: null,
      userErrors: [
        { field: ['input', 'delayReason'], message: expect.any(String), code: 'DELAY_REASON_REQUIRED' },
        { field: ['input', 'catchUpPlan'], message: expect.any(String), code: 'DELAY_REASON_REQUIRED' },
      ],
    });

    const inChinese = await server.gql(
      `mutation ($input: UpdatePlanTaskInput!) { updatePlanTask(input: $input) { userErrors { message messageZh: message(locale: ZH_CN) } } }`,
      { input: { id: task.id, status: 'DELAYED' } },
    );
    expect(inChinese.data.updatePlanTask.userErrors).toEqual([
      { message: 'a delayed task needs a reason', messageZh: '延期任务需要填写延期原因' },
      { message: 'a delayed task needs a catch-up plan', messageZh: '延期任务需要填写追赶计划' },
    ]);

    const halfExplained = await updateTask({ id: task.id, status: 'DELAYED', delayReason: '设计资源被抽调', catchUpPlan: '  ' });
    expect(halfExplained.userErrors).toEqual([
      { field: ['input', 'catchUpPlan'], message: expect.any(String), code: 'DELAY_REASON_REQUIRED' },
    ]);
    expect(await tasksOf(plan.id)).toEqual([{ title: '618会场搭建', status: 'IN_PROGRESS' }]);

    const delayed = await updateTask({ id: task.id, status: 'DELAYED', delayReason: '设计资源被抽调', catchUpPlan: '周末加班，外包切图' });
    expect(delayed.userErrors).toEqual([]);
    expect(delayed.task).toMatchObject({ status: 'DELAYED', delayReason: '设计资源被抽调', catchUpPlan: '周末加班，外包切图' });

    // While delayed, the explanation cannot be taken away.
    const erased = await updateTask({ id: task.id, delayReason: '' });
    expect(erased.userErrors).toEqual([
      { field: ['input', 'delayReason'], message: expect.any(String), code: 'DELAY_REASON_REQUIRED' },
    ]);
    expect(await tasksOf(plan.id, 'DELAYED')).toEqual([{ title: '618会场搭建', status: 'DELAYED' }]);
  });

  it('a task marked delayed while someone else retitles it stays delayed with its explanation', async () => {
    const { plan } = await createPlan();
    const { task } = await createTask(plan.id, { status: 'IN_PROGRESS' });
    const id = decodeGlobalUuid('PlanTask', task.id)!;
    const [delayed, retitled] = await twoEditsAtOnce(
      backend(),
      (tx) => tx.select().from(planTasks).where(eq(planTasks.id, id)).for('update'),
      () => updateTask({ id: task.id, status: 'DELAYED', delayReason: '设计资源被抽调', catchUpPlan: '周末加班，外包切图' }),
      () => updateTask({ id: task.id, title: '618主会场搭建' }),
    );
    expect(delayed.userErrors).toEqual([]);
    expect(retitled.userErrors).toEqual([]);

    // The retitle starts from the delay just saved, not from the task as it was when both were opened.
    const expected = { title: '618主会场搭建', status: 'DELAYED', delayReason: '设计资源被抽调', catchUpPlan: '周末加班，外包切图' };
    expect(retitled.task).toMatchObject(expected);
    const reread = await server.gql(`query ($id: ID!) { node(id: $id) { ... on PlanTask { ${TASK_FIELDS} } } }`, { id: task.id });
    expect(reread.data.node).toMatchObject(expected);
  });

  it('two edits moving each end of a plan\'s period at once cannot leave it ending before it starts', async () => {
    const { plan } = await createPlan({ periodStart: '2026-04-01', periodEnd: '2026-06-30' });
    const id = decodeGlobalUuid('Plan', plan.id)!;
    // Each move is valid against the period as it was; together they would invert it.
    const [shortened, postponed] = await twoEditsAtOnce(
      backend(),
      (tx) => tx.select().from(operationPlans).where(eq(operationPlans.id, id)).for('update'),
      () => updatePlan({ id: plan.id, periodEnd: '2026-04-30' }),
      () => updatePlan({ id: plan.id, periodStart: '2026-05-01' }),
    );
    expect(shortened).toEqual({ plan: { periodStart: '2026-04-01', periodEnd: '2026-04-30' }, userErrors: [] });
    expect(postponed).toEqual({ plan: null, userErrors: [{ field: ['input', 'periodEnd'], message: expect.any(String), code: 'INVALID_WINDOW' }] });
    const reread = await server.gql(`query ($id: ID!) { plan(id: $id) { periodStart periodEnd } }`, { id: plan.id });
    expect(reread.data.plan).toEqual({ periodStart: '2026-04-01', periodEnd: '2026-04-30' });
  });

  it('a task cannot be created already delayed without an explanation', async () => {
    const { plan } = await createPlan();
    const result = await createTask(plan.id, { status: 'DELAYED', catchUpPlan: '加人' });
    expect(result).toEqual({
      task: null,
      userErrors: [{ field: ['input', 'delayReason'], message: expect.any(String), code: 'DELAY_REASON_REQUIRED' }],
    });
    expect(await tasksOf(plan.id)).toEqual([]);
  });

  it('updates a task\'s resources and refuses a budget finer than a fen', async () => {
    const { plan } = await createPlan();
    const { task } = await createTask(plan.id, { budget: '5000.00', personDays: '3' });

    const updated = await updateTask({ id: task.id, budget: '12000.50', personDays: '2.5', status: 'DONE' });
    expect(updated.userErrors).toEqual([]);
    expect(updated.task).toMatchObject({ budget: '12000.50', personDays: '2.5', status: 'DONE' });

    const refused = await updateTask({ id: task.id, budget: '100.001', status: 'IN_PROGRESS' });
    expect(refused).toEqual({ task: null, userErrors: [{ field: ['input', 'budget'], message: expect.any(String), code: 'INVALID_AMOUNT' }] });
    expect(await tasksOf(plan.id)).toEqual([{ title: '618会场搭建', status: 'DONE' }]);
  });

  it('lists a plan\'s tasks in start order and filters them by status', async () => {
    const { plan } = await createPlan();
    await createTask(plan.id, { title: '直通车调价', startsOn: '2026-05-15', endsOn: '2026-06-18', status: 'IN_PROGRESS' });
    await createTask(plan.id, { title: '选品', startsOn: '2026-04-01', endsOn: '2026-04-20', status: 'DONE' });
    await createTask(plan.id, {
      title: '达人直播排期',
      startsOn: '2026-05-01',
      endsOn: '2026-05-31',
      status: 'DELAYED',
      delayReason: '主播档期冲突',
      catchUpPlan: '改约店播',
    });
    await createTask(plan.id, { title: '复盘', startsOn: '2026-06-20', endsOn: '2026-06-25' });

    expect((await tasksOf(plan.id)).map((t: { title: string }) => t.title)).toEqual(['选品', '达人直播排期', '直通车调价', '复盘']);
    expect(await tasksOf(plan.id, 'DELAYED')).toEqual([{ title: '达人直播排期', status: 'DELAYED' }]);
    expect(await tasksOf(plan.id, 'NOT_STARTED')).toEqual([{ title: '复盘', status: 'NOT_STARTED' }]);

    // A weekly review asks for several views of the same plan in one query; each keeps its own filter.
    const review = await server.gql(
      `query ($id: ID!) { plan(id: $id) { delayed: tasks(status: DELAYED) { title } done: tasks(status: DONE) { title } all: tasks { title } } }`,
      { id: plan.id },
    );
    expect(review.data.plan).toEqual({
      delayed: [{ title: '达人直播排期' }],
      done: [{ title: '选品' }],
      all: [{ title: '选品' }, { title: '达人直播排期' }, { title: '直通车调价' }, { title: '复盘' }],
    });
  });

  it('lists plans latest period first and pages through them with cursors', async () => {
    for (const [name, start, end] of [
      ['Q2', '2026-04-01', '2026-06-30'],
      ['Q4', '2026-10-01', '2026-12-31'],
      ['Q1', '2026-01-01', '2026-03-31'],
      ['Q3', '2026-07-01', '2026-09-30'],
    ] as const) {
      expect((await createPlan({ name, periodStart: start, periodEnd: end })).userErrors).toEqual([]);
    }
    expect(await planNames()).toEqual(['Q4', 'Q3', 'Q2', 'Q1']);

    const first = await server.gql(PLANS, { first: 3 });
    expect(first.data.plans.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Q4', 'Q3', 'Q2']);
    expect(first.data.plans.pageInfo.hasNextPage).toBe(true);
    const rest = await server.gql(PLANS, { first: 3, after: first.data.plans.pageInfo.endCursor });
    expect(rest.data.plans.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Q1']);
    expect(rest.data.plans).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false } });
  });

  it('an unknown plan or task is reported as not found', async () => {
    const ghost = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64');
    expect(await createTask(ghost('Plan'))).toEqual({
      task: null,
      userErrors: [{ field: ['input', 'planId'], message: 'Plan not found', code: 'NOT_FOUND' }],
    });
    expect(await updateTask({ id: ghost('PlanTask'), status: 'DONE' })).toEqual({
      task: null,
      userErrors: [{ field: ['input', 'id'], message: 'Task not found', code: 'NOT_FOUND' }],
    });
    const plan = await server.gql(`query ($id: ID!) { plan(id: $id) { id } }`, { id: ghost('Plan') });
    expect(plan.errors).toBeUndefined();
    expect(plan.data).toEqual({ plan: null });
  });

  /** Tasks written straight into the table, as a plan that gathered them over a quarter would have. */
  async function fillPlan(planId: string, n: number) {
    const id = decodeGlobalUuid('Plan', planId)!;
    const rows = Array.from({ length: n }, (_, i) => ({ planId: id, title: `任务 ${i + 1}`, owner: '李专员', startsOn: '2026-04-01', endsOn: '2026-06-30' }));
    await backend().db.insert(planTasks).values(rows);
  }

  const LIMIT_REACHED = { field: ['input', 'planId'], message: `a plan has at most ${MAX_TASKS_PER_PLAN} tasks`, code: 'LIMIT_REACHED' };

  it(`a plan takes its ${MAX_TASKS_PER_PLAN}th task and refuses one more with LIMIT_REACHED, storing nothing of it`, async () => {
    const { plan } = await createPlan();
    await fillPlan(plan.id, MAX_TASKS_PER_PLAN - 1);
    expect((await createTask(plan.id, { title: '大促复盘' })).userErrors).toEqual([]);
    expect(await createTask(plan.id, { title: '多出来的任务' })).toEqual({ task: null, userErrors: [LIMIT_REACHED] });
    expect(await tasksOf(plan.id)).toHaveLength(MAX_TASKS_PER_PLAN);
    // Another plan has its own room.
    const other = await createPlan({ name: '2026 Q3 运营计划' });
    expect((await createTask(other.plan.id)).userErrors).toEqual([]);
  });

  it('two tasks added at once with room for one: exactly one is stored', async () => {
    const { plan } = await createPlan();
    await fillPlan(plan.id, MAX_TASKS_PER_PLAN - 1);
    const results = await twoCreatesAtOnce(backend(), 'plan_tasks', () => createTask(plan.id, { title: '甲' }), () => createTask(plan.id, { title: '乙' }));
    const errors = results.map((r) => r.userErrors);
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    expect(errors.filter((e) => e.length > 0)).toEqual([[LIMIT_REACHED]]);
    expect(await tasksOf(plan.id)).toHaveLength(MAX_TASKS_PER_PLAN);
  });

  it('at the cap, a partner of another shop and a read-only key are refused as before, without word of the cap', async () => {
    const { plan } = await createPlan();
    await fillPlan(plan.id, MAX_TASKS_PER_PLAN);
    const otherShop = await server.gql(`mutation { createShop(input: { name: "京东自营店", platform: JD }) { shop { id } } }`);
    const foreignPartner = bearer(await server.createKey({ shopIds: [decodeGlobalUuid('Shop', otherShop.data.createShop.shop.id)!], scopes: ['READ', 'MANAGE'] }));
    expect((await createTask(plan.id, {}, foreignPartner)).userErrors).toEqual([{ field: ['input', 'planId'], message: 'Plan not found', code: 'NOT_FOUND' }]);

    const reader = bearer(await server.createKey({ shopIds: [decodeGlobalUuid('Shop', shopId)!], scopes: ['READ'] }));
    const readOnly = await server.gql(CREATE_TASK, { input: { planId: plan.id, title: 'x', owner: 'y', startsOn: '2026-05-10', endsOn: '2026-05-25' } }, reader);
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(readOnly.data).toBeNull();
    expect(await tasksOf(plan.id)).toHaveLength(MAX_TASKS_PER_PLAN);
  });
});
