import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { getOperationName } from '@urql/core';
import { HttpResponse } from 'msw';
import { createSignal } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AS_OF_CLOCK,
  milestone,
  milestonesResult,
  minuteSeries,
  NOW_WALL,
  openAlertsResult,
  progressPayload,
  TODAY_FROM,
  todayPayload,
  yesterdayMetrics,
} from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi, urqlOf } from '../../../test/render';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { Locale } from '../../i18n/messages';
import type { Now } from '../../lib/clock';
import { decimalToFen } from '../../lib/decimal';
import { staleAfterFromUrl } from '../../lib/freshness';
import type { MilestonesQuery } from '../milestones/milestones.documents';
import { WarRoom } from './WarRoom';
import { CampaignProgressSubscription, TodayMetricsSubscription, type TodaySeriesQuery, type YesterdayMetricsQuery } from './war-room.documents';

useMockApi();

const CAMPAIGN = 'Q2FtcGFpZ246MQ==';
/** The threshold from a server that announces no heartbeat (the fake server's default): 5 s + three 1-s ticks. */
const STALE_AFTER_MS = 8_000;
/** Short, so a test sees the screen subscribe again after an error without waiting the real 5 s. */
const RESUBSCRIBE_AFTER_MS = 50;

// The feed stamps each message with performance.now(); faking it (and the animation frames that read it)
// lets the screen's clock and those stamps move together under the test's control. setTimeout stays
// real, so msw, graphql-ws and waitFor run as usual.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'requestAnimationFrame', 'cancelAnimationFrame'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function answerQueries() {
  const yesterdayAsked: VariablesOf<typeof YesterdayMetricsQuery>[] = [];
  const daySeriesAsked: VariablesOf<typeof TodaySeriesQuery>[] = [];
  server.use(
    api.query<ResultOf<typeof TodaySeriesQuery>, VariablesOf<typeof TodaySeriesQuery>>('WarRoomTodaySeries', ({ variables }) => {
      daySeriesAsked.push(variables);
      return HttpResponse.json({ data: { metrics: { series: minuteSeries(TODAY_FROM, [1, 2, 3]) } } });
    }),
    api.query<ResultOf<typeof YesterdayMetricsQuery>, VariablesOf<typeof YesterdayMetricsQuery>>('WarRoomYesterday', ({ variables }) => {
      yesterdayAsked.push(variables);
      return HttpResponse.json({ data: { metrics: yesterdayMetrics() } });
    }),
    api.query<ResultOf<typeof MilestonesQuery>, VariablesOf<typeof MilestonesQuery>>('WarRoomMilestones', ({ variables }) =>
      HttpResponse.json({
        data: milestonesResult(variables.campaignId, [milestone({ name: '支付通道扩容', riskLevel: 'HIGH' }), milestone({ id: 'm2', name: '客服排班' })]),
      }),
    ),
    api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([]) })),
  );
  return { yesterdayAsked, daySeriesAsked };
}

/**
 * The war room for one campaign on msw, with a clock that moves only when the test says so. `search`: the
 * address's query, read as main.tsx reads it (none by default); `ack`: what the server's connection_ack
 * carries (nothing by default, as an older server).
 */
async function openWarRoom(options: { locale?: Locale; resubscribeAfterMs?: number; search?: string; ack?: Record<string, unknown> } = {}) {
  const queries = answerQueries();
  const testApi = startApi();
  if (options.ack) testApi.live.acknowledgeWith(options.ack);
  const started = performance.now();
  const read = (): Now => ({ wall: NOW_WALL + (performance.now() - started), mono: performance.now() });
  const [now, setNow] = createSignal<Now>(read());
  const view = renderWithProviders(
    () => (
      <WarRoom
        campaignId={CAMPAIGN}
        picker={<span data-testid="picker" />}
        now={now}
        connection={testApi.connection}
        staleAfterMs={staleAfterFromUrl(options.search ?? '')}
        resubscribeAfterMs={options.resubscribeAfterMs}
        permissions={new Set(['READ'])}
      />
    ),
    { api: testApi, locale: options.locale },
  );
  await vi.waitFor(() => {
    expect(testApi.connection.state()).toBe('connected');
    expect(testApi.live.isSubscribed('WarRoomProgress')).toBe(true);
    expect(testApi.live.isSubscribed('WarRoomToday')).toBe(true);
  });
  const room = () => {
    const root = view.container.querySelector<HTMLElement>('.war-room');
    if (!root) throw new Error('no war room on screen');
    return root;
  };
  /** What a server in step with the screen stamps now: computed a second ago (AS_OF at the start). */
  const asOfNow = () => new Date(read().wall - 1_000).toISOString();
  /** Both streams send their full state as of `asOf`; resolves once it is on screen. */
  const pushBoth = async (sequence: number, gmv: string, asOf: string) => {
    // One socket delivers in order: once the hero shows this GMV, today's metrics have arrived too.
    testApi.live.push(TodayMetricsSubscription, todayPayload({ sequence, asOf }));
    testApi.live.push(CampaignProgressSubscription, progressPayload({ sequence, asOf, progress: { gmv } }));
    await waitFor(() => expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', String(decimalToFen(gmv))));
  };
  return {
    ...testApi,
    ...queries,
    room,
    asOfNow,
    pushBoth,
    badge: () => screen.getByTestId('connection-badge'),
    /** Lets `ms` pass on the screen's clock, as createClock's one-second ticks would. */
    tick(ms: number) {
      vi.advanceTimersByTime(ms);
      setNow(read());
    },
    /** Both streams send their full state, fresh (what the server does every tick and after a resubscribe). */
    async sendBoth(sequence = 1, gmv = '123456789.00') {
      await pushBoth(sequence, gmv, asOfNow());
      await waitFor(() => expect(room()).toHaveAttribute('data-freshness', 'live'));
    },
  };
}

describe('WarRoom connection state', () => {
  it('says connecting, with no banner, until both live streams have spoken', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    expect(w.badge()).toHaveAttribute('data-state', 'connecting');
    expect(w.badge()).toHaveTextContent('连接中');
    expect(screen.getByTestId('as-of')).toHaveTextContent('—');

    w.live.push(CampaignProgressSubscription, progressPayload());
    await screen.findByTestId('hero');
    // One stream alone is not enough to call the screen live.
    expect(w.badge()).toHaveAttribute('data-state', 'connecting');
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();

    w.live.push(TodayMetricsSubscription, todayPayload());
    await waitFor(() => expect(w.badge()).toHaveAttribute('data-state', 'live'));
    expect(w.badge()).toHaveTextContent('实时');
    expect(screen.getByTestId('as-of')).toHaveTextContent(AS_OF_CLOCK);
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
    expect(w.room()).not.toHaveClass('not-live');
    expect(screen.getByTestId('hero')).not.toHaveClass('is-stale');
  });

  it('turns stale after staleAfterMs without a message: banner in plain words with the asOf time, figures greyed', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();

    w.tick(STALE_AFTER_MS);
    expect(w.badge()).toHaveAttribute('data-state', 'live');
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();

    w.tick(1_000);
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
    expect(w.badge()).toHaveTextContent('数据延迟');
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent(`数据延迟：当前数字截至 ${AS_OF_CLOCK}（9 秒前），不是实时数据。正在自动恢复…`);
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('delayed-banner'));
    expect(w.room()).toHaveClass('not-live');
    expect(screen.getByTestId('hero')).toHaveClass('is-stale');
    expect(screen.getByTestId('kpi-strip').parentElement).toHaveClass('is-stale');

    // The banner keeps counting while nothing arrives.
    w.tick(5_000);
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent('（14 秒前）');

    // The next message brings the screen back.
    await w.sendBoth(2);
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
    expect(w.room()).not.toHaveClass('not-live');
    expect(screen.getByTestId('hero')).not.toHaveClass('is-stale');
  });

  it('one stuck stream is enough to call the screen stale', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    w.tick(5_000);
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, asOf: w.asOfNow(), progress: { gmv: '123460000.00' } }));
    await waitFor(() => expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '12346000000'));
    w.tick(4_000); // progress 4 s old, today's metrics 9 s old
    await waitFor(() => expect(w.badge()).toHaveAttribute('data-state', 'stale'));
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent('（9 秒前）');
  });

  it('says reconnecting the moment the socket drops, and comes back live once the server answers again', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();

    w.live.hold();
    w.live.drop();
    await waitFor(() => expect(w.badge()).toHaveAttribute('data-state', 'reconnecting'));
    expect(w.badge()).toHaveTextContent('重连中');
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent(`与服务器的连接已断开，正在重连。屏幕上的数字截至 ${AS_OF_CLOCK}。`);
    expect(w.room()).toHaveClass('not-live');
    expect(screen.getByTestId('hero')).toHaveClass('is-stale');

    // graphql-ws opens a new socket after its back-off; unacknowledged, the screen stays reconnecting.
    await vi.waitFor(() => expect(w.live.connections()).toBe(2), { timeout: 3_000 });
    w.tick(1_000);
    expect(w.badge()).toHaveAttribute('data-state', 'reconnecting');

    w.live.accept();
    await vi.waitFor(() => {
      expect(w.connection.state()).toBe('connected');
      expect(w.live.isSubscribed('WarRoomToday')).toBe(true);
      expect(w.live.isSubscribed('WarRoomProgress')).toBe(true);
    });
    // After a resubscribe the server starts a fresh topic: its first message is the full state; the
    // day's minute line is loaded again for the minutes missed while away.
    await w.sendBoth(1, '123500000.00');
    await vi.waitFor(() => expect(w.daySeriesAsked).toHaveLength(2));
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
    expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '12350000000');
  });

  it('turns stale when messages keep coming but their asOf stops moving (a read replica behind), with the age from asOf', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    // The replica stops replaying at 12:00:29; its heartbeats still arrive every second, asOf unchanged.
    const stoppedAt = w.asOfNow();
    await w.sendBoth(1, '100000000.00');
    for (let second = 1; second <= 8; second += 1) {
      w.tick(1_000);
      await w.pushBoth(second + 1, `${100_000_000 + second}.00`, stoppedAt);
    }
    expect(w.badge()).toHaveAttribute('data-state', 'live'); // 8 s behind: a heartbeat late, no more

    w.tick(1_000);
    await w.pushBoth(10, '100000009.00', stoppedAt);
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent(`数据延迟：当前数字截至 ${AS_OF_CLOCK}（9 秒前），不是实时数据。`);
    expect(screen.getByTestId('hero')).toHaveClass('is-stale');
    w.tick(1_000);
    await w.pushBoth(11, '100000010.00', stoppedAt);
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent('（10 秒前）');

    // It catches up: live again.
    await w.sendBoth(12, '100000011.00');
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
    expect(screen.getByTestId('hero')).not.toHaveClass('is-stale');
  });

  it('stays live on a screen whose own clock is an hour off the server\'s', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    const serverAsOf = () => new Date(Date.parse(w.asOfNow()) - 3_600_000).toISOString();
    await w.pushBoth(1, '100000000.00', serverAsOf());
    for (let second = 1; second <= 20; second += 1) {
      w.tick(1_000);
      await w.pushBoth(second + 1, `${100_000_000 + second}.00`, serverAsOf());
      expect(w.badge()).toHaveAttribute('data-state', 'live');
    }
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
  });

  it('shows no banner while reconnecting before any figure was ever shown', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    w.live.hold();
    w.live.drop();
    await waitFor(() => expect(w.badge()).toHaveAttribute('data-state', 'reconnecting'));
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
  });

  it('shows a failed stream inline', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    w.live.fail(TodayMetricsSubscription, 'campaign not visible to this viewer');
    expect(await screen.findByText(/^加载失败：.*campaign not visible to this viewer/)).toBeInTheDocument();
  });

  it('keeps the figures when the server ends a stream with an error, shows the error, and subscribes again', async () => {
    const w = await openWarRoom({ locale: 'zh-CN', resubscribeAfterMs: RESUBSCRIBE_AFTER_MS });
    await w.sendBoth();
    w.tick(5_000);
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, asOf: w.asOfNow() }));

    w.live.endWithError(TodayMetricsSubscription, 'Unexpected error.');
    expect(w.live.isSubscribed('WarRoomToday')).toBe(false);
    expect(await screen.findByText(/^加载失败：.*Unexpected error\./)).toBeInTheDocument();
    // The last figures stay, from today's stream as from the other one.
    expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '12345678900');
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent('38,120 单');
    expect(within(screen.getByTestId('top-products')).getAllByRole('row')).toHaveLength(4);
    expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-value')).toHaveTextContent('5.0');
    // ...and keep their time, so they age like any figures nothing new has come for.
    w.tick(4_000); // progress 4 s old, today's metrics 9 s old
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent('（9 秒前）');
    expect(screen.getByTestId('hero')).toHaveClass('is-stale');

    await vi.waitFor(() => expect(w.live.isSubscribed('WarRoomToday')).toBe(true));
    expect(screen.getByText(/^加载失败：/)).toBeInTheDocument(); // until the new subscription delivers
    await w.sendBoth(1, '123500000.00');
    expect(screen.queryByText(/^加载失败：/)).not.toBeInTheDocument();
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
  });

  it('subscribes again after resubscribeAfterMs when a stream is refused with an error message too', async () => {
    const w = await openWarRoom({ locale: 'zh-CN', resubscribeAfterMs: RESUBSCRIBE_AFTER_MS });
    await w.sendBoth();

    w.live.fail(TodayMetricsSubscription, 'Unexpected error.');
    expect(w.live.isSubscribed('WarRoomToday')).toBe(false);
    expect(await screen.findByText(/^加载失败：.*Unexpected error\./)).toBeInTheDocument();
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent('38,120 单');
    await vi.waitFor(() => expect(w.live.isSubscribed('WarRoomToday')).toBe(true));
    await w.sendBoth(2);
    expect(screen.queryByText(/^加载失败：/)).not.toBeInTheDocument();
  });
});

describe("WarRoom's stale threshold: the server's heartbeat, unless the address sets one", () => {
  /** A server with LIVE_HEARTBEAT_MS=15000: one heartbeat plus three 1-s ticks. */
  const SLOW_HEARTBEAT_STALE_AFTER_MS = 15_000 + 3 * 1_000;

  it('calls a feed quiet, not stale, between the heartbeats of a server that announces 15 s, and stale once one is missed', async () => {
    const w = await openWarRoom({ locale: 'zh-CN', ack: { heartbeatMs: 15_000 } });
    await w.sendBoth();

    w.tick(10_000);
    expect(w.badge()).toHaveAttribute('data-state', 'live');
    expect(screen.queryByTestId('delayed-banner')).not.toBeInTheDocument();
    w.tick(SLOW_HEARTBEAT_STALE_AFTER_MS - 10_000);
    expect(w.badge()).toHaveAttribute('data-state', 'live');

    w.tick(1);
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
    expect(w.badge()).toHaveTextContent('数据延迟');
  });

  it('keeps the 8 s threshold from a server that announces no heartbeat, also after a reconnect from one that announced 15 s', async () => {
    const w = await openWarRoom({ locale: 'zh-CN', ack: { heartbeatMs: 15_000 } });
    await w.sendBoth();
    w.tick(10_000);
    expect(w.badge()).toHaveAttribute('data-state', 'live');

    // Restarted as an older version, which sends a bare connection_ack.
    const subscribedBefore = { today: w.live.subscribes('WarRoomToday'), progress: w.live.subscribes('WarRoomProgress') };
    w.live.acknowledgeWith({});
    w.live.drop();
    await vi.waitFor(
      () => {
        // At least one new socket (CI once saw a second reconnect here, 3 sockets in all): every one after the
        // drop gets the bare connection_ack, which is what this test is about.
        expect(w.live.connections()).toBeGreaterThanOrEqual(2);
        expect(w.connection.state()).toBe('connected');
        // Subscribed again on the new socket: the old socket's streams may not be forgotten yet.
        expect(w.live.subscribes('WarRoomToday')).toBeGreaterThan(subscribedBefore.today);
        expect(w.live.subscribes('WarRoomProgress')).toBeGreaterThan(subscribedBefore.progress);
      },
      { timeout: 3_000 },
    );
    await w.sendBoth(2);

    w.tick(STALE_AFTER_MS);
    expect(w.badge()).toHaveAttribute('data-state', 'live');
    w.tick(1);
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
  });

  it('lets ?staleAfter=20000 win over the 15 s heartbeat the server announces', async () => {
    const w = await openWarRoom({ locale: 'zh-CN', search: '?staleAfter=20000', ack: { heartbeatMs: 15_000 } });
    await w.sendBoth();

    w.tick(SLOW_HEARTBEAT_STALE_AFTER_MS + 1_000); // past the heartbeat's threshold, within the address's
    expect(w.badge()).toHaveAttribute('data-state', 'live');
    w.tick(20_000 - (SLOW_HEARTBEAT_STALE_AFTER_MS + 1_000));
    expect(w.badge()).toHaveAttribute('data-state', 'live');

    w.tick(1);
    expect(w.badge()).toHaveAttribute('data-state', 'stale');
  });
});

describe('WarRoom figures', () => {
  it('shows money as ¥1.23亿, ¥8,520.00 and ¥0.00 in Chinese', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥1.23亿');
    const gmv = within(screen.getByTestId('top-products')).getAllByRole('row').slice(1).map((row) => row.querySelectorAll('td')[2]?.textContent);
    expect(gmv).toEqual(['¥1.23亿', '¥8,520.00', '¥0.00']);
    expect(within(screen.getByTestId('channel-bars')).getByText('天猫').nextElementSibling?.nextElementSibling).toHaveTextContent('¥6000.00万');
  });

  it('gives each top seller its SKU code, and its shop only when the campaign the wall shows runs in several', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    expect(screen.getAllByTestId('top-sku-line')[0]).toHaveTextContent(/^TM-\S+$/);
    const asOf = w.asOfNow();
    const campaign = progressPayload().campaignProgress.campaign;
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, asOf, campaign: { ...campaign, shops: [{ id: 'U2hvcDox' }, { id: 'U2hvcDoy' }] } }));
    await waitFor(() => expect(screen.getAllByTestId('top-sku-line')[0]).toHaveTextContent(/^TM-\S+ · 天猫旗舰店$/));
  });

  it("shows today's spend and ROI per source and the fulfilment tile from today's stream", async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    const sources = within(screen.getByTestId('source-panel'));
    expect(sources.getByRole('heading')).toHaveTextContent('今日流量来源 · 投放 ROI');
    expect(sources.getByText('付费推广').closest('tr')).toHaveTextContent('0.62建议暂停');
    expect(sources.getByText('搜索').closest('tr')?.querySelector('td.roi')).toHaveTextContent('—');
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent('38,120 单');
    expect(screen.getByTestId('fulfilment-overdue')).toHaveClass('bad');
    expect(screen.getByTestId('fulfilment-paid-to-shipped')).toHaveTextContent('6.2 小时');
  });

  it('says there are no sales or visits yet where a campaign has none today (not started, or over), and stays blank while loading', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    // Loading: nothing claims there are no sales.
    expect(screen.queryByTestId('channels-empty')).not.toBeInTheDocument();
    expect(screen.queryByTestId('sources-empty')).not.toBeInTheDocument();
    const asOf = w.asOfNow();
    w.live.push(TodayMetricsSubscription, todayPayload({ sequence: 1, asOf, metrics: { byChannel: [], bySource: [], topProducts: [] } }));
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 1, asOf }));
    await waitFor(() => expect(screen.getByTestId('channels-empty')).toHaveTextContent('今日暂无成交'));
    expect(screen.getByTestId('sources-empty')).toHaveTextContent('今日暂无流量');
    expect(screen.queryByTestId('channel-bars')).not.toBeInTheDocument();
    expect(screen.queryByTestId('source-roi')).not.toBeInTheDocument();
  });

  it('projects nothing for a campaign that is over: the hero says when it closed and the pace chart drops 预计收官', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    const asOf = w.asOfNow();
    const over = progressPayload({ sequence: 1, asOf });
    const endsAt = new Date(Date.parse(asOf) - 86_400_000).toISOString();
    w.live.push(TodayMetricsSubscription, todayPayload({ sequence: 1, asOf }));
    w.live.push(CampaignProgressSubscription, { campaignProgress: { ...over.campaignProgress, campaign: { ...over.campaignProgress.campaign, endsAt } } });
    await waitFor(() => expect(screen.getByTestId('hero')).toHaveTextContent('已收官'));
    expect(screen.getByTestId('hero')).not.toHaveTextContent('预计收官');
    expect(document.querySelector('.legend-projection')).toBeNull();
  });

  it('rolls the hero up to a new GMV, landing on the exact figure', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth(1, '100000000.00');
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥1.00亿');

    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, progress: { gmv: '200000000.00' } }));
    await waitFor(() => expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '20000000000'));
    expect(screen.getByTestId('hero-gmv-exact')).toHaveTextContent('¥200,000,000.00');
    vi.advanceTimersByTime(400);
    expect(screen.getByTestId('hero-gmv').textContent).not.toBe('¥2.00亿'); // still rolling
    vi.advanceTimersByTime(500);
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥2.00亿');
  });

  it('compares KPIs with yesterday up to this minute, loaded over HTTP once today is known', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    expect(w.yesterdayAsked).toEqual([]); // nothing to ask before today's window is known
    await w.sendBoth();
    await waitFor(() => expect(screen.getByTestId('kpi-ordersPerSecond')).toHaveTextContent('+20.0%'));
    expect(w.yesterdayAsked.at(-1)).toEqual({ campaignId: CAMPAIGN, from: '2026-11-09T16:00:00.000Z', to: '2026-11-10T04:00:00.000Z' });
    expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-value')).toHaveTextContent('5.0');
    expect(screen.getByTestId('kpi-buyers')).toHaveTextContent('▲ +20.0%');
  });

  it('after midnight compares nothing with the day before yesterday, and counts orders/s over the minutes since 00:00', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    await waitFor(() => expect(screen.getByTestId('kpi-buyers')).toHaveTextContent('▲ +20.0%'));

    // 00:00:40 on 12 November: a new day, whose stream starts at midnight with 400 orders so far.
    const midnight = '2026-11-11T16:00:00Z';
    const newDay = (sequence: number, orders: number[]) =>
      w.live.push(TodayMetricsSubscription, todayPayload({ sequence, asOf: w.asOfNow(), from: midnight, to: '2026-11-12T16:00:00Z', metrics: { series: minuteSeries(midnight, orders) } }));
    w.tick(Date.parse(midnight) + 40_000 - NOW_WALL);
    newDay(2, [400]);
    await waitFor(() => expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-value')).toHaveTextContent(/^—$/));
    for (const tile of screen.getByTestId('kpi-strip').querySelectorAll('.kpi')) {
      expect(tile.querySelector('.kpi-change')).toHaveTextContent(/^— 较昨日同时段$/);
    }

    // 00:01:30: one whole minute of 600 orders is 10 orders/s.
    w.tick(50_000);
    newDay(3, [600, 300]);
    await waitFor(() => expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-value')).toHaveTextContent('10.0'));
  });

  it("loads the day's minute line once for today's window; the stream then carries only its tail", async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    await vi.waitFor(() => expect(w.daySeriesAsked).toEqual([{ campaignId: CAMPAIGN, from: TODAY_FROM, to: '2026-11-11T16:00:00Z' }]));
    await w.sendBoth(2);
    w.tick(5_000);
    expect(w.daySeriesAsked).toHaveLength(1);
  });

  it('asks for yesterday again once a minute, not on every tick of the clock', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    await waitFor(() => expect(w.yesterdayAsked).toHaveLength(1));
    for (let second = 0; second < 5; second += 1) {
      w.tick(1_000); // up to 12:00:35, still the same minute
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(w.yesterdayAsked).toHaveLength(1);

    w.tick(30_000); // 12:01:05
    await waitFor(() => expect(w.yesterdayAsked).toHaveLength(2));
    expect(w.yesterdayAsked[1]?.to).toBe('2026-11-10T04:01:00.000Z');
  });

  it('keeps the milestone board and the alerts on the same screen', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    await w.sendBoth();
    const flagged = await within(screen.getByTestId('milestone-board')).findByTestId('no-plan-warning');
    expect(flagged.closest('li')).toHaveTextContent('支付通道扩容');
    expect(await within(screen.getByTestId('alerts-feed')).findByText('没有未处理的告警')).toBeInTheDocument();
  });
});

describe('WarRoom first numbers', () => {
  it('asks for its two live streams before it draws its panels, so the server answers while they are drawn', async () => {
    answerQueries();
    const testApi = startApi();
    const client = urqlOf(testApi);
    const execute = client.executeSubscription.bind(client);
    const panelsDrawnWhenAsked = new Map<string, boolean>();
    vi.spyOn(client, 'executeSubscription').mockImplementation((request, context) => {
      const name = getOperationName(request.query) ?? '?';
      if (!panelsDrawnWhenAsked.has(name)) panelsDrawnWhenAsked.set(name, document.querySelector('.panel-top') !== null);
      return execute(request, context);
    });
    const started = performance.now();
    const now = (): Now => ({ wall: NOW_WALL + (performance.now() - started), mono: performance.now() });
    const view = renderWithProviders(
      () => <WarRoom campaignId={CAMPAIGN} picker={<span />} now={now} connection={testApi.connection} permissions={new Set(['READ'])} />,
      { api: testApi, locale: 'zh-CN' },
    );
    expect(panelsDrawnWhenAsked.get('WarRoomProgress')).toBe(false);
    expect(panelsDrawnWhenAsked.get('WarRoomToday')).toBe(false);
    expect(view.container.querySelector('.panel-top')).toBeNull();
    await waitFor(() => expect(view.container.querySelector('.panel-top')).not.toBeNull());
    expect(screen.getByTestId('milestone-board')).toBeInTheDocument();
  });
});

describe('WarRoom language', () => {
  it('opens in Chinese and switches every visible string and money unit with the toggle, remembering it', async () => {
    const w = await openWarRoom();
    await w.sendBoth();
    await within(screen.getByTestId('milestone-board')).findByTestId('no-plan-warning');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('PeakOps 作战室');
    expect(screen.getByText('活动累计成交额 GMV')).toBeInTheDocument();
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥1.23亿');

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('PeakOps War Room');
    expect(screen.getByText('Campaign GMV')).toBeInTheDocument();
    expect(screen.queryByText('活动累计成交额 GMV')).not.toBeInTheDocument();
    expect(w.badge()).toHaveTextContent('Live');
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥123.45M');
    expect(screen.getByTestId('hero-target')).toHaveTextContent('¥500.00M');
    expect(screen.getByTestId('kpi-ordersPerSecond')).toHaveTextContent('Orders / s');
    expect(screen.getByTestId('no-plan-warning')).toHaveTextContent('HIGH risk · no response plan');
    expect(within(screen.getByTestId('milestone-board')).getByRole('heading')).toHaveTextContent('Milestones');
    expect(localStorage.getItem('peakops.locale')).toBe('en');

    w.tick(STALE_AFTER_MS + 1_000);
    expect(screen.getByTestId('delayed-banner')).toHaveTextContent(`Data delayed: these figures are as of ${AS_OF_CLOCK} (9 s ago), not live.`);
  });

  it('opens in English with ?lang=en', async () => {
    history.replaceState(null, '', `/?lang=en`);
    const w = await openWarRoom();
    await w.sendBoth();
    expect(screen.getByText('Campaign GMV')).toBeInTheDocument();
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥123.45M');
    expect(screen.getByTestId('lang-toggle')).toHaveTextContent('中文');
  });

  it.each([
    ['en', ['Your shop’s campaign GMV', 'Your shop’s target'], ['Your shops’ campaign GMV', 'Your shops’ target']],
    ['zh-CN', ['本店活动累计成交额 GMV', '本店目标'], ['各店合计活动累计成交额 GMV', '各店合计目标']],
  ] as const)('names one shop of a campaign seen in part as the caller’s shop, several as their shops together (%s)', async (lang, one, several) => {
    history.replaceState(null, '', `/?lang=${lang}`);
    const w = await openWarRoom();
    await w.sendBoth();
    const campaign = progressPayload().campaignProgress.campaign;
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, asOf: w.asOfNow(), campaign: { ...campaign, partial: true, shops: [{ id: 'U2hvcDox' }] } }));
    expect(await screen.findByText(one[0])).toBeInTheDocument();
    expect(screen.getByText(one[1])).toBeInTheDocument();
    w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 3, asOf: w.asOfNow(), campaign: { ...campaign, partial: true, shops: [{ id: 'U2hvcDox' }, { id: 'U2hvcDoy' }] } }));
    expect(await screen.findByText(several[0])).toBeInTheDocument();
    expect(screen.getByText(several[1])).toBeInTheDocument();
  });
});

describe('WarRoom shop parts of a split campaign', () => {
  const withParts = (sequence: number, parts: { name: string; gmv: string; pace: number }[] | null) => {
    const base = progressPayload({ sequence }).campaignProgress;
    const shopParts = parts?.map((p) => ({ shop: { id: `s-${p.name}`, name: p.name }, gmvTarget: '2000000.00', progress: { gmv: p.gmv, achievementRate: Number(p.gmv) / 2_000_000, pace: p.pace } })) ?? null;
    return progressPayload({ sequence, campaign: { ...base.campaign, shopParts } });
  };

  it('lists the shops under the hero from the progress stream, worst pace first, and moves them with its next message', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    w.live.push(TodayMetricsSubscription, todayPayload());
    w.live.push(CampaignProgressSubscription, withParts(1, [{ name: '天猫店', gmv: '900000.00', pace: 1.1 }, { name: '京东店', gmv: '300000.00', pace: 0.5 }]));
    const panel = await screen.findByTestId('shop-parts-panel');
    expect(panel).toHaveTextContent('各店目标进度');
    expect(within(panel).getAllByTestId('shop-part-pace').map((p) => p.textContent)).toEqual(['计划的 50%', '计划的 110%']);

    w.live.push(CampaignProgressSubscription, withParts(2, [{ name: '天猫店', gmv: '900000.00', pace: 0.8 }, { name: '京东店', gmv: '700000.00', pace: 1.2 }]));
    await waitFor(() => expect(within(panel).getAllByTestId('shop-part')[0]).toHaveTextContent('天猫店'));
    expect(within(panel).getAllByTestId('shop-part-figures')[1]).toHaveTextContent('¥70.00万 / ¥200.00万 · 35.0%');
  });

  it('shows no panel for a campaign not split, nor for a viewer of one shop, whose hero is their part', async () => {
    const w = await openWarRoom({ locale: 'zh-CN' });
    w.live.push(CampaignProgressSubscription, withParts(1, null));
    await screen.findByTestId('hero');
    expect(screen.queryByTestId('shop-parts-panel')).not.toBeInTheDocument();
    w.live.push(CampaignProgressSubscription, withParts(2, [{ name: '天猫店', gmv: '900000.00', pace: 1.1 }, { name: '京东店', gmv: '300000.00', pace: 0.5 }]));
    await screen.findByTestId('shop-parts-panel');
    w.live.push(CampaignProgressSubscription, withParts(3, [{ name: '京东店', gmv: '300000.00', pace: 0.5 }]));
    await waitFor(() => expect(screen.queryByTestId('shop-parts-panel')).not.toBeInTheDocument());
  });
});

describe('WarRoom when one part cannot be drawn', () => {
  it('says so in that panel alone, keeps every other figure live, and draws it again once it can', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const w = await openWarRoom({ locale: 'zh-CN' });
      await w.sendBoth();
      const top = () => screen.getByTestId('top-products').closest('section')!;
      expect(within(top()).getAllByRole('row')).toHaveLength(4);

      // A row the screen cannot draw (no SKU: a server and screen out of step, or a bug).
      const broken = { ...todayPayload().liveMetrics.metrics.topProducts[0]!, sku: null } as unknown as ReturnType<typeof todayPayload>['liveMetrics']['metrics']['topProducts'][number];
      w.live.push(TodayMetricsSubscription, todayPayload({ sequence: 2, asOf: w.asOfNow(), metrics: { buyers: 36_500, topProducts: [broken] } }));
      w.live.push(CampaignProgressSubscription, progressPayload({ sequence: 2, asOf: w.asOfNow(), progress: { gmv: '123460000.00' } }));

      const fault = await screen.findByTestId('fault');
      expect(fault).toHaveTextContent('此处暂时无法显示，其余照常更新');
      expect(fault.closest('section')).toHaveClass('panel-top');
      expect(screen.getAllByTestId('fault')).toHaveLength(1);
      // Everything else took the same tick: the hero, the KPIs, and the screen still calls itself live.
      await waitFor(() => expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '12346000000'));
      expect(screen.getByTestId('kpi-buyers')).toHaveTextContent('36,500');
      expect(w.badge()).toHaveAttribute('data-state', 'live');
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('今日商品 TOP 10 could not be drawn'), expect.objectContaining({ message: expect.stringContaining('Cannot read properties of null') }));

      // The next tick's rows are whole: within the retry the panel draws them, and later ticks still move.
      w.live.push(TodayMetricsSubscription, todayPayload({ sequence: 3, asOf: w.asOfNow() }));
      await waitFor(() => expect(screen.queryByTestId('fault')).not.toBeInTheDocument(), { timeout: 8_000 });
      expect(within(top()).getAllByRole('row')).toHaveLength(4);
      w.live.push(TodayMetricsSubscription, todayPayload({ sequence: 4, asOf: w.asOfNow(), metrics: { buyers: 37_000 } }));
      await waitFor(() => expect(screen.getByTestId('kpi-buyers')).toHaveTextContent('37,000'));
    } finally {
      errors.mockRestore();
    }
  }, 15_000);
});
