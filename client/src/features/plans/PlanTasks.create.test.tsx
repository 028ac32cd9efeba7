import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { campaign, campaignsResult, MAY_MANAGE, milestonesResult, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { CreatePlanMutation, CreatePlanTaskMutation, PlanRow, PlansQuery, PlanTaskRow } from './plans.documents';

useMockApi();

const CAMPAIGN = 'c-1111';
const PLAN: PlanRow = { id: 'p1', name: '双11 运营计划', owner: '李娜', goal: 'GMV +30%', periodStart: '2026-11-01', periodEnd: '2026-11-30', tasks: [] };
type PlanInput = VariablesOf<typeof CreatePlanMutation>['input'];
type TaskInput = VariablesOf<typeof CreatePlanTaskMutation>['input'];

const twoProblems = (what: 'createPlan' | 'createPlanTask') =>
  HttpResponse.json({
    data: {
      [what]: {
        [what === 'createPlan' ? 'plan' : 'task']: null,
        userErrors: [
          { code: 'INVALID_INPUT', message: 'owner: at most 50 characters', messageZh: '负责人：最多 50 个字符' },
          { code: 'LIMIT_REACHED', message: 'a plan has at most 500 tasks', messageZh: '一个计划最多 500 个任务' },
        ],
      },
    },
  });
const forbidden = () => HttpResponse.json({ errors: [{ message: 'Not allowed: your credential does not permit this', extensions: { code: 'FORBIDDEN' } }] });

/** The page with one plan; createPlan and createPlanTask make what they are sent (the list answers with it) unless `refuse` answers instead. */
function answerPage(refuse: { plan?: () => Response; task?: () => Response } = {}) {
  let plans: PlanRow[] = [PLAN];
  const sent = { plans: [] as PlanInput[], tasks: [] as TaskInput[] };
  server.use(
    api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([campaign({ id: CAMPAIGN, status: 'ACTIVE' })]) })),
    api.query('WarRoomMilestones', () => HttpResponse.json({ data: milestonesResult(CAMPAIGN, []) })),
    api.query('ConsoleMilestonesCampaign', () => HttpResponse.json({ data: { campaign: { id: CAMPAIGN, endsAt: '2099-11-11T16:00:00Z', partial: false } } })),
    api.query<ResultOf<typeof PlansQuery>>('ConsolePlans', () => HttpResponse.json({ data: { plans: { edges: plans.map((node) => ({ node })) } } })),
    api.mutation<ResultOf<typeof CreatePlanMutation>, VariablesOf<typeof CreatePlanMutation>>('ConsoleCreatePlan', ({ variables: { input } }) => {
      sent.plans.push(input);
      if (refuse.plan) return refuse.plan();
      const made: PlanRow = { id: 'p2', name: input.name, owner: input.owner, goal: input.goal, periodStart: input.periodStart as string, periodEnd: input.periodEnd as string, tasks: [] };
      plans = [made, ...plans];
      return HttpResponse.json({ data: { createPlan: { plan: { id: made.id }, userErrors: [] } } });
    }),
    api.mutation<ResultOf<typeof CreatePlanTaskMutation>, VariablesOf<typeof CreatePlanTaskMutation>>('ConsoleCreatePlanTask', ({ variables: { input } }) => {
      sent.tasks.push(input);
      if (refuse.task) return refuse.task();
      const task: PlanTaskRow = {
        id: 't-new',
        title: input.title,
        owner: input.owner,
        status: input.status ?? 'NOT_STARTED',
        startsOn: input.startsOn as string,
        endsOn: input.endsOn as string,
        stale: false,
        weeklyUpdateDueAt: '2026-12-04T09:00:00Z',
        updatedAt: '2026-12-01T02:00:00Z',
        delayReason: input.delayReason ?? null,
        catchUpPlan: input.catchUpPlan ?? null,
      };
      plans = plans.map((p) => (p.id === input.planId ? { ...p, tasks: [...p.tasks, task] } : p));
      return HttpResponse.json({ data: { createPlanTask: { task, userErrors: [] } } });
    }),
  );
  return sent;
}

const open = (permissions = MAY_MANAGE) => openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions });
const fillIn = (form: HTMLElement, label: string, value: string) => {
  const field = within(form).getByLabelText(label);
  fireEvent.input(field, { target: { value } });
  fireEvent.change(field, { target: { value } });
};

async function openPlanForm() {
  fireEvent.click(await screen.findByRole('button', { name: '新建运营计划' }));
  const form = screen.getByTestId('plan-creator');
  fillIn(form, '计划名称', 'Q4 双12 运营计划');
  fillIn(form, '负责人', '王芳');
  fillIn(form, '周期开始', '2026-12-01');
  fillIn(form, '周期结束', '2026-12-31');
  fillIn(form, '目标', 'GMV +20%');
  return form;
}

async function openTaskForm() {
  fireEvent.click(await screen.findByRole('button', { name: '在「双11 运营计划」下新建任务' }));
  const form = screen.getByTestId('task-creator');
  fillIn(form, '任务名称', '直播间搭建');
  fillIn(form, '负责人', '赵敏');
  fillIn(form, '开始日期', '2026-11-01');
  fillIn(form, '结束日期', '2026-11-20');
  return form;
}

const planCard = (name: string) => screen.getAllByTestId('plan').find((p) => p.textContent?.includes(name))!;

describe('新建运营计划', () => {
  it('creates a plan over the shops ticked, refusing it on the page until it has them', async () => {
    const sent = answerPage();
    open();
    const form = await openPlanForm();
    fillIn(form, '策略（可不填）', '直播 + 达人种草');
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('未保存：至少选择一个店铺');
    fillIn(form, '周期结束', '2026-11-30');
    fireEvent.click(await within(form).findByLabelText(SHOP.name));
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    await waitFor(() => expect(within(form).getByRole('alert')).toHaveTextContent('未保存：请填写周期的开始和结束日期，结束不能早于开始'));
    expect(sent.plans).toEqual([]);

    fillIn(form, '周期结束', '2026-12-31');
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    await waitFor(() => expect(screen.getAllByTestId('plan')).toHaveLength(2));
    expect(sent.plans).toEqual([
      { name: 'Q4 双12 运营计划', owner: '王芳', periodStart: '2026-12-01', periodEnd: '2026-12-31', goal: 'GMV +20%', strategy: '直播 + 达人种草', shopIds: [SHOP.id], requestId: expect.stringMatching(/^console-[0-9a-f-]{36}$/) },
    ]);
    expect(planCard('Q4 双12 运营计划')).toHaveTextContent('负责人 王芳 · 目标 GMV +20%');
    expect(screen.queryByTestId('plan-creator')).toBeNull();
  });

  it('says every problem the server found, and the same form saved again keeps its requestId', async () => {
    const sent = answerPage({ plan: () => twoProblems('createPlan') });
    open();
    const form = await openPlanForm();
    fireEvent.click(await within(form).findByLabelText(SHOP.name));
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    await expectAlertFollowsToggle(/^保存失败：负责人：最多 50 个字符；一个计划最多 500 个任务$/, /^Not saved: owner: at most 50 characters; a plan has at most 500 tasks$/);
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    await waitFor(() => expect(sent.plans).toHaveLength(2));
    expect(sent.plans[1]!.requestId).toBe(sent.plans[0]!.requestId);
  });

  it('says a FORBIDDEN in the console’s words', async () => {
    answerPage({ plan: forbidden });
    open();
    const form = await openPlanForm();
    fireEvent.click(await within(form).findByLabelText(SHOP.name));
    fireEvent.click(within(form).getByRole('button', { name: '创建计划' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(/^保存失败：此账号只有查看权限$/);
  });

  it('offers neither a new plan nor a new task without MANAGE', async () => {
    answerPage();
    open(READ_ONLY);
    await waitFor(() => expect(screen.getAllByTestId('plan')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: '新建运营计划' })).toBeNull();
    expect(screen.queryByRole('button', { name: /新建任务/ })).toBeNull();
  });
});

describe('新建任务', () => {
  it('adds a delayed task with its budget and person-days, asking for the reason and catch-up plan together first', async () => {
    const sent = answerPage();
    open();
    const form = await openTaskForm();
    fillIn(form, '预算（元，可不填）', '20,000');
    fillIn(form, '人天（可不填）', '2.5');
    fireEvent.change(within(form).getByLabelText('状态'), { target: { value: 'DELAYED' } });
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(/^未保存：已延期的任务须填写延期原因和追赶计划$/);
    expect(within(form).getByLabelText('延期原因')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByLabelText('追赶计划')).toHaveAttribute('aria-invalid', 'true');
    fillIn(form, '延期原因', '场地交付推迟 3 天');
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    await waitFor(() => expect(within(form).getByRole('alert')).toHaveTextContent(/^未保存：已延期的任务须填写追赶计划$/));
    expect(sent.tasks).toEqual([]);

    fillIn(form, '追赶计划', '加派两名搭建人员，11月23日完成');
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    await waitFor(() => expect(within(planCard('双11 运营计划')).getAllByTestId('plan-task')).toHaveLength(1));
    expect(sent.tasks).toEqual([
      {
        planId: PLAN.id,
        title: '直播间搭建',
        owner: '赵敏',
        startsOn: '2026-11-01',
        endsOn: '2026-11-20',
        status: 'DELAYED',
        budget: '20000.00',
        personDays: '2.5',
        delayReason: '场地交付推迟 3 天',
        catchUpPlan: '加派两名搭建人员，11月23日完成',
        requestId: expect.stringMatching(/^console-[0-9a-f-]{36}$/),
      },
    ]);
    const row = within(planCard('双11 运营计划')).getByTestId('plan-task');
    expect(row).toHaveTextContent('直播间搭建');
    expect(row).toHaveTextContent('延期原因：场地交付推迟 3 天；追赶计划：加派两名搭建人员，11月23日完成');
    expect(screen.queryByTestId('task-creator')).toBeNull();
  });

  it('refuses an unreadable budget on the page and sends nothing', async () => {
    const sent = answerPage();
    open();
    const form = await openTaskForm();
    fillIn(form, '预算（元，可不填）', '2万');
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('未保存：预算须为金额（可为 0），最多两位小数');
    expect(sent.tasks).toEqual([]);
  });

  it('says every problem the server found, and the same form saved again keeps its requestId', async () => {
    const sent = answerPage({ task: () => twoProblems('createPlanTask') });
    open();
    const form = await openTaskForm();
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    await expectAlertFollowsToggle(/^保存失败：负责人：最多 50 个字符；一个计划最多 500 个任务$/, /^Not saved: owner: at most 50 characters; a plan has at most 500 tasks$/);
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    await waitFor(() => expect(sent.tasks).toHaveLength(2));
    expect(sent.tasks[1]!.requestId).toBe(sent.tasks[0]!.requestId);
    expect(sent.tasks[0]).toMatchObject({ planId: PLAN.id, title: '直播间搭建', status: 'NOT_STARTED' });
  });

  it('says a FORBIDDEN in the console’s words', async () => {
    answerPage({ task: forbidden });
    open();
    const form = await openTaskForm();
    fireEvent.click(within(form).getByRole('button', { name: '创建任务' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(/^保存失败：此账号只有查看权限$/);
  });
});
