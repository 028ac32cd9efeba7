import type { I18n } from '../../i18n/i18n';
import type { AlertRow, AlertRule } from './alerts.documents';
import { SEVERITY_RANK } from './alerts.ranking';

/** The alerts of one rule a wall panel has no room for: how many, and the worst of their severities. */
export interface HiddenRule {
  rule: AlertRule;
  severity: AlertRow['severity'];
  count: number;
}

/**
 * The alerts the wall's panel does not show: the last `clipped` of the ranked list, since the panel hides
 * whole items from the foot (clipped.ts) and the list is drawn in this order. A resolved alert still
 * fading out is on its way off the list, not something the room has yet to see.
 */
export function hiddenAlerts(ranked: readonly AlertRow[], clipped: number, isLeaving: (id: string) => boolean): AlertRow[] {
  if (clipped <= 0) return [];
  return ranked.slice(Math.max(0, ranked.length - clipped)).filter((a) => !isLeaving(a.id));
}

/**
 * The hidden alerts by rule, the most urgent group first: a group is as severe as its worst
 * alert; among equals the larger group, then by the rule's code, so the order stays put when the screen's
 * language is toggled.
 */
export function groupByRule(alerts: readonly AlertRow[]): HiddenRule[] {
  const groups = new Map<AlertRule, HiddenRule>();
  for (const alert of alerts) {
    const group = groups.get(alert.rule);
    if (!group) groups.set(alert.rule, { rule: alert.rule, severity: alert.severity, count: 1 });
    else {
      group.count += 1;
      if (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[group.severity]) group.severity = alert.severity;
    }
  }
  return [...groups.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.count - a.count || a.rule.localeCompare(b.rule));
}

/**
 * A group as the summary line says it: the rule's short name (整改逾期 for 整改报告逾期: the line has room for
 * about 420 px, and the full names fitted three rules), and ×n for more than one.
 */
export function hiddenRuleLabel(group: HiddenRule, t: I18n['t'], names: 'short' | 'full' = 'short'): string {
  const name = t(names === 'short' ? `ruleShort.${group.rule}` : `rule.${group.rule}`);
  return group.count > 1 ? `${name} ×${group.count}` : name;
}

/** The whole summary with the rules' full names, as every alert item says them: the tooltip of the line the panel may have to cut. */
export function hiddenSummary(groups: readonly HiddenRule[], t: I18n['t']): string {
  return t('alerts.notShown') + groups.map((group) => hiddenRuleLabel(group, t, 'full')).join(' · ');
}
