import { createQuery } from '@urql/solid';
import { createEffect, createMemo, For, on, onCleanup, Show, type Accessor, type JSX } from 'solid-js';
import { DelayedBanner } from '../../components/DelayedBanner';
import { Panel } from '../../components/Panel';
import type { ConnectionStore } from '../../graphql/connection';
import { useI18n } from '../../i18n/i18n';
import type { Now } from '../../lib/clock';
import { formatClock } from '../../lib/format';
import { freshness } from '../../lib/freshness';
import { AlertsFeed } from '../alerts/AlertsFeed';
import { MilestoneBoard } from '../milestones/MilestoneBoard';
import { StatusBar } from '../status/StatusBar';
import { ChannelBars, FunnelBars, SourceBars } from './Breakdowns';
import { HeroGmv } from './HeroGmv';
import { KpiStrip } from './KpiStrip';
import { kpis } from './kpis';
import { createLiveFeed } from './live-feed';
import { MinuteChart } from './MinuteChart';
import { PaceChart } from './PaceChart';
import { TopProducts } from './TopProducts';
import { mergeTail } from './minute-series';
import { CampaignProgressSubscription, TodayMetricsSubscription, TodaySeriesQuery, YesterdayMetricsQuery } from './war-room.documents';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The full minute line is reloaded this often too, for events that arrive late into older minutes. */
const SERIES_RELOAD_MS = 5 * MINUTE_MS;

export interface WarRoomProps {
  campaignId: string;
  picker: JSX.Element;
  now: Accessor<Now>;
  connection: ConnectionStore;
  staleAfterMs: number;
}

/** One campaign's screen: two live streams (campaign progress, today's metrics) and two polled lists. */
export function WarRoom(props: WarRoomProps) {
  const { t, locale } = useI18n();
  const variables = () => ({ campaignId: props.campaignId });
  const progress = createLiveFeed(CampaignProgressSubscription, variables, (d) => d.campaignProgress.sequence);
  const today = createLiveFeed(TodayMetricsSubscription, variables, (d) => d.liveMetrics.sequence);

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
  const state = createMemo(() =>
    freshness({ socket: props.connection.state(), receivedAt: receivedAt(), now: props.now().mono, staleAfterMs: props.staleAfterMs }),
  );
  const notLive = () => (state() === 'stale' || state() === 'reconnecting') && asOf() !== null;
  const bannerText = () => {
    const at = asOf();
    if (!at) return '';
    const seconds = Math.max(0, Math.round((props.now().mono - (receivedAt() ?? props.now().mono)) / 1000));
    const params = { asOf: formatClock(at, locale()), seconds };
    return state() === 'reconnecting' ? t('banner.reconnecting', params) : t('banner.delayed', params);
  };

  const kpiList = createMemo(() => {
    const m = today.data()?.liveMetrics.metrics;
    if (!m) return [];
    return kpis(m, yesterday.data?.metrics ?? null, minute());
  });

  return (
    <div class="war-room" classList={{ 'not-live': notLive() }} data-freshness={state()}>
      <StatusBar picker={props.picker} nowWall={props.now().wall} asOf={asOf()} freshness={state()} />
      <DelayedBanner visible={notLive()} message={bannerText()} />
      <Show when={progress.error() ?? today.error()}>
        {(message) => (
          <p class="inline-error" role="alert">
            {t('app.error', { message: message() })}
          </p>
        )}
      </Show>
      <main class="grid">
        <div class="col col-left">
          <Panel title={t('pace.title')} class="panel-pace" extra={<Legend items={[['gmv', t('pace.actual')], ['plan', t('pace.plan')], ['projection', t('hero.projected')]]} />}>
            <Show when={progress.data()}>
              {(p) => (
                <PaceChart
                  curve={p().campaignProgress.progress.curve}
                  projectedGmv={p().campaignProgress.progress.projectedGmv}
                  endsAt={p().campaignProgress.campaign.endsAt}
                />
              )}
            </Show>
          </Panel>
          <Panel title={t('channels.title')} class="panel-channels">
            <ChannelBars rows={today.data()?.liveMetrics.metrics.byChannel ?? []} />
          </Panel>
          <Panel title={t('sources.title')} class="panel-sources">
            <SourceBars rows={today.data()?.liveMetrics.metrics.bySource ?? []} />
          </Panel>
          <Panel title={t('funnel.title')} class="panel-funnel">
            <FunnelBars steps={today.data()?.liveMetrics.metrics.funnel.steps ?? []} />
          </Panel>
        </div>
        <div class="col col-center">
          <Show when={progress.data()} fallback={<div class="hero loading">{t('app.loading')}</div>}>
            {(p) => <HeroGmv progress={p().campaignProgress.progress} stale={notLive()} />}
          </Show>
          <div classList={{ 'is-stale': notLive() }}>
            <KpiStrip kpis={kpiList()} />
          </div>
          <Panel title={t('minute.title')} class="panel-minute" extra={<Legend items={[['gmv', t('minute.gmv')], ['orders', t('minute.orders')]]} />}>
            <MinuteChart series={minuteSeries()} nowMs={minute()} />
          </Panel>
        </div>
        <div class="col col-right">
          <Panel title={t('top.title')} class="panel-top">
            <TopProducts rows={today.data()?.liveMetrics.metrics.topProducts ?? []} />
          </Panel>
          <MilestoneBoard campaignId={props.campaignId} />
          <AlertsFeed />
        </div>
      </main>
    </div>
  );
}

function Legend(props: { items: [string, string][] }) {
  return (
    <span class="legend">
      <For each={props.items}>{([key, label]) => <span class={`legend-item legend-${key}`}>{label}</span>}</For>
    </span>
  );
}
