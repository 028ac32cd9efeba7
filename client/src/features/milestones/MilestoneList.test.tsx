import { screen, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { milestone } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { MilestoneList, needsResponsePlan } from './MilestoneList';
import { isPlanOverdue, withOverdue } from './overdue';

const unplanned = milestone({ id: 'm1', name: '支付通道扩容', riskLevel: 'HIGH', responsePlan: null, responsePlanDueAt: '2026-11-11T02:00:00Z' });
const planned = milestone({ id: 'm2', name: 'CDN 预热', riskLevel: 'HIGH', responsePlan: '切换备用 CDN 厂商', dueAt: '2026-11-10T08:00:00Z' });
const low = milestone({ id: 'm3', name: '客服排班', riskLevel: 'LOW', overdue: true, status: 'DELAYED' });
const done = milestone({ id: 'm4', name: '会场页面上线', riskLevel: 'NONE', status: 'DONE' });

const itemFor = (name: string) => {
  const item = screen.getByText(name).closest('li');
  if (!item) throw new Error(`no milestone named ${name}`);
  return item;
};

describe('a HIGH risk without a response plan', () => {
  it('is one whose plan is missing or blank, only at HIGH risk and while the milestone is open', () => {
    expect(needsResponsePlan({ riskLevel: 'HIGH', responsePlan: null, status: 'IN_PROGRESS' })).toBe(true);
    expect(needsResponsePlan({ riskLevel: 'HIGH', responsePlan: '   ', status: 'NOT_STARTED' })).toBe(true);
    expect(needsResponsePlan({ riskLevel: 'HIGH', responsePlan: '限流降级', status: 'IN_PROGRESS' })).toBe(false);
    expect(needsResponsePlan({ riskLevel: 'MEDIUM', responsePlan: null, status: 'IN_PROGRESS' })).toBe(false);
    expect(needsResponsePlan({ riskLevel: 'HIGH', responsePlan: null, status: 'DONE' })).toBe(false);
  });

  it('is not flagged, nor put first, once its milestone is done', () => {
    const finished = milestone({ id: 'm7', name: '压测收尾', riskLevel: 'HIGH', responsePlan: null, status: 'DONE', responsePlanDueAt: null, dueAt: '2026-11-09T08:00:00Z' });
    renderWithProviders(() => <MilestoneList milestones={[low, finished]} />, { locale: 'zh-CN' });
    expect(itemFor('压测收尾')).toHaveAttribute('data-needs-plan', 'false');
    expect(within(itemFor('压测收尾')).queryByTestId('no-plan-warning')).not.toBeInTheDocument();
    expect(screen.getAllByTestId('milestone').map((li) => li.textContent?.includes('客服排班'))).toEqual([true, false]);
  });

  it('stands out on the board with a warning and when its plan is due; the others do not', () => {
    renderWithProviders(() => <MilestoneList milestones={[unplanned, planned, low, done]} />, { locale: 'zh-CN' });
    expect(screen.getAllByTestId('milestone')).toHaveLength(4);

    const flagged = itemFor('支付通道扩容');
    expect(flagged).toHaveAttribute('data-needs-plan', 'true');
    expect(flagged).toHaveClass('needs-plan', 'risk-high');
    expect(within(flagged).getByTestId('no-plan-warning')).toBeVisible();
    expect(within(flagged).getByTestId('no-plan-warning')).toHaveTextContent('⚠ 高风险 · 无应对预案 · 预案截止 11月11日 10:00');

    for (const name of ['CDN 预热', '客服排班', '会场页面上线']) {
      expect(itemFor(name)).toHaveAttribute('data-needs-plan', 'false');
      expect(itemFor(name)).not.toHaveClass('needs-plan');
      expect(within(itemFor(name)).queryByTestId('no-plan-warning')).not.toBeInTheDocument();
    }
    expect(screen.getAllByTestId('no-plan-warning')).toHaveLength(1);
  });

  it('says the plan is overdue once its 24 hours are up, in place of its deadline', () => {
    renderWithProviders(() => <MilestoneList milestones={[{ ...unplanned, responsePlanOverdue: true }]} />, { locale: 'zh-CN' });
    const warning = within(itemFor('支付通道扩容')).getByTestId('no-plan-warning');
    expect(warning).toHaveTextContent('⚠ 高风险 · 无应对预案 · 预案已逾期（截止 11月11日 10:00）');
    expect(within(warning).getByTestId('plan-overdue')).toHaveClass('overdue');
  });
});

describe('a risk with its response plan', () => {
  it('says what the room will do on the row itself, compact as on the wall, for an open HIGH or MEDIUM risk only', () => {
    const medium = milestone({ id: 'm5', name: '直播排期', riskLevel: 'MEDIUM', responsePlan: '备用主播 19:00 接档' });
    const donePlanned = milestone({ id: 'm6', name: '压测', riskLevel: 'HIGH', status: 'DONE', responsePlan: '扩容两倍' });
    renderWithProviders(() => <MilestoneList milestones={[unplanned, planned, { ...low, responsePlan: '临时加人' }, medium, donePlanned]} />, { locale: 'zh-CN' });
    expect(within(itemFor('CDN 预热')).getByTestId('milestone-plan')).toHaveTextContent('应对：切换备用 CDN 厂商');
    expect(within(itemFor('CDN 预热')).getByTestId('milestone-plan')).toHaveAttribute('title', '切换备用 CDN 厂商');
    expect(within(itemFor('直播排期')).getByTestId('milestone-plan')).toHaveTextContent('应对：备用主播 19:00 接档');
    // No plan to show: none written (the warning says so instead), a low risk, a milestone done.
    for (const name of ['支付通道扩容', '客服排班', '压测']) expect(within(itemFor(name)).queryByTestId('milestone-plan')).not.toBeInTheDocument();
  });
});

describe('the board on its own clock', () => {
  const at = (iso: string) => Date.parse(iso);
  it('marks a missing response plan overdue once its deadline passes, as the server would, and keeps the server’s verdict', () => {
    expect(isPlanOverdue(unplanned, at('2026-11-11T01:59:59Z'))).toBe(false);
    expect(isPlanOverdue(unplanned, at('2026-11-11T02:00:01Z'))).toBe(true);
    // A plan written, or a risk lowered, owes nothing.
    expect(isPlanOverdue({ ...unplanned, responsePlan: '限流降级' }, at('2026-11-12T00:00:00Z'))).toBe(false);
    expect(isPlanOverdue({ ...unplanned, riskLevel: 'MEDIUM' }, at('2026-11-12T00:00:00Z'))).toBe(false);

    const dueLater = { ...unplanned, dueAt: '2026-11-20T00:00:00Z', overdueAt: '2026-11-20T00:00:00Z' };
    const [before] = withOverdue([dueLater], at('2026-11-11T01:00:00Z'));
    expect(before).toBe(dueLater);
    const [after] = withOverdue([dueLater], at('2026-11-11T03:00:00Z'));
    expect(after).toMatchObject({ responsePlanOverdue: true, overdue: false });
    const [server] = withOverdue([{ ...dueLater, responsePlanOverdue: true }], at('2026-11-11T01:00:00Z'));
    expect(server!.responsePlanOverdue).toBe(true);
  });
});

describe('已逾期 as the MILESTONE_OVERDUE alert calls it', () => {
  const at = (iso: string) => Date.parse(iso);
  // Due 12:00 Beijing; its campaign gives the alert 30 minutes' grace.
  const graced = milestone({ id: 'm6', name: '直播间彩排', dueAt: '2026-11-11T04:00:00Z', overdueAt: '2026-11-11T04:30:00Z' });

  it('is not 已逾期 within its campaign’s grace, only once the alert would fire', () => {
    const [inGrace] = withOverdue([graced], at('2026-11-11T04:10:00Z'));
    expect(inGrace).toBe(graced);
    const [late] = withOverdue([graced], at('2026-11-11T04:30:01Z'));
    expect(late!.overdue).toBe(true);
  });

  it('says until when the grace runs, in place of 已逾期, and 已逾期 after', () => {
    renderWithProviders(() => <MilestoneList milestones={[graced, { ...graced, id: 'm7', name: '客服扩招', overdue: true }]} />, { locale: 'zh-CN' });
    const open = within(itemFor('直播间彩排')).getByTestId('milestone-meta');
    expect(open).toHaveTextContent('宽限至 11月11日 12:30');
    expect(open).not.toHaveTextContent('已逾期');
    expect(within(open).getByTestId('milestone-grace')).toHaveAttribute('title', '关键节点逾期预警的宽限：到此时仍未完成即为已逾期，并发出预警');
    const late = within(itemFor('客服扩招')).getByTestId('milestone-meta');
    expect(late).toHaveTextContent('已逾期');
    expect(late).not.toHaveTextContent('宽限');
  });

  it('says nothing of a grace where the campaign gives none, nor for finished work', () => {
    renderWithProviders(() => <MilestoneList milestones={[low, { ...graced, status: 'DONE' }]} />, { locale: 'en' });
    expect(screen.queryByTestId('milestone-grace')).not.toBeInTheDocument();
  });
});

describe('MilestoneList', () => {
  it('puts missing plans first, then open work by due date, finished work last', () => {
    const soon = milestone({ id: 'm5', name: '物流预约', dueAt: '2026-11-09T04:00:00Z' });
    renderWithProviders(() => <MilestoneList milestones={[done, low, planned, soon, unplanned]} />, { locale: 'zh-CN' });
    const names = screen.getAllByTestId('milestone').map((li) => li.querySelector('.milestone-name')?.textContent);
    expect(names).toEqual(['支付通道扩容', '物流预约', '客服排班', 'CDN 预热', '会场页面上线']);
  });

  it('marks overdue milestones and only those', () => {
    renderWithProviders(() => <MilestoneList milestones={[unplanned, low]} />, { locale: 'zh-CN' });
    expect(within(itemFor('客服排班')).getByText(/已逾期/)).toBeInTheDocument();
    expect(within(itemFor('支付通道扩容')).queryByText(/已逾期/)).not.toBeInTheDocument();
  });

  it('shows owner, due time in Beijing, standard, status and risk', () => {
    renderWithProviders(() => <MilestoneList milestones={[low, done]} />, { locale: 'zh-CN' });
    const item = itemFor('客服排班');
    expect(item).toHaveTextContent('负责人 王磊 · 截止 11月10日 12:00');
    expect(item).toHaveTextContent('完成标准：峰值 5 万单/秒下 P99 < 300 ms');
    expect(item).toHaveTextContent('已延期');
    expect(item).toHaveTextContent('低风险');
    expect(itemFor('会场页面上线')).toHaveClass('done');
  });

  it('gives only the first milestone in attention order its standard as a line; the rest have it as their tooltip', () => {
    renderWithProviders(() => <MilestoneList milestones={[done, low, unplanned]} />, { locale: 'zh-CN' });
    const items = screen.getAllByTestId('milestone');
    expect(items[0]).toBe(itemFor(unplanned.name));
    expect(items[0]).toHaveTextContent(`完成标准：${unplanned.completionStandard}`);
    expect(items[0]).not.toHaveClass('compact');
    for (const item of items.slice(1)) {
      expect(item).toHaveClass('compact');
      expect(item).not.toHaveTextContent('完成标准');
      expect(item.getAttribute('title')).toMatch(/^负责人 .+ · 截止 .+\n完成标准：/);
      // One line that still says who and when.
      expect(within(item).getByTestId('milestone-meta')).toHaveTextContent(/^.+ · \d+月\d+日 \d\d:\d\d/);
    }
  });

  it('shows the 实际情况 note when there is one, cut to one line and readable in full as a tooltip', () => {
    const note = '压测完成 80%，支付链路待压；预计 11月10日 18:00 前完成剩余场景';
    renderWithProviders(() => <MilestoneList milestones={[{ ...low, actualSituation: note }, done]} />, { locale: 'zh-CN' });
    const actual = within(itemFor('客服排班')).getByTestId('milestone-actual');
    expect(actual).toHaveTextContent(`实际情况：${note}`);
    expect(actual).toHaveAttribute('title', note);
    expect(within(itemFor('会场页面上线')).queryByTestId('milestone-actual')).not.toBeInTheDocument();
  });

  it('offers no edit control unless the board says the viewer may edit', () => {
    renderWithProviders(() => <MilestoneList milestones={[low, done]} />, { locale: 'zh-CN' });
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('reads in English', () => {
    renderWithProviders(() => <MilestoneList milestones={[unplanned, { ...low, actualSituation: '60% staffed' }]} canEdit />, { locale: 'en' });
    expect(screen.getByTestId('no-plan-warning')).toHaveTextContent('HIGH risk · no response plan · plan due Nov 11, 10:00');
    expect(itemFor('客服排班')).toHaveTextContent('Overdue');
    expect(itemFor('客服排班')).toHaveTextContent('Actual: 60% staffed');
    expect(within(itemFor('客服排班')).getByRole('button', { name: 'Edit milestone “客服排班”' })).toHaveTextContent('Edit');
  });

  it('says so when there are no milestones', () => {
    renderWithProviders(() => <MilestoneList milestones={[]} />, { locale: 'zh-CN' });
    expect(screen.getByText('没有关键节点')).toBeInTheDocument();
    expect(screen.queryByTestId('milestones')).not.toBeInTheDocument();
  });
});
