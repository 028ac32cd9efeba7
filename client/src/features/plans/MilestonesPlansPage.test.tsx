import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole } from '../../../test/console';
import { campaign, campaignsResult, MAY_MANAGE, milestone, milestonesResult, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { PlansQuery, PlanTaskRow, UpdatePlanTaskMutation } from './plans.documents';
import { refusedAnswer } from '../../../test/refusals';

useMockApi();

const CAMPAIGN = 'c-1111';
const stale: PlanTaskRow = {
  id: 't1',
  title: '直播间搭建',
  owner: '赵敏',
  status: 'IN_PROGRESS',
  startsOn: '2026-11-01',
  endsOn: '2026-11-20',
  stale: true,
  weeklyUpdateDueAt: '2026-11-27T09:00:00Z',
  updatedAt: '2026-11-20T02:00:00Z',
  delayReason: null,
  catchUpPlan: null,
};
const fresh: PlanTaskRow = { ...stale, id: 't2', title: '达人合作', stale: false, updatedAt: '2026-11-28T02:00:00Z' };

function answerPage() {
  server.use(
    api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([campaign({ id: CAMPAIGN, status: 'ACTIVE' })]) })),
    api.query('WarRoomMilestones', () => HttpResponse.json({ data: milestonesResult(CAMPAIGN, [milestone({ id: 'm1', name: '主会场压测' })]) })),
    api.query('ConsoleMilestonesCampaign', () => HttpResponse.json({ data: { campaign: { id: CAMPAIGN, endsAt: '2099-11-11T16:00:00Z', partial: false } } })),
    api.query<ResultOf<typeof PlansQuery>>('ConsolePlans', () =>
      HttpResponse.json({
        data: { plans: { edges: [{ node: { id: 'p1', name: '双11 运营计划', owner: '李娜', goal: 'GMV +30%', periodStart: '2026-11-01', periodEnd: '2026-11-30', tasks: [stale, fresh] } }] } },
      }),
    ),
  );
}

const taskRow = (title: string) => screen.getAllByTestId('plan-task').find((row) => row.textContent?.includes(title))!;

describe('milestones and plans', () => {
  it('shows the milestones and the plan tasks, the one not updated by Friday 17:00 flagged, with no edit control for a VIEWER', async () => {
    answerPage();
    openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: READ_ONLY });
    await waitFor(() => expect(screen.getAllByTestId('plan-task')).toHaveLength(2));
    expect(await screen.findByText('主会场压测')).toBeInTheDocument();
    expect(taskRow('直播间搭建')).toHaveAttribute('data-stale', 'true');
    expect(taskRow('直播间搭建')).toHaveTextContent('未按时周更（11月27日 17:00 前）');
    expect(taskRow('达人合作')).not.toHaveTextContent('未按时周更');
    expect(screen.getByTestId('milestones-page').querySelectorAll('button')).toHaveLength(0);
  });

  it('lets a viewer with MANAGE mark a task delayed with its reason and catch-up plan', async () => {
    answerPage();
    const sent: VariablesOf<typeof UpdatePlanTaskMutation>['input'][] = [];
    server.use(
      api.mutation<ResultOf<typeof UpdatePlanTaskMutation>, VariablesOf<typeof UpdatePlanTaskMutation>>('ConsoleUpdatePlanTask', ({ variables }) => {
        sent.push(variables.input);
        const { delayReason = null, catchUpPlan = null } = variables.input;
        const status = variables.input.status ?? stale.status;
        return HttpResponse.json({ data: { updatePlanTask: { task: { ...stale, status, delayReason, catchUpPlan, stale: false, updatedAt: '2026-12-01T02:00:00Z' }, userErrors: [] } } });
      }),
    );
    openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '更新任务「直播间搭建」' }));
    const editor = screen.getByTestId('plan-task-editor');
    fireEvent.change(within(editor).getByLabelText('状态'), { target: { value: 'DELAYED' } });
    fireEvent.input(within(editor).getByLabelText('延期原因'), { target: { value: '场地交付推迟 3 天' } });
    fireEvent.input(within(editor).getByLabelText('追赶计划'), { target: { value: '加派两名搭建人员，11月23日完成' } });
    fireEvent.click(within(editor).getByRole('button', { name: '保存更新' }));

    await waitFor(() => expect(screen.queryByTestId('plan-task-editor')).not.toBeInTheDocument());
    expect(sent).toEqual([{ id: 't1', status: 'DELAYED', delayReason: '场地交付推迟 3 天', catchUpPlan: '加派两名搭建人员，11月23日完成' }]);
    expect(taskRow('直播间搭建')).toHaveTextContent('已延期');
    expect(taskRow('直播间搭建')).toHaveTextContent('延期原因：场地交付推迟 3 天；追赶计划：加派两名搭建人员，11月23日完成');
    expect(taskRow('直播间搭建')).toHaveAttribute('data-stale', 'false');
    // The milestone board's own editor is offered too.
    expect(screen.getByRole('button', { name: '编辑节点「主会场压测」' })).toBeInTheDocument();
  });

  it('says why the plans could not be loaded in the language the console is toggled to', async () => {
    answerPage();
    server.use(
      api.query('ConsolePlans', refusedAnswer('this credential may not read plans', '此凭据无权查看运营计划'),
      ),
    );
    openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: READ_ONLY });
    const plans = await screen.findByTestId('plans');
    expect(await within(plans).findByRole('alert')).toHaveTextContent(/^加载失败：此凭据无权查看运营计划$/);

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(within(plans).getByRole('alert')).toHaveTextContent(/^Failed to load: \[GraphQL\] this credential may not read plans$/);

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(within(plans).getByRole('alert')).toHaveTextContent(/^加载失败：此凭据无权查看运营计划$/);
  });
});
