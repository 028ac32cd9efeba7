import { createQuery } from '@urql/solid';
import { createEffect, createMemo, on, onCleanup, type Accessor } from 'solid-js';
import type { ConnectionStore } from '../../graphql/connection';
import type { Now } from '../../lib/clock';
import { createDataAge } from '../../lib/data-age';
import { currentStaleAfterMs, dataAgeMs, freshness } from '../../lib/freshness';
import { kpis } from './kpis';
import { createLiveFeed } from './live-feed';
import { mergeTail } from './minute-series';
import { CampaignProgressSubscription, TodayMetricsSubscription, TodaySeriesQuery, YesterdayMetricsQuery } from './war-room.documents';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The full minute line is reloaded this often too, for events that arrive late into older minutes. */
const SERIES_RELOAD_MS = 5 * MINUTE_MS;

export interface WarRoomDataProps {
  campaignId: string;
  now: Accessor<Now>;
  connection: ConnectionStore;
  /** `?staleAfter=`: fixes the stale threshold, in ms; unset, it follows the heartbeat the server announces. */
  staleAfterMs?: number;
  /** How long a live stream waits after an error before subscribing again (createLiveFeed's default if unset). */
  resubscribeAfterMs?: number;
}

/**
 * Everything one campaign's screen reads: two live streams (campaign progress, today's metrics),
 * yesterday's figures up to this minute, the day's minute line, and how fresh it all is.
 */
export function createWarRoomData(props: WarRoomDataProps) {
  const variables = () => ({ campaignId: props.campaignId });
  const feedOptions = { connection: props.connection, resubscribeAfterMs: props.resubscribeAfterMs };
  const progress = createLiveFeed(CampaignProgressSubscription, variables, feedOptions);
  const today = createLiveFeed(TodayMetricsSubscription, variables, feedOptions);

  // The clock ticks every second; charts and the yesterday window only need the minute.
  const minute = createMemo(() => Math.floor(props.now().wall / MINUTE_MS) * MINUTE_MS);

  // Yesterday from its midnight to this minute yesterday; the variables move once a minute, which refetches it.
  const yesterdayWindow = createMemo(
    () => {
      const from = today.data()?.liveMetrics.from;
      if (!from) return null;
      const to = minute() - DAY_MS;
      const start = Date.parse(from) - DAY_MS;
      return to > start ? { from: new Date(start).toISOString(), to: new Date(to).toISOString() } : null;
    },
    null,
    { equals: (a, b) => a?.from === b?.from && a?.to === b?.to },
  );
  const [yesterday] = createQuery({
    query: YesterdayMetricsQuery,
    variables: () => ({ campaignId: props.campaignId, from: yesterdayWindow()?.from ?? '', to: yesterdayWindow()?.to ?? '' }),
    pause: () => yesterdayWindow() === null,
  });

  // The day's minute line: loaded whole for today's window, then kept current by the stream's tail.
  const todayWindow = createMemo(
    () => {
      const live = today.data()?.liveMetrics;
      return live ? { from: live.from, to: live.to } : null;
    },
    null,
    { equals: (a, b) => a?.from === b?.from && a?.to === b?.to },
  );
  const [daySeries, reloadDaySeries] = createQuery({
    query: TodaySeriesQuery,
    variables: () => ({ campaignId: props.campaignId, from: todayWindow()?.from ?? '', to: todayWindow()?.to ?? '' }),
    pause: () => todayWindow() === null,
  });
  const reload = () => todayWindow() && reloadDaySeries({ requestPolicy: 'network-only' });
  createEffect(on(props.connection.connects, reload, { defer: true })); // minutes missed while away
  const reloading = setInterval(reload, SERIES_RELOAD_MS);
  onCleanup(() => clearInterval(reloading));
  const minuteSeries = createMemo(() => mergeTail(daySeries.data?.metrics.series ?? [], today.data()?.liveMetrics.metrics.series ?? []));

  // The older of the two streams decides: one stuck stream is enough to mistrust the screen.
  const receivedAt = createMemo(() => {
    const times = [progress.receivedAt(), today.receivedAt()];
    return times.includes(null) ? null : Math.min(...(times as number[]));
  });
  const asOf = createMemo(() => {
    const times = [progress.data()?.campaignProgress.asOf, today.data()?.liveMetrics.asOf].filter((x): x is string => Boolean(x));
    return times.length ? times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b)) : null;
  });
  const asOfAge = createDataAge({
    feeds: [
      { asOf: () => progress.data()?.campaignProgress.asOf, receivedAt: progress.receivedAt },
      { asOf: () => today.data()?.liveMetrics.asOf, receivedAt: today.receivedAt },
    ],
    connects: props.connection.connects,
    now: () => props.now().mono,
  });
  const timing = () => ({ receivedAt: receivedAt(), now: props.now().mono, asOfAgeMs: asOfAge() });
  const state = createMemo(() => freshness({ socket: props.connection.state(), staleAfterMs: currentStaleAfterMs(props), ...timing() }));
  /** How old the figures are, by asOf when it says older than their arrival: what the banner says. */
  const age = () => dataAgeMs(timing());
  /** Stale or reconnecting with figures on screen: say so, and grey them. */
  const notLive = () => (state() === 'stale' || state() === 'reconnecting') && asOf() !== null;

  // Only an answer for the window of this minute's day counts: while the query is paused (the first
  // minute after midnight) or asked for the new day, urql keeps the last answer, about the day before.
  const yesterdayMetrics = () => {
    const window = yesterdayWindow();
    const answered = yesterday.operation?.variables;
    return window && answered?.from === window.from ? (yesterday.data?.metrics ?? null) : null;
  };
  const kpiList = createMemo(() => {
    const live = today.data()?.liveMetrics;
    if (!live) return [];
    return kpis(live.metrics, yesterdayMetrics(), minute(), Date.parse(live.from));
  });

  return { progress, today, minute, minuteSeries, kpiList, asOf, age, state, notLive };
}
