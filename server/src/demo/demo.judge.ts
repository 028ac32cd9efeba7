import type { Channel, TrafficSource } from '../db/enums.js';
import { addDays, HOUR_MS, MINUTE_MS, startOfShanghaiDay } from '../lib/time.js';
import { isIncident } from '../modules/alert/alert.incident.js';
import type { alerts } from '../modules/alert/alert.table.js';
import { openedBy } from '../modules/alert/alert.lifecycle.js';
import { evaluateRules, type Finding } from '../modules/alert/rules/evaluate.js';
import { quietShop, type CampaignInputs, type RuleInputs, type ShopInputs, type SkuInputs } from '../modules/alert/rules/rule-inputs.js';
import { RULES, RuleSettingsIndex, severityRank, type EngineRule } from '../modules/alert/rules/rule-settings.js';

type AlertInsert = typeof alerts.$inferInsert;

/**
 * What the demo knows of a shop at one moment: only the figures the rule it asks about reads. The rest
 * is nothing (no visitors, no silence), so no other rule finds anything in it.
 */
export type ShopFigures = Pick<ShopInputs, 'id' | 'name'> & Partial<Pick<ShopInputs, 'last24h' | 'todayByChannelSource' | 'unshipped'>>;

/**
 * The live rule engine's own findings of `rule` on figures the demo seeded, at `now`: its thresholds,
 * sample floors, severities, subjects, dedupe keys and words, so a canned alert is one the engine would
 * have written and one it would not have raised is never canned. Default settings: the demo sets none.
 */
export function judge(
  rule: EngineRule,
  now: Date,
  subjects: { shops?: readonly ShopFigures[]; skus?: readonly SkuInputs[]; campaigns?: readonly CampaignInputs[]; milestones?: RuleInputs['milestones'] },
): Finding[] {
  const shops = (subjects.shops ?? []).map(quietShop);
  const findings = evaluateRules({
    now,
    shops,
    campaigns: [...(subjects.campaigns ?? [])],
    skus: [...(subjects.skus ?? [])],
    milestones: [...(subjects.milestones ?? [])],
    settings: new RuleSettingsIndex([]),
    overdueRectifications: [],
  });
  return findings.filter((f) => f.rule === rule);
}

/** An alert as the engine opens it on a finding (alert.lifecycle.ts applyFindings), at `at`. */
export function raisedOn(finding: Finding, at: Date): AlertInsert & { rule: EngineRule } {
  return { ...openedBy(finding, at), status: 'OPEN' };
}

/** One evaluation of one subject: the engine's finding at `at`, undefined when the subject was clear. */
export interface Evaluation {
  at: number;
  finding: Finding | undefined;
}

/**
 * The alerts the engine leaves after evaluating one subject at these moments, oldest first, as applyFindings
 * does: one opens when the condition holds; while open its figures follow the latest finding and its
 * severity only rises; it resolves once no finding, or only a cleared one, came for the rule's clear minutes. Evaluations sampled
 * hourly see a condition at the hour, where the engine (every few seconds) sees it when it starts: exact
 * for what the figures say, an hour coarse on the times. The rules asked here open with no sustain time.
 */
export function replay(evaluations: readonly Evaluation[]): AlertInsert[] {
  const result: AlertInsert[] = [];
  let open: (AlertInsert & { rule: EngineRule }) | null = null;
  let clearSince: number | null = null;
  // Resolved at clearSince + the rule's clear minutes once an evaluation at or after then finds it still clear.
  const resolveIfClearLongEnough = (at: number) => {
    if (!open || clearSince === null) return;
    const resolvedAt = clearSince + RULES[open.rule].clearMinutes * MINUTE_MS;
    if (at < resolvedAt) return;
    Object.assign(open, { status: 'RESOLVED', resolvedAt: new Date(resolvedAt), clearSince: new Date(clearSince), updatedAt: new Date(resolvedAt) });
    open = null;
    clearSince = null;
  };
  for (const { at, finding } of evaluations) {
    resolveIfClearLongEnough(at);
    if (!finding || finding.cleared) {
      // Clear; an open alert's figures still follow a cleared finding until it resolves.
      if (open && finding) Object.assign(open, { value: finding.value, threshold: finding.threshold, message: finding.message, messageEn: finding.messageEn, updatedAt: new Date(at) });
      if (open && clearSince === null) clearSince = at;
      resolveIfClearLongEnough(at);
      continue;
    }
    if (!open) {
      if (!finding.breached) continue;
      open = raisedOn(finding, new Date(at));
      result.push(open);
      continue;
    }
    clearSince = null;
    Object.assign(open, { value: finding.value, threshold: finding.threshold, message: finding.message, messageEn: finding.messageEn, updatedAt: new Date(at) });
    if (severityRank(finding.severity) > severityRank(open.severity)) {
      open.severity = finding.severity;
      if (isIncident(open.rule, finding.severity) && !open.criticalSince) open.criticalSince = new Date(at);
    }
  }
  return result;
}

/** When a canned ROI alert opens: by the evening's live-stream peak the day's spend has plainly outrun its sales. */
const ROI_RAISED_HOUR = 20;

/**
 * One day's ROI < 1 on a shop's channel and traffic source, as the engine leaves it. The rule judges today's
 * ROI, so the alert opens on the day itself and keeps the day's figures current until midnight, when the day
 * it judges is over and it resolves after the rule's clear minutes. Null when the engine would not have
 * raised it (spend under the rule's floor, ROI not under 1).
 */
export function dayRoiAlert(
  shop: { id: string; name: string; platform: Channel },
  day: { date: string; source: TrafficSource; gmvFen: number; spendFen: number },
): AlertInsert | null {
  const opensAt = startOfShanghaiDay(day.date).getTime();
  const closesAt = startOfShanghaiDay(addDays(day.date, 1)).getTime();
  const line = { channel: shop.platform, source: day.source, gmvFen: day.gmvFen, spendFen: day.spendFen };
  const [finding] = judge('ROI_BELOW_ONE', new Date(closesAt - MINUTE_MS), { shops: [{ id: shop.id, name: shop.name, todayByChannelSource: [line] }] });
  const clearMs = RULES.ROI_BELOW_ONE.clearMinutes * MINUTE_MS;
  const [alert] = replay([
    { at: opensAt + ROI_RAISED_HOUR * HOUR_MS, finding },
    { at: closesAt, finding: undefined },
    { at: closesAt + clearMs, finding: undefined },
  ]);
  return alert ?? null;
}
