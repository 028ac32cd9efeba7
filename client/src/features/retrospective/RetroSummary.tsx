import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatInteger, formatPercentReached } from '../../lib/format';
import { money, rate, roiText } from '../console/console-format';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/**
 * Target against actual: 达成率, net GMV after refunds, orders, buyers, traffic, conversion against the
 * campaign's 目标转化率 (when it has one), spend and ROI. `partial`: the target is the caller's `shops` shops' part.
 */
export function RetroSummary(props: { retrospective: Retrospective; conversionTarget: number | null; partial?: boolean; shops?: number }) {
  const { t, locale } = useI18n();
  const missedConversion = () => {
    const actual = props.retrospective.conversionRate;
    return props.conversionTarget !== null && actual !== null && actual < props.conversionTarget;
  };
  const label = (key: MessageKey) =>
    key === 'retro.conversion' && props.conversionTarget !== null ? `${t(key)} · ${t('kpi.target', { rate: rate(props.conversionTarget, locale()) })}` : t(key, { count: props.shops ?? 1 });
  const facts = (): [MessageKey, string][] => {
    const r = props.retrospective;
    const l = locale();
    return [
      [props.partial ? 'hero.targetPart' : 'retro.gmvTarget', money(r.gmvTarget, l)],
      ['retro.gmv', money(r.gmv, l)],
      ['retro.achievement', formatPercentReached(r.achievementRate, l, 1)], // cut, as on the wall: 99.96 % is not 100.0 %
      ['retro.netGmv', money(r.netGmv, l)],
      ['retro.orders', formatInteger(r.orders, l)],
      ['retro.buyers', formatInteger(r.buyers, l)],
      ['retro.visitors', formatInteger(r.visitors, l)],
      ['retro.conversion', rate(r.conversionRate, l)],
      ['retro.spend', money(r.spend, l)],
      ['retro.roi', roiText(r.roi, l)],
    ];
  };
  return (
    <RetroSection title={t('retro.summary')} testId="retro-summary">
      <dl class="retro-facts">
        <For each={facts()}>
          {([key, value]) => (
            <div data-fact={key}>
              <dt>{label(key)}</dt>
              <dd classList={{ bad: key === 'retro.conversion' && missedConversion() }}>{value}</dd>
            </div>
          )}
        </For>
      </dl>
    </RetroSection>
  );
}
