import { Show } from 'solid-js';
import { RollingNumber } from '../../components/RollingNumber';
import { Ring } from '../../components/Ring';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatCnyExact, formatPercent } from '../../lib/format';

export interface HeroProgress {
  gmv: string;
  target: string;
  achievementRate: number;
  pace: number | null;
  plannedGmv: string;
  projectedGmv: string | null;
  remaining: string;
}

/** The figure the room looks at: campaign GMV, huge and rolling, with target, ring, pace and projection. */
export function HeroGmv(props: { progress: HeroProgress; stale: boolean }) {
  const { t, locale } = useI18n();
  const fen = () => decimalToFen(props.progress.gmv);
  const paceClass = () => {
    const pace = props.progress.pace;
    if (pace === null) return 'neutral';
    return pace >= 1 ? 'good' : pace >= 0.9 ? 'warn' : 'bad';
  };
  return (
    <div class="hero" classList={{ 'is-stale': props.stale }} data-testid="hero">
      <div class="hero-main">
        <div class="hero-label">{t('hero.gmv')}</div>
        <RollingNumber class="hero-gmv" testId="hero-gmv" value={fen()} format={(v) => formatCny(v, locale())} />
        <div class="hero-exact">
          {t('hero.exact')} <span data-testid="hero-gmv-exact">{formatCnyExact(fen(), locale())}</span>
        </div>
        <dl class="hero-facts">
          <div>
            <dt>{t('hero.target')}</dt>
            <dd data-testid="hero-target">{formatCny(decimalToFen(props.progress.target), locale())}</dd>
          </div>
          <div>
            <dt>{t('hero.remaining')}</dt>
            <dd>{formatCny(decimalToFen(props.progress.remaining), locale())}</dd>
          </div>
          <div>
            <dt>{t('hero.pace')}</dt>
            <dd class={paceClass()} data-testid="hero-pace">
              <Show when={props.progress.pace !== null} fallback={t('hero.notPlanned')}>
                {t('hero.paceValue', { value: formatPercent(props.progress.pace ?? 0, locale(), 0) })}
              </Show>
            </dd>
          </div>
          <div>
            <dt>{t('hero.projected')}</dt>
            <dd data-testid="hero-projected">
              <Show when={props.progress.projectedGmv} fallback="—">
                {(projected) => formatCny(decimalToFen(projected()), locale())}
              </Show>
            </dd>
          </div>
        </dl>
      </div>
      <div class="hero-ring">
        <Ring size={196} rate={props.progress.achievementRate} label={formatPercent(props.progress.achievementRate, locale(), 1)} />
        <div class="hero-ring-caption">{t('hero.achievement')}</div>
      </div>
    </div>
  );
}
