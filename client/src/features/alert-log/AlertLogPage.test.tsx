import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle, refusedAnswer } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { AcknowledgeAlertLogMutation, AlertLogFilter, AlertLogQuery, AlertLogRow } from './alert-log.documents';

useMockApi();

function alert(overrides: Partial<AlertLogRow> = {}): AlertLogRow {
  return {
    id: 'QWxlcnQ6MQ==',
    rule: 'LOW_STOCK',
    severity: 'CRITICAL',
    status: 'OPEN',
    subject: '纯棉T恤 TS-002',
    message: '纯棉T恤 TS-002 库存 0 件，不高于预警阈值 50 件',
    messageEn: '纯棉T恤 TS-002 has 0 units in stock, at or under its threshold of 50',
    value: 0,
    threshold: 50,
    raisedAt: '2026-11-11T02:15:00Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    shop: { name: '天猫旗舰店' },
    ...overrides,
  };
}

const soldOut = alert();
// The server builds ROI < 1's subject from codes; the page names them as the rest of the console does.
const roi = alert({
  id: 'QWxlcnQ6Mg==',
  rule: 'ROI_BELOW_ONE',
  severity: 'WARNING',
  subject: '京东自营店 · JD · PAID',
  message: '付费推广 ROI 0.62，低于 1',
  messageEn: 'Paid ads ROI 0.62, below 1',
  value: 0.62,
  threshold: 1,
  raisedAt: '2025-06-18T01:00:00Z',
  shop: { name: '京东自营店' },
});
const resolved = alert({ id: 'QWxlcnQ6Mw==', status: 'RESOLVED', acknowledgedAt: '2026-11-11T02:20:00Z', acknowledgedBy: '王五', resolvedAt: '2026-11-11T03:00:00Z' });

type Asked = { filter: AlertLogFilter; after: string | null | undefined };

/** Answers ConsoleAlerts with `list` for every filter (two pages when asked so), and 认领 with the alert claimed by 王五 or `refuse`'s answer. */
function answerAlerts(list: readonly AlertLogRow[] = [soldOut, roi], refuse?: () => Response) {
  const asked: Asked[] = [];
  const acknowledged: string[] = [];
  server.use(
    api.query<ResultOf<typeof AlertLogQuery>, VariablesOf<typeof AlertLogQuery>>('ConsoleAlerts', ({ variables }) => {
      asked.push({ filter: variables.filter, after: variables.after });
      return HttpResponse.json({
        data: { alerts: { totalCount: 51, pageInfo: { hasNextPage: !variables.after, endCursor: 'cursor-50' }, edges: list.map((node) => ({ node })) } },
      });
    }),
    api.mutation<ResultOf<typeof AcknowledgeAlertLogMutation>, VariablesOf<typeof AcknowledgeAlertLogMutation>>('ConsoleAcknowledgeAlert', ({ variables }) => {
      acknowledged.push(variables.id);
      if (refuse) return refuse() as never;
      const was = list.find((a) => a.id === variables.id)!;
      const now = { ...was, status: 'ACKNOWLEDGED' as const, acknowledgedAt: '2026-11-11T04:00:00Z', acknowledgedBy: '王五' };
      return HttpResponse.json({ data: { acknowledgeAlert: { alert: now, userErrors: [] } } });
    }),
  );
  return { asked, acknowledged };
}

const row = (subject: string) => screen.getAllByTestId('alert-row').find((r) => within(r).getByTestId('alert-subject').textContent === subject)!;

describe('the alerts page (告警记录)', () => {
  it('lists the unclaimed alerts by default, worded as the war room words them, without 认领 for a caller who may only read', async () => {
    const { asked } = answerAlerts();
    openConsole('/console/alerts', { permissions: READ_ONLY });
    await waitFor(() => expect(screen.getAllByTestId('alert-row')).toHaveLength(2));
    expect(screen.getByRole('link', { name: '告警记录' })).toHaveClass('active');
    expect(asked).toEqual([{ filter: { statuses: ['OPEN'] }, after: null }]);
    expect(screen.getByRole('button', { name: '待认领' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('alert-total')).toHaveTextContent('共 51 条');

    const stock = row('纯棉T恤 TS-002');
    expect(stock).toHaveTextContent('严重');
    expect(stock).toHaveTextContent('库存预警');
    expect(within(stock).getByTestId('alert-message')).toHaveTextContent('纯棉T恤 TS-002 库存 0 件，不高于预警阈值 50 件当前 0 件 · 阈值 50 件');
    expect(stock).toHaveTextContent('天猫旗舰店');
    expect(stock).toHaveTextContent('11月11日 10:15');
    expect(within(stock).getByTestId('alert-state')).toHaveTextContent(/^待认领$/);

    const paid = row('京东自营店 · 京东 · 付费推广');
    expect(paid).toHaveTextContent('警告');
    expect(paid).toHaveTextContent('ROI 低于 1');
    expect(within(paid).getByTestId('alert-message')).toHaveTextContent('当前 0.62 · 阈值 1.00');
    // Raised in an earlier year: the year is said.
    expect(paid).toHaveTextContent('2025年6月18日 09:00');

    expect(screen.queryByRole('button', { name: '认领' })).toBeNull();
  });

  it('filters by status and severity, each list from its first page, and pages on', async () => {
    const { asked } = answerAlerts([resolved]);
    openConsole('/console/alerts');
    await waitFor(() => expect(screen.getAllByTestId('alert-row')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: '下一页' }));
    await waitFor(() => expect(asked).toHaveLength(2));
    expect(asked[1]).toEqual({ filter: { statuses: ['OPEN'] }, after: 'cursor-50' });

    fireEvent.click(screen.getByRole('button', { name: '已恢复' }));
    await waitFor(() => expect(asked.at(-1)).toEqual({ filter: { statuses: ['RESOLVED'] }, after: null }));
    expect(new URLSearchParams(location.search).get('status')).toBe('resolved');
    await waitFor(() => expect(within(row('纯棉T恤 TS-002')).getByTestId('alert-state')).toHaveTextContent('已恢复 · 11月11日 11:00已认领 · 王五 · 11月11日 10:20'));

    fireEvent.change(screen.getByTestId('alert-severity'), { target: { value: 'CRITICAL' } });
    await waitFor(() => expect(asked.at(-1)).toEqual({ filter: { statuses: ['RESOLVED'], severities: ['CRITICAL'] }, after: null }));

    fireEvent.click(screen.getByRole('button', { name: '全部' }));
    await waitFor(() => expect(asked.at(-1)).toEqual({ filter: { severities: ['CRITICAL'] }, after: null }));
    expect(new URLSearchParams(location.search).get('severity')).toBe('CRITICAL');
  });

  it('认领 sends the alert’s id and the row shows who claimed it, from the server’s answer', async () => {
    const { acknowledged } = answerAlerts();
    openConsole('/console/alerts', { permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByRole('button', { name: '认领' })).toHaveLength(2));
    fireEvent.click(within(row('纯棉T恤 TS-002')).getByRole('button', { name: '认领' }));
    await waitFor(() => expect(within(row('纯棉T恤 TS-002')).getByTestId('alert-state')).toHaveTextContent(/^已认领 · 王五 · 11月11日 12:00$/));
    expect(acknowledged).toEqual([soldOut.id]);
    expect(within(row('纯棉T恤 TS-002')).queryByRole('button', { name: '认领' })).toBeNull();
    expect(within(row('京东自营店 · 京东 · 付费推广')).getByRole('button', { name: '认领' })).toBeEnabled();
  });

  it('shows the server’s refusal of 认领 in the row, in the language the console is toggled to', async () => {
    answerAlerts([soldOut], () =>
      HttpResponse.json({ data: { acknowledgeAlert: { alert: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND', message: 'no Alert with this id', messageZh: '找不到该告警' }] } } }),
    );
    openConsole('/console/alerts', { permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '认领' }));
    await expectAlertFollowsToggle(/^认领失败：找不到该告警$/, /^Could not acknowledge: no Alert with this id$/);
    expect(within(row('纯棉T恤 TS-002')).getByTestId('alert-state')).toHaveTextContent(/^待认领$/);
  });

  it('says the account may only read when the server refuses 认领 with FORBIDDEN', async () => {
    answerAlerts([soldOut], refusedAnswer('MANAGE scope required', '需要 MANAGE 权限'));
    openConsole('/console/alerts', { permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '认领' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^认领失败：此账号只有查看权限$/);
    expect(screen.getByRole('button', { name: '认领' })).toBeEnabled();
  });

  it('reads in English: the server’s English sentence, the rule and the subject’s names', async () => {
    answerAlerts();
    openConsole('/console/alerts?lang=en');
    await waitFor(() => expect(screen.getAllByTestId('alert-row')).toHaveLength(2));
    expect(screen.getByTestId('alert-total')).toHaveTextContent(/^51 alerts$/);
    const paid = screen.getAllByTestId('alert-row')[1]!;
    expect(within(paid).getByTestId('alert-subject')).toHaveTextContent('京东自营店 · JD · Paid ads');
    expect(within(paid).getByTestId('alert-message')).toHaveTextContent(/^Paid ads ROI 0\.62, below 1/);
    expect(paid).toHaveTextContent('ROI below 1');
  });

  it('says why the list could not be loaded in the language the console is toggled to', async () => {
    server.use(api.query('ConsoleAlerts', refusedAnswer('your credential does not cover this shop', '你的凭证未覆盖此店铺')));
    openConsole('/console/alerts');
    await expectAlertFollowsToggle(/^加载失败：你的凭证未覆盖此店铺$/, /^Failed to load: \[GraphQL\] your credential does not cover this shop$/);
  });
});
