import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { captureDownloads, openConsole } from '../../../test/console';
import { campaign, campaignsResult, MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { Lessons, Retrospective, RetrospectiveQuery, WriteLessonsMutation } from './retrospective.documents';
import { expectAlertFollowsToggle, refusedAnswer } from '../../../test/refusals';

useMockApi();

const CAMPAIGN = 'Q2FtcGFpZ246NjE4';
const EXPORT_PATH = `/export/campaigns/${CAMPAIGN}/retrospective.xlsx`;
const ended = campaign({ id: CAMPAIGN, name: '618 年中大促', status: 'ENDED', startsAt: '2026-05-31T16:00:00Z', endsAt: '2026-06-18T16:00:00Z' });
const NO_LESSONS: Lessons = { lessons: null, lessonsUpdatedBy: null, lessonsUpdatedAt: null, overdue: true };

const hour = (at: string, planned: string, actual: string | null, cumPlanned: string, cumActual: string | null) => ({
  at,
  plannedGmv: planned,
  actualGmv: actual,
  cumulativePlannedGmv: cumPlanned,
  cumulativeActualGmv: cumActual,
});

/** A small ended campaign: two days of hours, ranked channels and sources, a Pareto cut, refunds, a late milestone, two alerts. */
function retrospective(lessons: Lessons = NO_LESSONS): Retrospective {
  return {
    ended: true,
    dueAt: '2026-06-20T16:00:00Z',
    gmvTarget: '1000000.00',
    gmv: '823999.99',
    netGmv: '790000.00',
    achievementRate: 0.82399999, // shown cut, 82.3 %: rounded it read 82.4 %, reached before it was
    orders: 4_120,
    buyers: 3_801,
    visitors: 95_000,
    conversionRate: 0.04,
    spend: '200000.00',
    roi: 4.12,
    hours: [
      hour('2026-05-31T16:00:00Z', '100.00', '80.50', '100.00', '80.50'),
      hour('2026-05-31T17:00:00Z', '200.00', '300.00', '300.00', '380.50'),
      hour('2026-06-01T16:00:00Z', '50.00', '25.00', '350.00', '405.50'),
    ],
    channels: [
      // 天猫's ads credited with ¥240,000 of its ¥600,000 (the rest organic): 2.40 against 6.00 on all GMV.
      { channel: 'TMALL', gmv: '600000.00', orders: 3_000, spend: '100000.00', roi: 6, attributedRoi: 2.4, rank: 1 },
      { channel: 'DOUYIN', gmv: '150000.00', orders: 800, spend: '100000.00', roi: 1.5, attributedRoi: 1.5, rank: 2 },
      { channel: 'OWN_SITE', gmv: '73456.78', orders: 320, spend: '0.00', roi: null, attributedRoi: null, rank: null },
    ],
    sources: [
      { source: 'SEARCH', gmv: '500000.00', orders: 2_500, spend: '50000.00', roi: 10, attributedRoi: 4, rank: 1 },
      { source: 'PAID', gmv: '120000.00', orders: 600, spend: '150000.00', roi: 0.9, attributedRoi: 0.8, rank: 2 },
    ],
    bestChannel: { channel: 'TMALL' },
    worstChannel: { channel: 'DOUYIN' },
    bestSource: { source: 'SEARCH' },
    worstSource: { source: 'PAID' },
    pareto: {
      productCount: 2,
      soldProducts: 9,
      products: [
        { gmv: '500000.00', units: 1_000, skusSold: 3, share: 0.6072, cumulativeShare: 0.6072, product: { id: 'p1', name: '保温杯', shop: { name: '天猫旗舰店' } } },
        { gmv: '180000.00', units: 900, skusSold: 1, share: 0.2186, cumulativeShare: 0.8258, product: { id: 'p2', name: '电饭煲', shop: { name: '京东自营店' } } },
      ],
    },
    newBuyers: 1_520,
    returningBuyers: 2_281,
    newBuyerShare: 0.3999,
    refundsByReason: [
      { reason: '尺码不合适', refunds: 120, amount: '23456.78', share: 0.7 },
      { reason: '七天无理由', refunds: 40, amount: '10000.00', share: 0.3 },
    ],
    milestones: [
      {
        onTime: false,
        secondsLate: 7_200,
        highestRisk: 'HIGH',
        milestone: { id: 'm1', name: '支付通道扩容', owner: '王磊', dueAt: '2026-05-30T02:00:00Z', status: 'DONE', completedAt: '2026-05-30T04:00:00Z' },
        changes: [
          { status: 'IN_PROGRESS', riskLevel: 'HIGH', changedAt: '2026-05-29T02:00:00Z', changedBy: '李娜' },
          { status: 'DONE', riskLevel: 'LOW', changedAt: '2026-05-30T04:00:00Z', changedBy: '王磊' },
        ],
      },
    ],
    alerts: [
      {
        secondsToAcknowledge: 600,
        secondsToResolve: 5_400,
        alert: {
          id: 'a1',
          rule: 'LOW_STOCK',
          severity: 'CRITICAL',
          subject: 'TM-001-1 保温杯',
          message: '库存 0 件',
          messageEn: '0 in stock',
          raisedAt: '2026-06-18T12:00:00Z',
          acknowledgedBy: '王磊',
          incident: { responseOverdue: false, fixOverdue: true },
        },
      },
    ],
    medianSecondsToAcknowledge: 600,
    medianSecondsToResolve: 5_400,
    incidents: { incidents: 1, respondedInTime: 1, fixedInTime: 0, medianSecondsToRespond: 600, medianSecondsToFix: 5_400 },
    exportPath: EXPORT_PATH,
    ...lessons,
  };
}

/** Answers the page with the lessons stored at the moment it asks; returns how many times it asked. */
function answerRetrospective(lessons: () => Lessons = () => NO_LESSONS, figures: Partial<Retrospective> = {}, partial = false) {
  const asked = { count: 0 };
  const data = (): ResultOf<typeof RetrospectiveQuery> => ({
    campaign: { id: CAMPAIGN, name: ended.name, startsAt: ended.startsAt, endsAt: ended.endsAt, conversionTarget: 0.05, partial, shops: [{ id: 'U2hvcDox' }], retrospective: { ...retrospective(lessons()), ...figures } },
  });
  server.use(
    api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([campaign({ id: 'c-1111', status: 'ACTIVE' }), ended]) })),
    api.query('ConsoleRetrospective', () => {
      asked.count++;
      return HttpResponse.json({ data: data() });
    }),
  );
  return asked;
}

const section = (id: string) => screen.getByTestId(id);

describe('the retrospective page', () => {
  it('renders every section of the 复盘 from the API', async () => {
    answerRetrospective();
    openConsole(`/console/retrospective/${CAMPAIGN}`);
    expect(await screen.findByRole('heading', { name: '618 年中大促 · 复盘' })).toBeInTheDocument();

    expect(screen.getByTestId('retro-due')).toHaveTextContent('复盘截止 6月21日 00:00 · 已逾期');
    expect(section('retro-summary')).toHaveTextContent('GMV 目标¥1,000,000.00');
    expect(section('retro-summary')).toHaveTextContent('达成率82.3%');
    expect(section('retro-summary')).toHaveTextContent('净成交额（扣退款）¥790,000.00');
    expect(section('retro-summary')).toHaveTextContent('ROI4.12');
    // Conversion against the campaign's target (5 %): 4 % missed it, in red.
    const conversion = section('retro-summary').querySelector('[data-fact="retro.conversion"]')!;
    expect(conversion).toHaveTextContent(/^转化率 · 目标 5\.00%4\.00%$/);
    expect(conversion.querySelector('dd')).toHaveClass('bad');

    // The hours of each Asia/Shanghai day summed exactly: 06-01 is 80.50 + 300.00.
    const days = within(section('retro-hours')).getAllByTestId('retro-day');
    expect(days.map((d) => d.querySelector('summary')?.textContent)).toEqual(['2026-06-01', '2026-06-02']);
    expect(days[0]).toHaveTextContent('¥300.00¥380.50¥300.00¥380.50126.8%');
    expect(days[1]).toHaveTextContent('¥50.00¥25.00¥350.00¥405.50115.8%'); // 115.857…%, cut like 达成率

    const channels = within(section('retro-channels')).getAllByTestId('ranked-row');
    expect(channels.map((r) => r.textContent)).toEqual(['1天猫最佳¥600,000.003,000¥100,000.002.406.00', '2抖音最差¥150,000.00800¥100,000.001.501.50', '—官网¥73,456.78320¥0.00——']);
    expect(section('retro-sources')).toHaveTextContent('最佳：搜索 · 最差：付费推广');
    // The ad ROI is judged (red under 1); the ROI on all GMV beside it is not.
    expect(within(section('retro-sources')).getByText('0.80')).toHaveClass('bad');
    expect(within(section('retro-sources')).getByText('0.90')).not.toHaveClass('bad');
    expect(within(section('retro-channels')).getAllByRole('columnheader').map((th) => th.textContent)).toContain('投放 ROI');

    expect(screen.getByTestId('pareto-verdict')).toHaveTextContent('2 个商品贡献了 80% 的成交额（共售出 9 个商品）');
    expect(within(section('retro-pareto')).getAllByTestId('pareto-product')[0]).toHaveTextContent('保温杯 天猫旗舰店¥500,000.001,000360.7%60.7%');
    expect(within(section('retro-pareto')).getAllByTestId('pareto-product')[1]).toHaveTextContent('电饭煲 京东自营店¥180,000.00900121.9%82.6%');

    expect(section('retro-buyers')).toHaveTextContent('新买家1,520老买家2,281新买家占比40.0%');
    expect(within(section('retro-buyers')).getAllByTestId('refund-reason')[0]).toHaveTextContent('尺码不合适120¥23,456.7870.0%');

    const milestone = within(section('retro-milestones')).getByTestId('retro-milestone');
    expect(milestone).toHaveTextContent('延迟 2 小时');
    expect(milestone).toHaveTextContent('高风险');
    expect(milestone).toHaveTextContent('5月29日 10:00 进行中 · 高风险 · 李娜');

    expect(screen.getByTestId('alert-medians')).toHaveTextContent('认领用时中位数 10 分钟 · 恢复用时中位数 1.5 小时');
    expect(within(section('retro-alerts')).getByTestId('retro-alert')).toHaveTextContent('库存预警 · 严重 · TM-001-1 保温杯 事故 · 修复超时');
    expect(screen.getByTestId('incident-verdict')).toHaveTextContent('事故 1 起：10 分钟内响应 1 起，30 分钟内修复 0 起 · 响应用时中位数 10 分钟 · 修复用时中位数 1.5 小时');
    expect(section('retro-lessons')).toHaveTextContent('尚未填写经验教训');
  });

  // The plan sums to the target, so the last day's 进度 is the 达成率: one ratio, one reading, cut as on the wall.
  it.each([
    ['108228.60', '72.1%'], // 72.1524 %: rounded, the table read 72.2 % under a 达成率 of 72.1 %
    ['149995.00', '99.9%'], // 99.9967 %: never 100.0 % before the target is reached
  ])('reads ¥%s of a ¥150,000.00 target as %s in both 达成率 and the last day\'s 进度', async (gmv, shown) => {
    answerRetrospective(undefined, {
      gmvTarget: '150000.00',
      gmv,
      achievementRate: Number(gmv) / 150_000,
      hours: [hour('2026-05-31T16:00:00Z', '150000.00', gmv, '150000.00', gmv)],
    });
    openConsole(`/console/retrospective/${CAMPAIGN}`);
    await screen.findByRole('heading', { name: '618 年中大促 · 复盘' });

    const achievement = section('retro-summary').querySelector('[data-fact="retro.achievement"] dd');
    const pace = within(section('retro-hours')).getAllByTestId('retro-day-pace').at(-1);
    expect(achievement?.textContent).toBe(shown);
    expect(pace?.textContent).toBe(shown);
    expect(section('retro-hours')).not.toHaveTextContent('100.0%');
  });

  it('keeps the whole campaign’s lessons from someone who sees it in part, and says why', async () => {
    answerRetrospective(undefined, {}, true);
    openConsole(`/console/retrospective/${CAMPAIGN}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    expect(await screen.findByTestId('retro-lessons-partial')).toHaveTextContent('只对能查看活动全部店铺的人显示');
    expect(section('retro-summary')).toHaveTextContent('本店目标¥1,000,000.00');
    expect(screen.queryByRole('button', { name: /保存/ })).toBeNull();
  });

  it('downloads the XLSX from exportPath with the Authorization header', async () => {
    answerRetrospective();
    const downloads = captureDownloads();
    const asked: (string | null)[] = [];
    const workbook = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    server.use(
      http.get(`*${EXPORT_PATH}`, ({ request }) => {
        asked.push(request.headers.get('authorization'));
        return new HttpResponse(workbook, { headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
      }),
    );
    openConsole(`/console/retrospective/${CAMPAIGN}`, { credential: storedSession(1), permissions: READ_ONLY });
    fireEvent.click(await screen.findByRole('button', { name: '导出 Excel' }));

    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(asked).toEqual(['Bearer access-1']);
    expect(new Uint8Array(await downloads[0]!.arrayBuffer())).toEqual(workbook);
    // A VIEWER reads the lessons but is offered no editor.
    expect(within(section('retro-lessons')).queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('says why the export was refused in the language the console is toggled to, after the refusal', async () => {
    answerRetrospective();
    server.use(
      http.get(`*${EXPORT_PATH}`, () =>
        HttpResponse.json({ errors: [{ message: 'this credential may not export', extensions: { code: 'FORBIDDEN', messageZh: '此凭据无权导出' } }] }, { status: 403 }),
      ),
    );
    openConsole(`/console/retrospective/${CAMPAIGN}`, { credential: storedSession(1), permissions: READ_ONLY });
    fireEvent.click(await screen.findByRole('button', { name: '导出 Excel' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^导出失败：此凭据无权导出$/);

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(screen.getByRole('button', { name: 'Export Excel' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/^Export failed: this credential may not export$/);
    expect(screen.getByRole('alert')).not.toHaveTextContent('此凭据无权导出');

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(screen.getByRole('alert')).toHaveTextContent(/^导出失败：此凭据无权导出$/);
  });

  it('says why the 复盘 could not be loaded in the language the console is toggled to', async () => {
    server.use(
      api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([ended]) })),
      api.query('ConsoleRetrospective', refusedAnswer('your credential does not cover this campaign', '你的凭证未覆盖此活动'),
      ),
    );
    openConsole(`/console/retrospective/${CAMPAIGN}`);
    await expectAlertFollowsToggle(/^加载失败：你的凭证未覆盖此活动$/, /^Failed to load: \[GraphQL\] your credential does not cover this campaign$/, '你的凭证');
  });

  it('says why the campaigns could not be loaded, while it asks again, in the language the console is toggled to', async () => {
    server.use(
      api.query('WarRoomCampaigns', refusedAnswer('this credential may not read campaigns', '此凭据无权查看活动'),
      ),
    );
    openConsole('/console/retrospective');
    await expectAlertFollowsToggle(/^加载失败：此凭据无权查看活动。正在重试…$/, /^Failed to load: \[GraphQL\] this credential may not read campaigns\. Retrying…$/);
  });

  it('lets a viewer with MANAGE write the lessons, and the overdue flag clears', async () => {
    answerRetrospective();
    const sent: VariablesOf<typeof WriteLessonsMutation>['input'][] = [];
    server.use(
      api.mutation<ResultOf<typeof WriteLessonsMutation>, VariablesOf<typeof WriteLessonsMutation>>('ConsoleWriteLessons', ({ variables }) => {
        sent.push(variables.input);
        const saved = { lessons: variables.input.lessons, lessonsUpdatedBy: '王磊', lessonsUpdatedAt: '2026-06-20T02:00:00Z', overdue: false };
        return HttpResponse.json({ data: { writeRetrospectiveLessons: { retrospective: saved, userErrors: [] } } });
      }),
    );
    openConsole(`/console/retrospective/${CAMPAIGN}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    const lessons = await screen.findByTestId('retro-lessons');
    fireEvent.input(await within(lessons).findByLabelText('经验教训'), { target: { value: ' 支付扩容要提前两周；付费推广 ROI 低于 1 应当天止损 ' } });
    fireEvent.click(within(lessons).getByRole('button', { name: '保存经验教训' }));

    await waitFor(() => expect(within(lessons).getByTestId('lessons-by')).toHaveTextContent('王磊 最后更新于 6月20日 10:00'));
    expect(sent).toEqual([{ campaignId: CAMPAIGN, lessons: '支付扩容要提前两周；付费推广 ROI 低于 1 应当天止损', expectedUpdatedAt: null }]);
    expect(screen.getByTestId('retro-due')).toHaveAttribute('data-overdue', 'false');
    expect(screen.getByTestId('retro-due')).not.toHaveTextContent('已逾期');
  });

  it('lessons saved by someone else meanwhile: says so (in English too), keeps what was typed, shows theirs, and saves against them next', async () => {
    const loaded: Lessons = { lessons: '支付扩容要提前两周', lessonsUpdatedBy: '王磊', lessonsUpdatedAt: '2026-06-20T02:00:00.000Z', overdue: false };
    const theirs: Lessons = { lessons: '支付扩容要提前两周；付费推广 ROI 低于 1 当天止损', lessonsUpdatedBy: '李娜', lessonsUpdatedAt: '2026-06-20T03:00:00.456Z', overdue: false };
    let stored = loaded;
    const asked = answerRetrospective(() => stored);
    const conflict = 'the lessons were changed by 李娜 at 2026-06-20 11:00:00 (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again';
    const sent: VariablesOf<typeof WriteLessonsMutation>['input'][] = [];
    server.use(
      api.mutation<ResultOf<typeof WriteLessonsMutation>, VariablesOf<typeof WriteLessonsMutation>>('ConsoleWriteLessons', ({ variables }) => {
        sent.push(variables.input);
        if (variables.input.expectedUpdatedAt !== stored.lessonsUpdatedAt) {
          return HttpResponse.json({ data: { writeRetrospectiveLessons: { retrospective: null, userErrors: [{ code: 'CONFLICT', message: conflict, messageZh: '复盘心得已被李娜修改' }] } } });
        }
        stored = { lessons: variables.input.lessons, lessonsUpdatedBy: '王磊', lessonsUpdatedAt: '2026-06-20T04:00:00.000Z', overdue: false };
        return HttpResponse.json({ data: { writeRetrospectiveLessons: { retrospective: stored, userErrors: [] } } });
      }),
    );
    openConsole(`/console/retrospective/${CAMPAIGN}?lang=en`, { credential: storedSession(1), permissions: MAY_MANAGE });
    const lessons = await screen.findByTestId('retro-lessons');
    const box = await within(lessons).findByLabelText('Lessons learned');
    stored = theirs; // 李娜 saves while this page is open

    const mine = '支付扩容要提前两周；大促前一周冻结发布';
    fireEvent.input(box, { target: { value: mine } });
    fireEvent.click(within(lessons).getByRole('button', { name: 'Save lessons' }));

    expect(await within(lessons).findByRole('alert')).toHaveTextContent(
      `Not saved: ${conflict}. What you typed is still in the box; the latest saved version is below: merge it in and save again.`,
    );
    await waitFor(() => expect(within(lessons).getByTestId('lessons-latest')).toHaveTextContent(`Latest saved version${theirs.lessons}`));
    expect(within(lessons).getByTestId('lessons-by')).toHaveTextContent('Last written by 李娜');
    expect(asked.count).toBe(2);
    expect(box).toHaveValue(mine);

    const merged = `${mine}；付费推广 ROI 低于 1 当天止损`;
    fireEvent.input(box, { target: { value: merged } });
    fireEvent.click(within(lessons).getByRole('button', { name: 'Save lessons' }));
    await waitFor(() => expect(within(lessons).queryByTestId('lessons-latest')).toBeNull());
    expect(within(lessons).queryByRole('alert')).toBeNull();
    expect(within(lessons).getByTestId('lessons-by')).toHaveTextContent('Last written by 王磊');
    expect(sent).toEqual([
      { campaignId: CAMPAIGN, lessons: mine, expectedUpdatedAt: loaded.lessonsUpdatedAt },
      { campaignId: CAMPAIGN, lessons: merged, expectedUpdatedAt: theirs.lessonsUpdatedAt },
    ]);
  });
});
