import { Show } from 'solid-js';
import { FitText } from '../../components/FitText';
import { RollingNumber } from '../../components/RollingNumber';
import { Ring } from '../../components/Ring';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCalendarDay, formatCny, formatCnyExact, formatPercentNeeded, formatPercentReached } from '../../lib/format';
import { shanghaiDate } from '../../lib/shanghai-day';
import { paceTone, requiredTone } from './pace';

export interface HeroProgress {
  gmv: string;
  target: string;
  achievementRate: number;
  pace: number | null;
  plannedGmv: string;
  projectedGmv: string | null;
  remaining: string;
  /** What the rest must sell at, as a multiple of the plan (CampaignProgress.requiredPace); absent when not asked. */
  requiredPace?: number | null;
  /** Today against today's share of the plan; null outside the campaign's days. */
  today?: { pace: number | null } | null;
}

/**
 * The figure the room looks at: campaign GMV, huge and rolling, with target, ring, pace and projection.
 * `endsAt` with `ended` (the data's own clock past the end): the projection is the final GMV itself, so the
 * fact says when the campaign closed instead of projecting what is already known. `partial`: the caller sees
 * only their shops' part of the campaign (its figures and target are theirs); `shops`: how many shops that
 * is (1 unless said), so the English says "Your shop's" or "Your shops'".
 */
export function HeroGmv(props: { progress: HeroProgress; stale: boolean; endsAt?: string; ended?: boolean; partial?: boolean; shops?: number }) {
  const { t, locale } = useI18n();
  const fen = () => decimalToFen(props.progress.gmv);
  const paceClass = () => paceTone(props.progress.pace);
  const exact = () => formatCnyExact(fen(), locale());
  const pace = () => (props.progress.pace === null ? t('hero.notPlanned') : t('hero.paceValue', { value: formatPercentReached(props.progress.pace, locale(), 0) }));
  const projected = () => (props.progress.projectedGmv === null ? '—' : formatCny(decimalToFen(props.progress.projectedGmv), locale()));
  // The last day the campaign ran: an end at 00:00 closes the day before it.
  const closedOn = () => (props.endsAt ? formatCalendarDay(shanghaiDate(Date.parse(props.endsAt) - 1), locale()) : '—');
  const aboveTargetFen = () => fen() - decimalToFen(props.progress.target);
  const todayPace = () => props.progress.today?.pace ?? null;
  const today = () => (todayPace() === null ? '—' : t('hero.paceValue', { value: formatPercentReached(todayPace()!, locale(), 0) }));
  const required = () => props.progress.requiredPace ?? null;
  const requiredText = () => {
    const value = required();
    if (value === null) return '—';
    return value === 0 ? t('hero.requiredReached') : t('hero.paceValue', { value: formatPercentNeeded(value, locale(), 0) });
  };
  return (
    <div class="hero" classList={{ 'is-stale': props.stale }} data-testid="hero" data-panel>
      <div class="hero-main">
        <div class="hero-label">{t(props.partial ? 'hero.gmvPart' : 'hero.gmv', { count: props.shops ?? 1 })}</div>
        <FitText class="hero-gmv-box" text={formatCny(fen(), locale())}>
          <RollingNumber class="hero-gmv" testId="hero-gmv" value={fen()} format={(v) => formatCny(v, locale())} />
        </FitText>
        {/* Below ¥1M (¥10,000 in Chinese) the big figure is already exact: the line keeps its place, unsaid. */}
        <div class="hero-exact" classList={{ 'is-same': exact() === formatCny(fen(), locale()) }} aria-hidden={exact() === formatCny(fen(), locale())} title={`${t('hero.exact')} ${exact()}`}>
          {t('hero.exact')} <span data-testid="hero-gmv-exact">{exact()}</span>
        </div>
        <dl class="hero-facts">
          <Fact label={t(props.partial ? 'hero.targetPart' : 'hero.target', { count: props.shops ?? 1 })} value={formatCny(decimalToFen(props.progress.target), locale())} testId="hero-target" />
          <Show
            when={aboveTargetFen() > 0}
            fallback={<Fact label={t('hero.remaining')} value={formatCny(decimalToFen(props.progress.remaining), locale())} testId="hero-remaining" />}
          >
            <Fact label={t('hero.aboveTarget')} value={formatCny(aboveTargetFen(), locale())} class="good" testId="hero-remaining" />
          </Show>
          <Show when={props.ended} fallback={<Fact label={t('hero.projected')} value={projected()} testId="hero-projected" />}>
            <Fact label={t('hero.ended')} value={closedOn()} testId="hero-projected" />
          </Show>
          <Fact label={t('hero.pace')} value={pace()} class={paceClass()} testId="hero-pace" />
          {/* The hero is cumulative: today may be selling above its plan while the campaign reads red, and the room needs to know what the rest must sell at. */}
          <Fact label={t('hero.todayPace')} value={today()} class={paceTone(todayPace())} testId="hero-today-pace" />
          <Fact label={t('hero.required')} value={requiredText()} class={requiredTone(required())} testId="hero-required" />
        </dl>
      </div>
      <div class="hero-ring">
        <Ring size={196} rate={props.progress.achievementRate} label={formatPercentReached(props.progress.achievementRate, locale(), 1)} />
        <div class="hero-ring-caption">{t('hero.achievement')}</div>
      </div>
    </div>
  );
}

/** One figure under the hero: it shrinks to its column rather than run into the next one. */
function Fact(props: { label: string; value: string; class?: string; testId?: string }) {
  return (
    <div>
      <dt title={props.label}>{props.label}</dt>
      <dd class={props.class} data-testid={props.testId}>
        <FitText text={props.value} title={props.value}>
          {props.value}
        </FitText>
      </dd>
    </div>
  );
}
