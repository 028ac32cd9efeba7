import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { hiddenRuleLabel, hiddenSummary, type HiddenRule } from './hidden-alerts';

/**
 * What the wall's alert panel has no room for, in one line of its header: 未显示：整改逾期 ×4 · 无应对方案 · 节点逾期 · …,
 * each rule in its worst alert's colour. A rule that does not fit whole gives way to the ellipsis with
 * all after it (each is one unbreakable box), never cut inside its name; the tooltip has them all.
 */
export function HiddenAlerts(props: { groups: readonly HiddenRule[] }) {
  const { t } = useI18n();
  return (
    <Show when={props.groups.length > 0}>
      <span class="hidden-alerts" title={hiddenSummary(props.groups, t)} data-testid="hidden-alerts">
        <span>{t('alerts.notShown')}</span>
        <For each={props.groups}>
          {(group, i) => (
            <span class={`hidden-rule severity-${group.severity.toLowerCase()}`} data-rule={group.rule} data-count={group.count}>
              <Show when={i() > 0}>
                <span class="hidden-rule-sep">·</span>
              </Show>
              {hiddenRuleLabel(group, t)}
            </span>
          )}
        </For>
      </span>
    </Show>
  );
}
