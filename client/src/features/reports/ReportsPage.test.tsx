import { addDays, shanghaiDate } from '../../lib/shanghai-day';
import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { answerDailyReports, captureDownloads, maskRow, openConsole, reportRow, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import { maskFragments } from 'gql.tada';
import { PeriodReportFields, type PeriodReport, type WeeklyReportQuery } from './period.documents';
import type { SubmitRectificationMutation, WriteReportNoteMutation } from './reports.documents';
import { expectAlertFollowsToggle, refusedAnswer } from '../../../test/refusals';

useMockApi();

const DAY = '2026-11-10';
const search = reportRow({
  source: 'SEARCH',
  figures: { visitors: 12_000, pageViews: 30_500, conversionRate: 0.05, gmv: '61234.50', orders: 600, buyers: 600, refundRate: 0.02, spend: '0.00', roi: null },
  change: { visitors: 0.125, gmv: -0.04, refundRate: 0.5 },
});
const rectification = {
  id: 'UmVjdGlmaWNhdGlvblJlcG9ydDox',
  reasons: ['ROI_BELOW_ONE' as const],
  openedAt: '2026-11-11T01:00:00Z',
  dueAt: '2026-11-13T01:00:00Z',
  overdue: true,
  content: null,
  submittedAt: null,
  submittedBy: null,
  submittedLate: false,
};
const paid = reportRow({
  source: 'PAID',
  figures: { visitors: 3_000, gmv: '1500.00', orders: 30, spend: '2000.00', roi: 0.75 },
  anomalies: [{ rule: 'ROI_BELOW_ONE', message: 'ROI 0.75 低于 1：花费 ¥2,000.00', messageEn: 'ROI 0.75 is under 1: spend ¥2,000.00' }],
  rectification,
});

const rowOf = (source: string) => {
  const row = screen.getAllByTestId('report-row').find((r) => r.dataset.source === source);
  if (!row) throw new Error(`no ${source} row`);
  return row;
};

describe('the daily report page', () => {
  it('shows each source with its figures and change, and the flagged row with its rule, notes and overdue rectification', async () => {
    answerDailyReports(() => [search, paid]);
    openConsole(`/console/reports/${SHOP.id}/${DAY}`);
    await waitFor(() => expect(screen.getAllByTestId('report-row')).toHaveLength(2));

    const first = rowOf('SEARCH');
    expect(first).not.toHaveClass('anomaly');
    expect(first).toHaveTextContent('搜索');
    expect(first).toHaveTextContent('12,000+12.5%');
    expect(first).toHaveTextContent('¥61,234.50-4.0%');
    // A rising refund rate is bad news.
    expect(within(first).getByText('+50.0%')).toHaveClass('bad');

    const flagged = rowOf('PAID');
    expect(flagged).toHaveClass('anomaly');
    expect(within(flagged).getByTestId('anomalies')).toHaveTextContent('ROI 低于 1 ROI 0.75 低于 1：花费 ¥2,000.00');
    expect(within(flagged).getByTestId('rectification')).toHaveAttribute('data-overdue', 'true');
    expect(within(flagged).getByTestId('rectification-due')).toHaveTextContent('截止 11月13日 09:00 · 已逾期');
    expect(within(flagged).getByTestId('rectification-due')).toHaveClass('bad');
  });

  it('says why a row was flagged in English when the console is in English', async () => {
    answerDailyReports(() => [search, paid]);
    openConsole(`/console/reports/${SHOP.id}/${DAY}?lang=en`);
    await waitFor(() => expect(screen.getAllByTestId('report-row')).toHaveLength(2));
    const anomalies = within(rowOf('PAID')).getByTestId('anomalies');
    expect(anomalies).toHaveTextContent('ROI 0.75 is under 1: spend ¥2,000.00');
    expect(anomalies).not.toHaveTextContent('花费');
  });

  it('lets a viewer with MANAGE write the notes and submit the rectification, sending exactly what was typed', async () => {
    answerDailyReports(() => [search, paid]);
    const notes: VariablesOf<typeof WriteReportNoteMutation>['input'][] = [];
    const submitted: VariablesOf<typeof SubmitRectificationMutation>['input'][] = [];
    server.use(
      api.mutation<ResultOf<typeof WriteReportNoteMutation>, VariablesOf<typeof WriteReportNoteMutation>>('ConsoleWriteReportNote', ({ variables }) => {
        notes.push(variables.input);
        const { anomalyNote = null, correctiveAction = null, owner = null } = variables.input;
        return HttpResponse.json({ data: { writeDailyReportNote: { row: maskRow({ ...paid, anomalyNote, correctiveAction, owner }), userErrors: [] } } });
      }),
      api.mutation<ResultOf<typeof SubmitRectificationMutation>, VariablesOf<typeof SubmitRectificationMutation>>('ConsoleSubmitRectification', ({ variables }) => {
        submitted.push(variables.input);
        // A day and a half past its due time: no longer overdue, and marked late.
        const saved = { ...rectification, content: variables.input.content, submittedAt: '2026-11-14T02:30:00Z', submittedBy: '王磊', overdue: false, submittedLate: true };
        return HttpResponse.json({ data: { submitRectification: { rectification: saved, userErrors: [] } } });
      }),
    );
    openConsole(`/console/reports/${SHOP.id}/${DAY}`, { credential: storedSession(1), permissions: MAY_MANAGE });

    const editor = await screen.findByTestId('report-note-editor');
    expect(rowOf('SEARCH').querySelector('[data-testid="report-note-editor"]')).toBeNull();
    fireEvent.input(within(editor).getByLabelText('异常指标说明'), { target: { value: '  付费推广出价过高，ROI 跌破 1 ' } });
    fireEvent.input(within(editor).getByLabelText('整改措施'), { target: { value: '下调出价 20%，暂停低效关键词' } });
    fireEvent.input(within(editor).getByLabelText('负责人'), { target: { value: '李娜' } });
    fireEvent.click(within(editor).getByRole('button', { name: '保存说明' }));

    expect(await within(editor).findByRole('status')).toHaveTextContent('已保存');
    expect(notes).toEqual([
      { shopId: SHOP.id, date: DAY, source: 'PAID', anomalyNote: '付费推广出价过高，ROI 跌破 1', correctiveAction: '下调出价 20%，暂停低效关键词', owner: '李娜', expectedUpdatedAt: null },
    ]);

    const box = within(rowOf('PAID')).getByTestId('rectification');
    fireEvent.input(within(box).getByLabelText('整改内容'), { target: { value: '已下调出价并复核关键词，ROI 回升至 1.3' } });
    fireEvent.click(within(box).getByRole('button', { name: '提交整改报告' }));
    await waitFor(() => expect(within(box).getByTestId('rectification-submitted')).toHaveTextContent('王磊 于 11月14日 10:30 提交 · 逾期提交'));
    expect(submitted).toEqual([{ id: rectification.id, content: '已下调出价并复核关键词，ROI 回升至 1.3' }]);
    expect(within(box).getByTestId('rectification-due')).not.toHaveTextContent('已逾期');
    // Submitted is final: the content is shown, the form is gone.
    expect(within(box).queryByRole('textbox')).toBeNull();
    expect(within(box).queryByRole('button', { name: '提交整改报告' })).toBeNull();
    expect(within(box).getByText('已下调出价并复核关键词，ROI 回升至 1.3')).toBeTruthy();
  });

  it('a note saved by someone else meanwhile: says so, keeps what was typed, reloads theirs, and saves against it next', async () => {
    const loaded = { ...paid, anomalyNote: '出价过高', owner: '李娜', noteUpdatedAt: '2026-11-11T02:00:00.000Z' };
    const theirs = { ...loaded, anomalyNote: '出价过高，已暂停 3 个关键词', correctiveAction: '下调出价 10%', owner: '王磊', noteUpdatedAt: '2026-11-11T03:00:00.123Z' };
    let stored = loaded;
    const asked = answerDailyReports(() => [search, stored]);
    const notes: VariablesOf<typeof WriteReportNoteMutation>['input'][] = [];
    const conflict = 'the notes of 2026-11-10 PAID were changed at 2026-11-11 11:00:00 (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again';
    const conflictZh = '2026-11-10 PAID 的说明已于 2026-11-11 11:00:00（北京时间）被修改，晚于你载入的版本；你的修改未保存：请重新载入、合并后再保存';
    server.use(
      api.mutation<ResultOf<typeof WriteReportNoteMutation>, VariablesOf<typeof WriteReportNoteMutation>>('ConsoleWriteReportNote', ({ variables }) => {
        notes.push(variables.input);
        if (variables.input.expectedUpdatedAt !== stored.noteUpdatedAt) {
          return HttpResponse.json({ data: { writeDailyReportNote: { row: null, userErrors: [{ code: 'CONFLICT', message: conflict, messageZh: conflictZh }] } } });
        }
        stored = { ...stored, correctiveAction: variables.input.correctiveAction ?? stored.correctiveAction, noteUpdatedAt: '2026-11-11T04:00:00.000Z' };
        return HttpResponse.json({ data: { writeDailyReportNote: { row: maskRow(stored), userErrors: [] } } });
      }),
    );
    openConsole(`/console/reports/${SHOP.id}/${DAY}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    const editor = await screen.findByTestId('report-note-editor');
    stored = theirs; // 王磊 saves while this page is open

    fireEvent.input(within(editor).getByLabelText('整改措施'), { target: { value: '暂停低效关键词' } });
    fireEvent.click(within(editor).getByRole('button', { name: '保存说明' }));

    expect(await within(editor).findByRole('alert')).toHaveTextContent(`未保存：${conflictZh}。你输入的内容仍在框中；下方是别人最新保存的内容，合并后再保存。`);
    await waitFor(() => expect(within(editor).getByTestId('note-latest')).toHaveTextContent('最新保存的内容异常指标说明：出价过高，已暂停 3 个关键词整改措施：下调出价 10%负责人：王磊'));
    expect(asked).toHaveLength(2);
    // What was typed stays; the boxes nobody typed in now hold 王磊's text, so saving again cannot undo it.
    expect(within(editor).getByLabelText('整改措施')).toHaveValue('暂停低效关键词');
    expect(within(editor).getByLabelText('异常指标说明')).toHaveValue('出价过高，已暂停 3 个关键词');
    expect(within(editor).getByLabelText('负责人')).toHaveValue('王磊');

    fireEvent.click(within(editor).getByRole('button', { name: '保存说明' }));
    expect(await within(editor).findByRole('status')).toHaveTextContent('已保存');
    expect(notes).toEqual([
      { shopId: SHOP.id, date: DAY, source: 'PAID', correctiveAction: '暂停低效关键词', expectedUpdatedAt: '2026-11-11T02:00:00.000Z' },
      { shopId: SHOP.id, date: DAY, source: 'PAID', correctiveAction: '暂停低效关键词', expectedUpdatedAt: '2026-11-11T03:00:00.123Z' },
    ]);
    expect(within(editor).queryByRole('alert')).toBeNull();
    expect(within(editor).queryByTestId('note-latest')).toBeNull();
  });

  it('shows a VIEWER the notes and the rectification but no editor and no submit', async () => {
    answerDailyReports(() => [search, { ...paid, anomalyNote: '出价过高', owner: '李娜' }]);
    openConsole(`/console/reports/${SHOP.id}/${DAY}`, { credential: storedSession(1), permissions: READ_ONLY });
    await waitFor(() => expect(screen.getAllByTestId('report-row')).toHaveLength(2));
    const flagged = rowOf('PAID');
    expect(within(flagged).getByTestId('report-notes')).toHaveTextContent('异常指标说明：出价过高整改措施：—负责人：李娜');
    expect(within(flagged).getByTestId('rectification')).toHaveTextContent('尚未提交');
    expect(screen.queryByTestId('report-note-editor')).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '提交整改报告' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '编辑说明' })).not.toBeInTheDocument();
  });

  it('shows a quiet row\'s notes on one line, and opens its editor only when asked (MANAGE)', async () => {
    answerDailyReports(() => [{ ...search, owner: '李娜', anomalyNote: '大促前预热' }]);
    openConsole(`/console/reports/${SHOP.id}/${DAY}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    const notes = await screen.findByTestId('report-notes');
    expect(notes).toHaveTextContent('异常指标说明：大促前预热整改措施：—负责人：李娜');
    expect(screen.queryByTestId('report-note-editor')).not.toBeInTheDocument();
    fireEvent.click(within(notes).getByRole('button', { name: '编辑说明' }));
    expect(within(await screen.findByTestId('report-note-editor')).getByLabelText('负责人')).toHaveValue('李娜');
  });

  it('shows the first shop the caller can see when ?shop= names one it cannot (an address kept from another credential)', async () => {
    const asked = answerDailyReports(() => [search]);
    openConsole(`/console/reports?shop=U2hvcDo5OQ%3D%3D&from=${DAY}&to=${DAY}`);
    await waitFor(() => expect(screen.getAllByTestId('report-row')).toHaveLength(1));
    expect(asked).toEqual([`${SHOP.id} ${DAY}`]);
    expect(screen.getByTestId<HTMLSelectElement>('report-shop')).toHaveValue(SHOP.id);
  });

  it('says when a range is longer than the page lists, naming the days it shows, and lists a month at most', async () => {
    answerDailyReports(() => [search]);
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-09-01&to=${DAY}`, { credential: storedSession(1) });
    await waitFor(() => expect(screen.getAllByTestId('day-report')).toHaveLength(31));
    expect(screen.getByTestId('reports-range-cut')).toHaveTextContent('此页最多列出 31 天：显示 2026年10月11日 至 2026年11月10日；完整时段请导出 CSV');
  });

  it('ends a range asked into the future at today, where a day yet to come would read -100 % everywhere', async () => {
    answerDailyReports(() => [search]);
    const today = shanghaiDate(Date.now());
    openConsole(`/console/reports?shop=${SHOP.id}&from=${addDays(today, -2)}&to=2099-01-01`, { credential: storedSession(1) });
    await waitFor(() => expect(screen.getAllByTestId('day-report')).toHaveLength(3));
    expect(screen.getAllByTestId('day-report')[0]!.dataset.date).toBe(today);
    expect(screen.getByTestId('report-to')).toHaveValue(today);
    expect(screen.getByTestId('report-to')).toHaveAttribute('max', today);
  });

  it('says nothing of the kind for a range the page lists whole', async () => {
    answerDailyReports(() => [search]);
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-10-11&to=${DAY}`, { credential: storedSession(1) });
    await waitFor(() => expect(screen.getAllByTestId('day-report')).toHaveLength(31));
    expect(screen.queryByTestId('reports-range-cut')).toBeNull();
  });

  it('asks for every day of the range, newest first, and downloads the range as CSV with the Authorization header', async () => {
    const asked = answerDailyReports(() => [search]);
    const downloads = captureDownloads();
    const exports: { url: string; authorization: string | null }[] = [];
    server.use(
      http.get('*/export/daily-reports.csv', ({ request }) => {
        exports.push({ url: request.url, authorization: request.headers.get('authorization') });
        return new HttpResponse('date,source,visitors\n2026-11-10,SEARCH,12000\n', {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': "attachment; filename=\"r.csv\"; filename*=UTF-8''%E6%97%A5%E6%8A%A5.csv" },
        });
      }),
    );
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-11-08&to=${DAY}`, { credential: storedSession(1) });

    await waitFor(() => expect(screen.getAllByTestId('report-row')).toHaveLength(3));
    expect(screen.getAllByTestId('day-report').map((d) => d.dataset.date)).toEqual(['2026-11-10', '2026-11-09', '2026-11-08']);
    expect([...asked].sort()).toEqual([`${SHOP.id} 2026-11-08`, `${SHOP.id} 2026-11-09`, `${SHOP.id} 2026-11-10`]);

    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(exports).toHaveLength(1);
    expect(exports[0]!.authorization).toBe('Bearer access-1');
    expect(Object.fromEntries(new URL(exports[0]!.url).searchParams)).toEqual({ shopId: SHOP.id, from: '2026-11-08', to: DAY });
    expect(await downloads[0]!.text()).toBe('date,source,visitors\n2026-11-10,SEARCH,12000\n');
  });

  it('says why the export was refused in the language the console is toggled to, after the refusal', async () => {
    answerDailyReports(() => [search]);
    server.use(
      http.get('*/export/daily-reports.csv', () =>
        HttpResponse.json({ errors: [{ message: 'the range may span at most 92 days', extensions: { code: 'BAD_USER_INPUT', messageZh: '日期范围最多 92 天' } }] }, { status: 400 }),
      ),
    );
    openConsole(`/console/reports?shop=${SHOP.id}&from=${DAY}&to=${DAY}`, { credential: storedSession(1) });
    fireEvent.click(await screen.findByTestId('export-csv'));
    await expectAlertFollowsToggle(/^导出失败：日期范围最多 92 天$/, /^Export failed: the range may span at most 92 days$/, '日期范围');
  });

  it('says why the shops could not be loaded in the language the console is toggled to', async () => {
    openConsole('/console/reports', {
      shops: refusedAnswer('this credential may not read shops', '此凭据无权查看店铺'),
    });
    await expectAlertFollowsToggle(/^加载失败：此凭据无权查看店铺$/, /^Failed to load: \[GraphQL\] this credential may not read shops$/);
  });
});

describe('the weekly and monthly roll-ups', () => {
  const week: PeriodReport = {
    kind: 'WEEK',
    from: '2026-11-09',
    to: '2026-11-15',
    previousFrom: '2026-11-02',
    previousTo: '2026-11-08',
    dueAt: '2026-11-15T16:00:00Z',
    complete: false,
    totals: { ...search.figures, gmv: '420000.00' },
    change: { ...search.change, gmv: 0.2 },
    // Thursday 10:00 of the week: the week before up to its Thursday 10:00.
    previousToDateUntil: '2026-11-05T02:00:00Z',
    changeToDate: { ...search.change, gmv: 0.05 },
    rows: [{ source: 'SEARCH', figures: { ...search.figures, gmv: '400000.00' }, change: { ...search.change, gmv: 0.25 }, changeToDate: { ...search.change, gmv: 0.1 } }],
    anomalyFollowUp: { flaggedRows: 3, opened: 2, submitted: 1, submittedLate: 1, overdue: 1 },
  };
  const completeWeek: PeriodReport = { ...week, complete: true, previousToDateUntil: null, changeToDate: null, rows: week.rows.map((r) => ({ ...r, changeToDate: null })) };

  it('shows the 周报 holding the chosen day, against the week before, with the anomaly follow-up', async () => {
    const asked: VariablesOf<typeof WeeklyReportQuery>[] = [];
    answerDailyReports(() => [search]);
    server.use(
      api.query<ResultOf<typeof WeeklyReportQuery>, VariablesOf<typeof WeeklyReportQuery>>('ConsoleWeeklyReport', ({ variables }) => {
        asked.push(variables);
        return HttpResponse.json({ data: { weeklyReport: maskFragments([PeriodReportFields], week) } });
      }),
    );
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-11-08&to=${DAY}`);
    fireEvent.click(await screen.findByTestId('report-tab-week'));

    const report = await screen.findByTestId('period-report');
    await waitFor(() => expect(report).toHaveTextContent('2026年11月9日 至 2026年11月15日 周报'));
    expect(asked).toEqual([{ shopId: SHOP.id, weekOf: DAY }]);
    expect(new URLSearchParams(location.search).get('period')).toBe('week');
    // In progress: against the same span of the week before, not all of it.
    expect(report).toHaveTextContent('对比上期同期 2026年11月2日 至 11月5日 10:00');
    expect(screen.getByTestId('period-due')).toHaveTextContent('进行中（截至目前） · 报告应于 11月15日 24:00 前出具');
    expect(screen.getByTestId('period-row')).toHaveTextContent('¥400,000.00+10.0%');
    expect(screen.getByTestId('period-total')).toHaveTextContent('全店合计');
    expect(screen.getByTestId('period-total')).toHaveTextContent('¥420,000.00+5.0%');
    expect(screen.getByTestId('period-follow-up')).toHaveTextContent('异常跟进：标记 3 行，开立整改 2 份，已提交 1 份（其中逾期提交 1 份），逾期未交 1 份');
    expect(screen.queryByTestId('day-report')).not.toBeInTheDocument();
    expect(screen.queryByTestId('export-csv')).not.toBeInTheDocument();
  });

  it('compares a complete week with all of the week before', async () => {
    answerDailyReports(() => [search]);
    server.use(api.query('ConsoleWeeklyReport', () => HttpResponse.json({ data: { weeklyReport: maskFragments([PeriodReportFields], completeWeek) } })));
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-11-08&to=${DAY}`);
    fireEvent.click(await screen.findByTestId('report-tab-week'));
    const report = await screen.findByTestId('period-report');
    await waitFor(() => expect(report).toHaveTextContent('对比 2026年11月2日 至 2026年11月8日'));
    expect(screen.queryByTestId('period-versus-same-span')).not.toBeInTheDocument();
    expect(screen.getByTestId('period-row')).toHaveTextContent('¥400,000.00+25.0%');
    expect(screen.getByTestId('period-total')).toHaveTextContent('¥420,000.00+20.0%');
  });

  it('names the report chosen in its heading: 日报, 周报 or 月报, in either language', async () => {
    answerDailyReports(() => [search]);
    const month: PeriodReport = { ...week, kind: 'MONTH', from: '2026-11-01', to: '2026-11-30', previousFrom: '2026-10-01', previousTo: '2026-10-31' };
    server.use(
      api.query('ConsoleWeeklyReport', () => HttpResponse.json({ data: { weeklyReport: maskFragments([PeriodReportFields], week) } })),
      api.query('ConsoleMonthlyReport', () => HttpResponse.json({ data: { monthlyReport: maskFragments([PeriodReportFields], month) } })),
    );
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-11-08&to=${DAY}`);
    const heading = (name: string) => screen.findByRole('heading', { level: 2, name });
    expect(await heading('运营数据日报')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: '报告周期' })).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('report-tab-week'));
    expect(await heading('运营数据周报')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: '运营数据日报' })).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId('report-tab-month'));
    expect(await heading('运营数据月报')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('period-report')).toHaveTextContent('2026年11月1日 至 2026年11月30日 月报'));

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(await heading('Monthly operations report')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Report period' })).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('report-tab-week'));
    expect(await heading('Weekly operations report')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('report-tab-day'));
    expect(await heading('Daily operations report')).toBeInTheDocument();
  });

  it('counts the follow-up in English with one row and one rectification, not "1 rows"', async () => {
    answerDailyReports(() => [search]);
    const single = { ...week, anomalyFollowUp: { flaggedRows: 1, opened: 1, submitted: 0, submittedLate: 0, overdue: 0 } };
    server.use(api.query('ConsoleWeeklyReport', () => HttpResponse.json({ data: { weeklyReport: maskFragments([PeriodReportFields], single) } })));
    openConsole(`/console/reports?shop=${SHOP.id}&from=2026-11-08&to=${DAY}&lang=en`);
    fireEvent.click(await screen.findByTestId('report-tab-week'));

    expect(await screen.findByTestId('period-follow-up')).toHaveTextContent('Anomaly follow-up: 1 row flagged, 1 rectification opened, 0 submitted (0 late), 0 overdue');
  });
});
