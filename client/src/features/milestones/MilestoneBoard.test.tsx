import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAY_MANAGE, milestone, milestoneChangedPayload, milestonesResult, READ_ONLY, updateMilestoneResult, type MilestoneFixture } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi } from '../../../test/render';
import { LangToggle } from '../../components/LangToggle';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { Locale } from '../../i18n/messages';
import type { Permission } from '../access/viewer.documents';
import { MilestoneBoard } from './MilestoneBoard';
import { MilestoneChangedSubscription, type MilestonesQuery, type UpdateMilestoneMutation } from './milestones.documents';
import { expectAlertFollowsToggle } from '../../../test/refusals';

useMockApi();
afterEach(() => void vi.useRealTimers());

const CAMPAIGN = 'c-1111';
const payments = milestone({ id: 'm1', name: '支付通道扩容', riskLevel: 'HIGH', dueAt: '2026-11-10T02:00:00Z' });
const cdn = milestone({ id: 'm2', name: 'CDN 预热', riskLevel: 'HIGH', responsePlan: '切换备用 CDN 厂商', dueAt: '2026-11-10T06:00:00Z' });
const staffing = milestone({ id: 'm3', name: '客服排班', dueAt: '2026-11-10T08:00:00Z' });

/** Answers every WarRoomMilestones with what `answer` gives the n-th question; returns the campaigns asked for. */
function milestonesInTurn(answer: (asked: number) => MilestoneFixture[] | null) {
  const asked: string[] = [];
  server.use(
    api.query<ResultOf<typeof MilestonesQuery>, VariablesOf<typeof MilestonesQuery>>('WarRoomMilestones', ({ variables }) => {
      asked.push(variables.campaignId);
      return HttpResponse.json({ data: milestonesResult(variables.campaignId, answer(asked.length)) });
    }),
  );
  return asked;
}

function openBoard(options: { permissions?: readonly Permission[]; locale?: Locale; partial?: boolean } = {}) {
  const testApi = startApi();
  const permissions = new Set(options.permissions ?? READ_ONLY);
  renderWithProviders(() => <MilestoneBoard campaignId={CAMPAIGN} permissions={permissions} connects={testApi.connection.connects} partial={options.partial} />, {
    api: testApi,
    locale: options.locale ?? 'zh-CN',
  });
  return testApi;
}

/** Opens the board and waits until it has loaded and listens for changes. */
async function openLiveBoard(options: Parameters<typeof openBoard>[0] = {}) {
  const testApi = openBoard(options);
  await vi.waitFor(() => expect(testApi.live.isSubscribed('WarRoomMilestoneChanged')).toBe(true));
  await waitFor(() => expect(screen.getByTestId('milestone-board').querySelector('.milestones, .empty')).not.toBeNull());
  return testApi;
}

const names = () => screen.queryAllByTestId('milestone').map((li) => li.querySelector('.milestone-name')?.textContent);
const itemFor = (name: string) => {
  const item = within(screen.getByTestId('milestone-board')).getByTitle(name, { exact: true }).closest('li');
  if (!item) throw new Error(`no milestone named ${name}`);
  return item;
};

describe('MilestoneBoard', () => {
  it("loads the campaign's milestones and flags the HIGH risk that has no plan", async () => {
    const asked = milestonesInTurn(() => [payments, cdn]);
    const { live } = await openLiveBoard();

    const board = screen.getByTestId('milestone-board');
    expect(within(board).getByRole('heading')).toHaveTextContent('关键节点');
    const warning = await within(board).findByTestId('no-plan-warning');
    expect(warning.closest('li')).toHaveTextContent('支付通道扩容');
    expect(within(board).getAllByTestId('milestone')).toHaveLength(2);
    expect(asked).toEqual([CAMPAIGN]);
    expect(live.variablesOf('WarRoomMilestoneChanged')).toEqual([{ campaignId: CAMPAIGN }]);
  });

  it('shows the empty state for a campaign the API does not know', async () => {
    milestonesInTurn(() => null);
    openBoard();
    expect(await screen.findByText('没有关键节点')).toBeInTheDocument();
  });

  it('does not poll: minutes pass without another question', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const asked = milestonesInTurn(() => [payments, cdn]);
    await openLiveBoard();
    expect(asked).toHaveLength(1);

    vi.advanceTimersByTime(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // a question sent now would have been answered
    expect(asked).toHaveLength(1);
  });

  it('marks a milestone 逾期 by itself once its due time passes unfinished, asking nothing', async () => {
    // Due in a second, with no grace: overdue (overdueAt) from that moment.
    const soon = () => {
      const at = new Date(Date.now() + 1_000).toISOString();
      return { dueAt: at, overdueAt: at };
    };
    const asked = milestonesInTurn(() => [
      { ...staffing, ...soon(), status: 'IN_PROGRESS', overdue: false },
      { ...cdn, ...soon(), status: 'DONE', overdue: false },
    ]);
    await openLiveBoard();
    expect(screen.queryByText(/逾期/)).not.toBeInTheDocument();

    expect(await within(itemFor('客服排班')).findByText(/逾期/, {}, { timeout: 3_000 })).toBeInTheDocument();
    expect(within(itemFor('CDN 预热')).queryByText(/逾期/)).not.toBeInTheDocument(); // done in time
    expect(asked).toHaveLength(1);
  });

  it('changes a milestone in place when milestoneChanged says it was updated, keeping the board order', async () => {
    milestonesInTurn(() => [payments, cdn, staffing]);
    const { live } = await openLiveBoard();
    expect(names()).toEqual(['支付通道扩容', 'CDN 预热', '客服排班']);
    const item = itemFor('客服排班');

    const later = { updatedAt: '2026-11-11T04:00:00Z' };
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('UPDATED', { ...staffing, ...later, status: 'DELAYED', actualSituation: '外包客服到岗 60%' }));
    await waitFor(() => expect(item).toHaveTextContent('已延期'));
    expect(itemFor('客服排班')).toBe(item);
    expect(within(item).getByTestId('milestone-actual')).toHaveTextContent('实际情况：外包客服到岗 60%');

    // A plan arrives for the payments milestone: no longer first, it takes its place by due date.
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('UPDATED', { ...payments, ...later, responsePlan: '启用备用支付通道' }));
    await waitFor(() => expect(screen.queryByTestId('no-plan-warning')).not.toBeInTheDocument());
    expect(names()).toEqual(['支付通道扩容', 'CDN 预热', '客服排班']);
    expect(screen.getAllByTestId('milestone')).toHaveLength(3);

    // An older copy of a milestone does not undo a newer one.
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('UPDATED', staffing));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(item).toHaveTextContent('已延期');
  });

  it('adds a created milestone in its place by due date', async () => {
    milestonesInTurn(() => [payments, staffing]);
    const { live } = await openLiveBoard();

    live.push(MilestoneChangedSubscription, milestoneChangedPayload('CREATED', milestone({ id: 'm9', name: '物流预约', dueAt: '2026-11-10T07:00:00Z' })));
    await waitFor(() => expect(names()).toEqual(['支付通道扩容', '物流预约', '客服排班']));
    // The same message twice lists it once.
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('CREATED', milestone({ id: 'm9', name: '物流预约', dueAt: '2026-11-10T07:00:00Z' })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getAllByTestId('milestone')).toHaveLength(3);
  });

  it('reloads after the first reconnect too when it opened on a socket already up (another campaign picked)', async () => {
    const asked = milestonesInTurn((n) => (n === 1 ? [payments] : [{ ...payments, responsePlan: '启用备用支付通道', updatedAt: '2026-11-11T04:00:00Z' }]));
    const testApi = startApi();
    await vi.waitFor(() => expect(testApi.connection.connects()).toBe(1));
    renderWithProviders(() => <MilestoneBoard campaignId={CAMPAIGN} permissions={new Set(READ_ONLY)} connects={testApi.connection.connects} />, {
      api: testApi,
      locale: 'zh-CN',
    });
    expect(await screen.findByTestId('no-plan-warning')).toBeInTheDocument();

    testApi.live.drop();
    await vi.waitFor(() => expect(testApi.connection.connects()).toBe(2), { timeout: 5_000 });
    await waitFor(() => expect(screen.queryByTestId('no-plan-warning')).not.toBeInTheDocument());
    expect(asked).toHaveLength(2);
  });

  it('reloads once after a reconnect, so a change made while the socket was down shows', async () => {
    const asked = milestonesInTurn((n) => (n === 1 ? [payments, staffing] : [{ ...payments, responsePlan: '启用备用支付通道', updatedAt: '2026-11-11T04:00:00Z' }, staffing]));
    const { live, connection } = await openLiveBoard();
    expect(screen.getAllByTestId('no-plan-warning')).toHaveLength(1);

    live.drop();
    await vi.waitFor(() => expect(connection.connects()).toBe(2), { timeout: 5_000 });
    await waitFor(() => expect(screen.queryByTestId('no-plan-warning')).not.toBeInTheDocument());
    expect(asked).toHaveLength(2);

    await vi.waitFor(() => expect(live.isSubscribed('WarRoomMilestoneChanged')).toBe(true));
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('CREATED', milestone({ id: 'm9', name: '物流预约' })));
    await waitFor(() => expect(names()).toContain('物流预约'));
    expect(asked).toHaveLength(2);
  });
});

describe('MilestoneBoard after a failed load', () => {
  /** WarRoomMilestones answers 502 while `failing()`, then `list`; returns how many times the board asked. */
  function answerWhile(failing: () => boolean, list: MilestoneFixture[]) {
    let asked = 0;
    server.use(
      api.query<ResultOf<typeof MilestonesQuery>, VariablesOf<typeof MilestonesQuery>>('WarRoomMilestones', ({ variables }) => {
        asked += 1;
        if (failing()) return HttpResponse.json({ errors: [{ message: 'Bad Gateway' }] }, { status: 502 });
        return HttpResponse.json({ data: milestonesResult(variables.campaignId, list) });
      }),
    );
    return () => asked;
  }

  it('asks again after the back-off, without waiting for a reconnect', async () => {
    let failures = 1;
    const asked = answerWhile(() => failures-- > 0, [payments, staffing]);
    const { live } = openBoard();
    expect(await screen.findByText(/^关键节点加载失败：/)).toBeInTheDocument();

    await waitFor(() => expect(names()).toEqual(['支付通道扩容', '客服排班']), { timeout: 3_000 });
    expect(screen.queryByText(/^关键节点加载失败：/)).not.toBeInTheDocument();
    expect(asked()).toBe(2);
    expect(live.connections()).toBe(1);
  });

  it('loads again the moment the socket first connects when the load before it failed', async () => {
    let down = true;
    const asked = answerWhile(() => down, [payments]);
    const { live } = openBoard();
    live.hold();
    expect(await screen.findByText(/^关键节点加载失败：/)).toBeInTheDocument();
    await waitFor(() => expect(asked()).toBe(2), { timeout: 2_000 }); // the first retry fails too; the next waits a second

    down = false;
    live.accept();
    await waitFor(() => expect(names()).toEqual(['支付通道扩容']), { timeout: 700 });
    expect(asked()).toBe(3);
  });

  it('says why in the language the screen is toggled to, after the failure', async () => {
    server.use(
      api.query('WarRoomMilestones', () =>
        HttpResponse.json({ errors: [{ message: 'campaign not found', extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_FOUND', messageZh: '活动不存在' } }] }),
      ),
    );
    const testApi = startApi();
    // The wall's language toggle beside the board, as the status bar puts it.
    renderWithProviders(
      () => (
        <>
          <LangToggle />
          <MilestoneBoard campaignId={CAMPAIGN} permissions={new Set(READ_ONLY)} connects={testApi.connection.connects} />
        </>
      ),
      { api: testApi, locale: 'zh-CN' },
    );
    await expectAlertFollowsToggle(/^关键节点加载失败：活动不存在$/, /^Could not load the milestones: \[GraphQL\] campaign not found$/, '活动不存在');
  });
});

type UpdateAnswer = (input: VariablesOf<typeof UpdateMilestoneMutation>['input']) => ResultOf<typeof UpdateMilestoneMutation>;

/** Answers every WarRoomUpdateMilestone with `answer`; returns the inputs sent, in order. */
function updates(answer: UpdateAnswer) {
  const sent: VariablesOf<typeof UpdateMilestoneMutation>['input'][] = [];
  server.use(
    api.mutation<ResultOf<typeof UpdateMilestoneMutation>, VariablesOf<typeof UpdateMilestoneMutation>>('WarRoomUpdateMilestone', ({ variables }) => {
      sent.push(variables.input);
      return HttpResponse.json({ data: answer(variables.input) });
    }),
  );
  return sent;
}

const field = (dialog: HTMLElement, label: string) => within(dialog).getByLabelText(label);

describe('editing a milestone from the screen', () => {
  it('shows no edit control to a viewer who may only read (a screen key, a VIEWER)', async () => {
    milestonesInTurn(() => [payments, cdn]);
    await openLiveBoard({ permissions: READ_ONLY });
    expect(screen.getAllByTestId('milestone')).toHaveLength(2);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('milestone-board')).not.toHaveTextContent('编辑');
  });

  it('shows no edit control to an operator who sees only their shops’ part of the campaign (the server would refuse)', async () => {
    milestonesInTurn(() => [payments, cdn]);
    await openLiveBoard({ permissions: MAY_MANAGE, partial: true });
    expect(screen.getAllByTestId('milestone')).toHaveLength(2);
    expect(screen.getByTestId('milestone-board')).not.toHaveTextContent('编辑');
  });

  it('sends only what the operator changed, and the board shows the saved milestone', async () => {
    milestonesInTurn(() => [payments, staffing]);
    const sent = updates((input) => updateMilestoneResult({ ...staffing, status: 'DELAYED', actualSituation: input.actualSituation ?? null, updatedAt: '2026-11-11T04:01:00Z' }));
    await openLiveBoard({ permissions: MAY_MANAGE });

    const opener = within(itemFor('客服排班')).getByRole('button', { name: '编辑节点「客服排班」' });
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: '编辑节点 · 客服排班' });
    expect(field(dialog, '状态')).toHaveFocus();
    expect(field(dialog, '状态')).toHaveValue('IN_PROGRESS');
    expect(field(dialog, '风险等级')).toHaveValue('LOW');

    fireEvent.change(field(dialog, '状态'), { target: { value: 'DELAYED' } });
    fireEvent.input(field(dialog, '实际情况'), { target: { value: '  外包客服到岗 60%，缺口 40 人 ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sent).toEqual([{ id: staffing.id, status: 'DELAYED', actualSituation: '外包客服到岗 60%，缺口 40 人' }]);
    expect(itemFor('客服排班')).toHaveTextContent('已延期');
    expect(within(itemFor('客服排班')).getByTestId('milestone-actual')).toHaveTextContent('实际情况：外包客服到岗 60%，缺口 40 人');
    expect(opener).toHaveFocus();
  });

  it.each([
    { locale: 'zh-CN' as const, edit: '编辑节点「CDN 预热」', plan: '风险应对方案', save: '保存', says: '高风险节点必须保留风险应对方案' },
    { locale: 'en' as const, edit: 'Edit milestone “CDN 预热”', plan: 'Response plan', save: 'Save', says: 'A HIGH-risk milestone must keep its response plan' },
  ])('says in words ($locale) that a HIGH risk must keep its response plan, and keeps the form open', async ({ locale, edit, plan, save, says }) => {
    milestonesInTurn(() => [cdn]);
    const sent = updates(() =>
      updateMilestoneResult(null, [{ code: 'RESPONSE_PLAN_REQUIRED', message: 'A HIGH risk milestone needs a response plan', messageZh: '高风险节点需要风险应对方案' }]),
    );
    await openLiveBoard({ permissions: MAY_MANAGE, locale });

    fireEvent.click(screen.getByRole('button', { name: edit }));
    const dialog = screen.getByRole('dialog');
    expect(field(dialog, plan)).toHaveValue('切换备用 CDN 厂商');
    fireEvent.input(field(dialog, plan), { target: { value: '   ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: save }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(says);
    expect(within(dialog).getByRole('alert')).not.toHaveTextContent('needs a response plan');
    expect(sent).toEqual([{ id: cdn.id, responsePlan: null }]);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: save })).toBeEnabled();
    expect(itemFor('CDN 预热')).toHaveAttribute('data-needs-plan', 'false');
  });

  it('keeps Tab inside the dialog and closes on Esc without sending anything', async () => {
    milestonesInTurn(() => [staffing]);
    const sent = updates(() => updateMilestoneResult(staffing));
    await openLiveBoard({ permissions: MAY_MANAGE });

    const opener = screen.getByRole('button', { name: '编辑节点「客服排班」' });
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog');
    // Tab wraps inside the dialog: from 保存 back to the first field, and the other way.
    within(dialog).getByRole('button', { name: '保存' }).focus();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Tab' });
    expect(field(dialog, '状态')).toHaveFocus();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Tab', shiftKey: true });
    expect(within(dialog).getByRole('button', { name: '保存' })).toHaveFocus();
    fireEvent.change(field(dialog, '风险等级'), { target: { value: 'HIGH' } });
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toEqual([]);
  });

  it('keeps what the operator is typing when someone else changes the milestone meanwhile, and does not write their change back', async () => {
    milestonesInTurn(() => [staffing]);
    const sent = updates((input) => updateMilestoneResult({ ...staffing, owner: '李娜', status: 'DONE', actualSituation: input.actualSituation ?? null, updatedAt: '2026-11-11T04:02:00Z' }));
    const { live } = await openLiveBoard({ permissions: MAY_MANAGE });

    fireEvent.click(screen.getByRole('button', { name: '编辑节点「客服排班」' }));
    const dialog = screen.getByRole('dialog');
    fireEvent.input(field(dialog, '实际情况'), { target: { value: '排班表已发' } });
    live.push(MilestoneChangedSubscription, milestoneChangedPayload('UPDATED', { ...staffing, owner: '李娜', status: 'DONE', updatedAt: '2026-11-11T04:00:00Z' }));
    await waitFor(() => expect(itemFor('客服排班')).toHaveTextContent('负责人 李娜'));
    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(field(dialog, '实际情况')).toHaveValue('排班表已发');

    // The status the form opened with was not touched here: the DONE set elsewhere stays.
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sent).toEqual([{ id: staffing.id, actualSituation: '排班表已发' }]);
    expect(itemFor('客服排班')).toHaveTextContent('已完成');
  });
});
