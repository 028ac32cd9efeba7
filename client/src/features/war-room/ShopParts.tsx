import { createMemo, Index } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatPercentReached } from '../../lib/format';
import { byWorstPace, paceTone } from './pace';

/** One shop's part of a split campaign as the progress stream sends it (`campaign { shopParts }`). */
export interface ShopPartRow {
  shop: { id: string; name: string };
  gmvTarget: string;
  progress: { gmv: string; achievementRate: number; pace: number | null };
}

/**
 * 目标拆解 on the wall: each shop's GMV against its own part of the target and its pace against its part
 * of the plan, worst pace first, so the shop holding the campaign back is the top row. Pace reads and
 * colours as the hero's; the bar is 达成率, cut at the target.
 */
export function ShopParts(props: { parts: readonly ShopPartRow[] }) {
  const { t, locale } = useI18n();
  const rows = createMemo(() => byWorstPace(props.parts));
  const pace = (value: number | null) => (value === null ? '—' : t('hero.paceValue', { value: formatPercentReached(value, locale(), 0) }));
  return (
    <ul class="part-list" data-testid="shop-parts">
      {/* Index: every message brings new objects; rows change in place, and a shop that falls behind moves up. */}
      <Index each={rows()}>
        {(part) => {
          const figures = () =>
            `${formatCny(decimalToFen(part().progress.gmv), locale())} / ${formatCny(decimalToFen(part().gmvTarget), locale())} · ${formatPercentReached(part().progress.achievementRate, locale(), 1)}`;
          return (
            <li class="part-row" data-testid="shop-part" data-tone={paceTone(part().progress.pace)}>
              <span class="part-name" title={part().shop.name}>
                {part().shop.name}
              </span>
              <span class="bar-track" title={t('parts.achievement')}>
                <span class="bar-fill" style={{ width: `${Math.max(0, Math.min(1, part().progress.achievementRate)) * 100}%` }} />
              </span>
              <span class="part-figures" title={`${t('hero.targetPart', { count: 1 })} ${figures()}`} data-testid="shop-part-figures">
                {figures()}
              </span>
              <span class={`part-pace ${paceTone(part().progress.pace)}`} title={`${t('hero.pace')} ${pace(part().progress.pace)}`} data-testid="shop-part-pace">
                {pace(part().progress.pace)}
              </span>
            </li>
          );
        }}
      </Index>
    </ul>
  );
}
