import { createMemo, Show, type Accessor, type JSX } from 'solid-js';
import { ConnectionBadge } from '../../components/ConnectionBadge';
import { FitText } from '../../components/FitText';
import { Guarded } from '../../components/Guarded';
import { LangToggle } from '../../components/LangToggle';
import { Ring } from '../../components/Ring';
import type { ConnectionStore } from '../../graphql/connection';
import { useI18n } from '../../i18n/i18n';
import type { Now } from '../../lib/clock';
import { decimalToFen } from '../../lib/decimal';
import { formatClock, formatCny, formatCnyExact, formatPercentReached } from '../../lib/format';
import { createDataAge } from '../../lib/data-age';
import { currentStaleAfterMs, freshness } from '../../lib/freshness';
import type { Permission } from '../access/viewer.documents';
import { AlertsFeed } from '../alerts/AlertsFeed';
import { createLiveFeed } from '../war-room/live-feed';
import { paceTone } from '../war-room/pace';
import { CampaignProgressSubscription } from '../war-room/war-room.documents';

export interface PhoneViewProps {
  campaignId: string;
  now: Accessor<Now>;
  connection: ConnectionStore;
  /** `?staleAfter=`: fixes the stale threshold, in ms; unset, it follows the heartbeat the server announces. */
  staleAfterMs?: number;
  picker: JSX.Element;
  account?: JSX.Element;
  permissions: ReadonlySet<Permission>;
}

/**
 * `/m`, for the person on call (390 × 844): the campaign's GMV and achievement from the same stream as
 * the wall, its freshness, and the open alerts with 认领. Laid out for a phone, not scaled.
 */
export function PhoneView(props: PhoneViewProps) {
  const { t, locale } = useI18n();
  const progress = createLiveFeed(CampaignProgressSubscription, () => ({ campaignId: props.campaignId }), { connection: props.connection });
  const asOfAge = createDataAge({
    feeds: [{ asOf: () => progress.data()?.campaignProgress.asOf, receivedAt: progress.receivedAt }],
    connects: props.connection.connects,
    now: () => props.now().mono,
  });
  const state = createMemo(() =>
    freshness({
      socket: props.connection.state(),
      receivedAt: progress.receivedAt(),
      now: props.now().mono,
      staleAfterMs: currentStaleAfterMs(props),
      asOfAgeMs: asOfAge(),
    }),
  );
  const gmvText = (gmv: string) => formatCny(decimalToFen(gmv), locale());
  const notLive = () => (state() === 'stale' || state() === 'reconnecting') && progress.data() !== undefined;
  return (
    <div class="phone" data-testid="phone" data-freshness={state()}>
      <header class="phone-bar">
        <h1>{t('phone.title')}</h1>
        <ConnectionBadge state={state()} label={t(`badge.${state()}`)} />
        <LangToggle />
      </header>
      <div class="phone-picker">{props.picker}</div>
      <Show when={progress.error()}>
        {(message) => (
          <p class="inline-error" role="alert">
            {t('app.error', { message: message() })}
          </p>
        )}
      </Show>
      <section class="phone-hero" classList={{ 'is-stale': notLive() }} data-testid="phone-hero">
        {/* As on the wall: a hero that cannot draw says so; the alerts below keep coming. */}
        <Guarded name="phone-hero">
          <Show when={progress.data()?.campaignProgress} fallback={<p class="empty">{t('app.loading')}</p>}>
            {(live) => (
              <>
                <div class="phone-hero-main">
                  <div class="hero-label">{t(live().campaign.partial ? 'hero.gmvPart' : 'hero.gmv', { count: live().campaign.shops.length })}</div>
                  {/* Shrinks to what the ring leaves, as on the wall: a headline figure is never cut. */}
                  <FitText class="phone-gmv" text={gmvText(live().progress.gmv)}>
                    <span data-testid="phone-gmv" data-value={decimalToFen(live().progress.gmv)}>
                      {gmvText(live().progress.gmv)}
                    </span>
                  </FitText>
                  <div class="hero-exact">{formatCnyExact(decimalToFen(live().progress.gmv), locale())}</div>
                  <div class="phone-facts">
                    {t(live().campaign.partial ? 'hero.targetPart' : 'hero.target', { count: live().campaign.shops.length })} {formatCny(decimalToFen(live().progress.target), locale())} · {t('asOf.label')} {formatClock(live().asOf, locale())}
                  </div>
                  {/* Where the campaign stands against its plan, as the wall's hero says it: achievement alone reads 80 % as fine at 20:00. */}
                  <div class="phone-facts" data-testid="phone-pace">
                    {t('hero.pace')}{' '}
                    <span class={paceTone(live().progress.pace)}>
                      {live().progress.pace === null ? t('hero.notPlanned') : t('hero.paceValue', { value: formatPercentReached(live().progress.pace!, locale(), 0) })}
                    </span>
                  </div>
                </div>
                <div class="phone-ring" data-testid="phone-achievement">
                  <Ring size={112} rate={live().progress.achievementRate} label={formatPercentReached(live().progress.achievementRate, locale(), 1)} />
                  <div class="hero-ring-caption">{t('hero.achievement')}</div>
                </div>
              </>
            )}
          </Show>
        </Guarded>
      </section>
      <AlertsFeed compact permissions={props.permissions} connects={props.connection.connects} nowWall={props.now().wall} />
      <footer class="phone-account">{props.account}</footer>
    </div>
  );
}
