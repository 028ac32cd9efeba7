import type { AlertRuleSetting, AlertRuleUpdate, SettingsSource } from './alert-rules.documents';
import { fromPercent, toPercent } from '../../lib/percent';

/** Where the page's settings are read and written: the installation default, one shop, or one campaign. */
export type RuleScope = { kind: 'global' } | { kind: 'shop'; shopId: string } | { kind: 'campaign'; campaignId: string };

/** `?scope=` as the page writes it: `global`, `shop:<id>`, `campaign:<id>`; anything else is the installation. */
export function scopeOf(value: string | undefined): RuleScope {
  const [kind, ...rest] = (value ?? '').split(':');
  const id = rest.join(':');
  if (kind === 'shop' && id) return { kind: 'shop', shopId: id };
  if (kind === 'campaign' && id) return { kind: 'campaign', campaignId: id };
  return { kind: 'global' };
}

export const scopeValue = (scope: RuleScope): string => (scope.kind === 'global' ? 'global' : scope.kind === 'shop' ? `shop:${scope.shopId}` : `campaign:${scope.campaignId}`);

export const scopeIds = (scope: RuleScope) => ({ shopId: scope.kind === 'shop' ? scope.shopId : null, campaignId: scope.kind === 'campaign' ? scope.campaignId : null });

/** Where a value set at this scope is recorded: a row whose values come from here can be reset to inherit. */
export const OWN_SOURCE: Record<RuleScope['kind'], SettingsSource> = { global: 'GLOBAL', shop: 'SHOP', campaign: 'CAMPAIGN' };


type EngineRule = Exclude<AlertRuleSetting['rule'], 'WEBHOOK_PAUSED'>;

/**
 * What the page must know of each rule the engine judges (docs/ALERTS.md): whether it is judged per campaign (a
 * shop cannot set it; the server refuses it there too), whether its threshold is a ratio shown and typed as a
 * percentage (30 for 0.3, as the room says it), and whether an open alert clears once the measured value is back
 * past a level (the others: when the cause is gone). A rule added to the schema without a line here fails the
 * type check, as its strings would otherwise go missing unseen.
 */
export const RULE_TRAITS: Record<EngineRule, { perCampaign: boolean; percent: boolean; valueCleared: boolean }> = {
  CONVERSION_DROP: { perCampaign: false, percent: true, valueCleared: true },
  GMV_BEHIND_PACE: { perCampaign: true, percent: true, valueCleared: true },
  REFUND_RATE_SPIKE: { perCampaign: false, percent: true, valueCleared: true },
  LOW_STOCK: { perCampaign: false, percent: false, valueCleared: true },
  ROI_BELOW_ONE: { perCampaign: false, percent: false, valueCleared: true },
  MILESTONE_OVERDUE: { perCampaign: true, percent: false, valueCleared: false },
  HIGH_RISK_WITHOUT_PLAN: { perCampaign: true, percent: false, valueCleared: false },
  UNSHIPPED_OVERDUE: { perCampaign: false, percent: false, valueCleared: false },
  RECTIFICATION_OVERDUE: { perCampaign: false, percent: false, valueCleared: false },
  ORDERS_STALLED: { perCampaign: false, percent: false, valueCleared: false },
};
const NO_TRAITS = { perCampaign: false, percent: false, valueCleared: false };
/** A rule's traits; WEBHOOK_PAUSED, which no setting names, has none. */
export const traitsOf = (rule: AlertRuleSetting['rule']) => (rule === 'WEBHOOK_PAUSED' ? NO_TRAITS : RULE_TRAITS[rule]);

export interface RuleForm {
  enabled: boolean;
  threshold: string;
  sustainMinutes: string;
  minSample: string;
}

export const formOf = (s: AlertRuleSetting): RuleForm => ({
  enabled: s.enabled,
  threshold: String(traitsOf(s.rule).percent ? toPercent(s.threshold) : s.threshold),
  sustainMinutes: String(s.sustainMinutes),
  minSample: String(s.minSample),
});

/** Which of a row's inputs does not read as the number it must be; the server checks each rule's own range. */
export type FormProblem = 'threshold' | 'sustainMinutes' | 'minSample';

/**
 * The update for what the operator changed, and only that (a value another scope or person set meanwhile
 * is not written back), a percentage sent as the ratio the API takes; a problem when an input is not a number
 * (whole, for minutes and samples); null when nothing changed.
 */
export function changedRule(scope: RuleScope, s: AlertRuleSetting, form: RuleForm): { input: AlertRuleUpdate } | { problem: FormProblem } | null {
  const number = (text: string, whole: boolean, percent = false): number | null => {
    const trimmed = text.trim();
    if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return null;
    const n = percent ? fromPercent(trimmed) : Number(trimmed);
    return whole && !Number.isInteger(n) ? null : n;
  };
  const threshold = number(form.threshold, false, traitsOf(s.rule).percent);
  if (threshold === null) return { problem: 'threshold' };
  const sustainMinutes = number(form.sustainMinutes, true);
  if (sustainMinutes === null) return { problem: 'sustainMinutes' };
  const minSample = number(form.minSample, true);
  if (minSample === null) return { problem: 'minSample' };
  const input: AlertRuleUpdate = { rule: s.rule, ...scopeIds(scope) };
  if (form.enabled !== s.enabled) input.enabled = form.enabled;
  if (threshold !== s.threshold) input.threshold = threshold;
  if (sustainMinutes !== s.sustainMinutes) input.sustainMinutes = sustainMinutes;
  if (minSample !== s.minSample) input.minSample = minSample;
  const changed = input.enabled !== undefined || input.threshold !== undefined || input.sustainMinutes !== undefined || input.minSample !== undefined;
  return changed ? { input } : null;
}
