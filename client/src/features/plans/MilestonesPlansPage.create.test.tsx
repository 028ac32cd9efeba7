import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { maskFragments } from 'gql.tada';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole } from '../../../test/console';
import { campaign, campaignsResult, MAY_MANAGE, milestone, milestonesResult, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import { MilestoneFields, type CreateMilestoneMutation } from '../milestones/milestones.documents';
import type { MilestonesCampaignQuery } from './plans.documents';

useMockApi();

const CAMPAIGN = 'c-1111';
const RUNNING = { id: CAMPAIGN, endsAt: '2099-11-11T16:00:00Z', partial: false };
type Created = VariablesOf<typeof CreateMilestoneMutation>['input'];
type Answer = (input: Created) => Response | undefined;

/** The page for a campaign (RUNNING unless said), its one milestone and no plans; createMilestone answered by `answer` or made as sent. */
function answerPage(options: { campaign?: ResultOf<typeof MilestonesCampaignQuery>['campaign']; answer?: Answer } = {}) {
  const created: Created[] = [];
  server.use(
    api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([campaign({ id: CAMPAIGN, status: 'ACTIVE' })]) })),
    api.query('WarRoomMilestones', () => HttpResponse.json({ data: milestonesResult(CAMPAIGN, [milestone({ id: 'm1', name: '主会场压测' })]) })),
    api.query('ConsolePlans', () => HttpResponse.json({ data: { plans: { edges: [] } } })),
    api.query<ResultOf<typeof MilestonesCampaignQuery>>('ConsoleMilestonesCampaign', () => HttpResponse.json({ data: { campaign: options.campaign === undefined ? RUNNING : options.campaign } })),
    api.mutation<ResultOf<typeof CreateMilestoneMutation>, VariablesOf<typeof CreateMilestoneMutation>>('ConsoleCreateMilestone', ({ variables }) => {
      created.push(variables.input);
      const refused = options.answer?.(variables.input);
      if (refused) return refused;
      const { input } = variables;
      const made = milestone({
        id: 'm-new',
        name: input.name,
        owner: input.owner,
        dueAt: input.dueAt as string,
        completionStandard: input.completionStandard,
        status: 'NOT_STARTED',
        riskLevel: input.riskLevel ?? 'NONE',
        responsePlan: input.responsePlan ?? null,
        actualSituation: input.actualSituation ?? null,
        updatedAt: '2026-12-01T02:00:00Z',
      });
      return HttpResponse.json({ data: { createMilestone: { milestone: maskFragments([MilestoneFields], made), userErrors: [] } } });
    }),
  );
  return created;
}

const creator = () => screen.getByTestId('milestone-creator');
const fill = (label: string, value: string) => {
  const field = within(creator()).getByLabelText(label);
  fireEvent.input(field, { target: { value } });
  fireEvent.change(field, { target: { value } });
};
const save = () => fireEvent.click(within(creator()).getByRole('button', { name: '创建节点' }));

async function openForm(options: Parameters<typeof answerPage>[0] = {}) {
  const created = answerPage(options);
  openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: MAY_MANAGE });
  fireEvent.click(await screen.findByRole('button', { name: '新建关键节点' }));
  return created;
}

function fillComplete() {
  fill('节点名称', '会场页上线');
  fill('负责人', '李设计');
  fill('截止时间（北京时间）', '2026-11-08T18:00');
  fill('完成标准', '会场页 3 秒内打开');
}

describe('新建关键节点', () => {
  it('adds a milestone due in Beijing time to the board, a HIGH risk with its response plan', async () => {
    const created = await openForm();
    save();
    expect(await within(creator()).findByRole('alert')).toHaveTextContent('未保存：请填写节点名称');
    fillComplete();
    fireEvent.change(within(creator()).getByLabelText('风险等级'), { target: { value: 'HIGH' } });
    fill('风险应对方案（高风险须在 24 小时内提交）', '备用 CDN 切换，运维值守');
    fill('实际情况（可不填）', '设计稿已定稿');
    save();
    await waitFor(() => expect(screen.queryByTestId('milestone-creator')).toBeNull());
    expect(created).toEqual([
      {
        campaignId: CAMPAIGN,
        name: '会场页上线',
        owner: '李设计',
        dueAt: '2026-11-08T18:00:00+08:00',
        completionStandard: '会场页 3 秒内打开',
        riskLevel: 'HIGH',
        responsePlan: '备用 CDN 切换，运维值守',
        actualSituation: '设计稿已定稿',
        requestId: expect.stringMatching(/^console-[0-9a-f-]{36}$/),
      },
    ]);
    const board = screen.getByTestId('milestone-board');
    expect(await within(board).findByText('会场页上线')).toBeInTheDocument();
    expect(board).toHaveTextContent('主会场压测');
  });

  it('says every problem of a refusal, and saving the same form again sends the same requestId', async () => {
    const created = await openForm({
      answer: () =>
        HttpResponse.json({
          data: {
            createMilestone: {
              milestone: null,
              userErrors: [
                { code: 'INVALID_INPUT', message: 'name: at most 100 characters', messageZh: '名称：最多 100 个字符' },
                { code: 'LIMIT_REACHED', message: 'a campaign has at most 200 milestones', messageZh: '一个活动最多 200 个关键节点' },
              ],
            },
          },
        }),
    });
    fillComplete();
    save();
    await expectAlertFollowsToggle(/^保存失败：名称：最多 100 个字符；一个活动最多 200 个关键节点$/, /^Not saved: name: at most 100 characters; a campaign has at most 200 milestones$/);
    save();
    await waitFor(() => expect(created).toHaveLength(2));
    expect(created[1]!.requestId).toBe(created[0]!.requestId);
    expect(screen.getByTestId('milestone-creator')).toBeInTheDocument();
  });

  it('says a FORBIDDEN in the console’s words', async () => {
    await openForm({ answer: () => HttpResponse.json({ errors: [{ message: 'Not allowed: your credential does not permit Mutation.createMilestone', extensions: { code: 'FORBIDDEN' } }] }) });
    fillComplete();
    save();
    expect(await within(creator()).findByRole('alert')).toHaveTextContent(/^保存失败：此账号只有查看权限$/);
  });

  it.each([
    ['an ended campaign', { ...RUNNING, endsAt: '2026-06-18T16:00:00Z' }, '活动已结束：关键节点是复盘的记录，不能再新建'],
    ['a campaign the caller sees only part of', { ...RUNNING, partial: true }, '你只能看到该活动的部分店铺：新建关键节点需能查看其全部店铺的人'],
  ] as const)('offers no 新建关键节点 for %s, and says why', async (_case, shown, why) => {
    answerPage({ campaign: shown });
    openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    expect(await screen.findByTestId('milestones-create-note')).toHaveTextContent(why);
    expect(screen.queryByRole('button', { name: '新建关键节点' })).toBeNull();
  });

  it('offers no 新建关键节点 to a viewer without MANAGE', async () => {
    answerPage();
    openConsole(`/console/milestones/${CAMPAIGN}`, { credential: storedSession(1), permissions: READ_ONLY });
    expect(await screen.findByText('主会场压测')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('plans')).toHaveTextContent('没有运营计划'));
    expect(screen.queryByRole('button', { name: '新建关键节点' })).toBeNull();
    expect(screen.queryByTestId('milestones-create-note')).toBeNull();
  });
});
