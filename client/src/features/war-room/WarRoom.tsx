import { For, Show, type JSX } from 'solid-js';
import { DelayedBanner } from '../../components/DelayedBanner';
import { Guarded } from '../../components/Guarded';
import { Panel } from '../../components/Panel';
import { useI18n } from '../../i18n/i18n';
import { formatClock } from '../../lib/format';
import { createAfterThisTask } from '../../lib/next-task';
import type { Permission } from '../access/viewer.documents';
import { AlertsFeed } from '../alerts/AlertsFeed';
import { MilestoneBoard } from '../milestones/MilestoneBoard';
import { StatusBar } from '../status/StatusBar';
import { FunnelBars, GmvBars } from './Breakdowns';
import { FulfilmentTile } from './FulfilmentTile';
import { HeroGmv } from './HeroGmv';
import { KpiStrip } from './KpiStrip';
import { MinuteChart } from './MinuteChart';
import { PaceChart } from './PaceChart';
import { ShopParts } from './ShopParts';
import { SourceRoi } from './SourceRoi';
import { TopProducts } from './TopProducts';
import { createWarRoomData, type WarRoomDataProps } from './war-room.data';

export interface WarRoomProps extends WarRoomDataProps {
  picker: JSX.Element;
  /** The signed-in person and the sign-out control, in the header. */
  account?: JSX.Element;
  /** What the viewer may do (none until known): decides which controls show. */
  permissions: ReadonlySet<Permission>;
}

/** One campaign's screen laid out on the wall: its data comes from war-room.data.ts. */
export function WarRoom(props: WarRoomProps) {
  const { t, locale } = useI18n();
  const { progress, today, minute, minuteSeries, kpiList, asOf, age, state, notLive } = createWarRoomData(props);
  // The live streams are asked for above; the panels are drawn in the next task, so the subscriptions
  // are on the wire while they are (first live numbers: docs/BENCHMARKS.md, "The wall's first numbers").
  const drawPanels = createAfterThisTask();
  const todayMetrics = () => today.data()?.liveMetrics.metrics;
  const conversionTarget = () => progress.data()?.campaignProgress.campaign.conversionTarget ?? null;
  // The top ten name each row's shop when the wall covers several (the caller's shops of the campaign).
  const severalShops = () => (progress.data()?.campaignProgress.campaign.shops.length ?? 0) > 1;
  // A split campaign's parts (null: not split); a partial viewer's one part is the hero itself, so it is not repeated.
  const shopParts = () => {
    const parts = progress.data()?.campaignProgress.campaign.shopParts ?? null;
    return parts && parts.length > 1 ? parts : null;
  };
  // Over by the data's own clock: its final GMV is known, so nothing is projected.
  const ended = () => {
    const p = progress.data()?.campaignProgress;
    return p !== undefined && Date.parse(p.asOf) >= Date.parse(p.campaign.endsAt);
  };
  const bannerText = () => {
    const at = asOf();
    if (!at) return '';
    const seconds = Math.round((age() ?? 0) / 1000);
    const params = { asOf: formatClock(at, locale()), seconds };
    return state() === 'reconnecting' ? t('banner.reconnecting', params) : t('banner.delayed', params);
  };

  return (
    <div class="war-room" classList={{ 'not-live': notLive() }} data-freshness={state()}>
      <Guarded name="status-bar">
        <StatusBar picker={props.picker} account={props.account} nowWall={props.now().wall} asOf={asOf()} freshness={state()} />
      </Guarded>
      <DelayedBanner visible={notLive()} message={bannerText()} />
      <Show when={progress.error() ?? today.error()}>
        {(message) => (
          <p class="inline-error" role="alert">
            {t('app.error', { message: message() })}
          </p>
        )}
      </Show>
      <main class="grid">
        <Show when={drawPanels()}>
          <div class="col col-left">
            <Panel title={t('pace.title')} class="panel-pace" extra={<Legend items={ended() ? [['gmv', t('pace.actual')], ['plan', t('pace.plan')]] : [['gmv', t('pace.actual')], ['plan', t('pace.plan')], ['projection', t('hero.projected')]]} />}>
              <Show when={progress.data()}>
                {(p) => (
                  <PaceChart
                    curve={p().campaignProgress.progress.curve}
                    projectedGmv={ended() ? null : p().campaignProgress.progress.projectedGmv}
                    endsAt={p().campaignProgress.campaign.endsAt}
                  />
                )}
              </Show>
            </Panel>
            <Panel title={t('channels.title')} class="panel-channels" clipItems=".bar-row">
              {/* Loaded and empty (a campaign not yet started, or over) says so; still loading stays blank. */}
              <Show when={todayMetrics()?.byChannel.length !== 0} fallback={<p class="empty" data-testid="channels-empty">{t('top.none')}</p>}>
                <GmvBars testId="channel-bars" labels="channel" rows={todayMetrics()?.byChannel ?? []} />
              </Show>
            </Panel>
            <Panel title={t('sources.title')} class="panel-sources" testId="source-panel" clipItems="tbody > tr">
              <Show when={todayMetrics()?.bySource.length !== 0} fallback={<p class="empty" data-testid="sources-empty">{t('sources.none')}</p>}>
                <SourceRoi rows={todayMetrics()?.bySource ?? []} conversionTarget={conversionTarget()} />
              </Show>
            </Panel>
            <Panel title={t('funnel.title')} class="panel-funnel">
              <FunnelBars steps={today.data()?.liveMetrics.metrics.funnel.steps ?? []} />
            </Panel>
          </div>
          <div class="col col-center" classList={{ 'has-parts': shopParts() !== null }}>
            <Guarded name="hero">
              <Show when={progress.data()} fallback={<div class="hero loading">{t('app.loading')}</div>}>
                {(p) => (
                  <HeroGmv
                    progress={p().campaignProgress.progress}
                    stale={notLive()}
                    endsAt={p().campaignProgress.campaign.endsAt}
                    ended={ended()}
                    partial={p().campaignProgress.campaign.partial}
                    shops={p().campaignProgress.campaign.shops.length}
                  />
                )}
              </Show>
            </Guarded>
            <Show when={shopParts()}>
              {(parts) => (
                <Panel title={t('parts.title')} class="panel-parts" testId="shop-parts-panel" clipItems=".part-row">
                  <ShopParts parts={parts()} />
                </Panel>
              )}
            </Show>
            <div classList={{ 'is-stale': notLive() }}>
              <Guarded name="kpi-strip">
                <KpiStrip kpis={kpiList()} conversionTarget={conversionTarget()} />
              </Guarded>
            </div>
            <Guarded name="fulfilment">
              <FulfilmentTile figures={today.data()?.liveMetrics.metrics.fulfilment} />
            </Guarded>
            <Panel title={t('minute.title')} class="panel-minute" extra={<Legend items={[['gmv', t('minute.gmv')], ['orders', t('minute.orders')]]} />}>
              <MinuteChart series={minuteSeries()} nowMs={minute()} />
            </Panel>
          </div>
          <div class="col col-right">
            <Panel title={t('top.title')} class="panel-top">
              <TopProducts rows={today.data()?.liveMetrics.metrics.topProducts ?? []} showShop={severalShops()} />
            </Panel>
            <MilestoneBoard campaignId={props.campaignId} permissions={props.permissions} connects={props.connection.connects} partial={progress.data()?.campaignProgress.campaign.partial ?? false} />
            <AlertsFeed permissions={props.permissions} connects={props.connection.connects} nowWall={props.now().wall} />
          </div>
        </Show>
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
