import { describe, expect, it } from 'vitest';
import { alert } from '../../../test/fixtures';
import { translate, type Locale, type MessageKey } from '../../i18n/messages';
import type { AlertRow } from './alerts.documents';
import { rankAlerts } from './alerts.ranking';
import { groupByRule, hiddenAlerts, hiddenRuleLabel, hiddenSummary } from './hidden-alerts';

const in_ = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);

let next = 0;
const open = (rule: AlertRow['rule'], severity: AlertRow['severity'], count = 1): AlertRow[] =>
  Array.from({ length: count }, () => {
    next += 1;
    // Each a minute older than the one before: the ranking's order among equals is fixed.
    return alert({ id: `a-${next}`, rule, severity, raisedAt: new Date(Date.parse('2026-11-11T04:00:00Z') - next * 60_000).toISOString() });
  });

// The demo wall's 21 open alerts: the two sold-out SKUs on top, then everything the panel has no room for.
const soldOut = open('LOW_STOCK', 'CRITICAL', 2);
const DEMO = rankAlerts([
  ...soldOut,
  ...open('RECTIFICATION_OVERDUE', 'CRITICAL', 2),
  ...open('MILESTONE_OVERDUE', 'CRITICAL'),
  ...open('HIGH_RISK_WITHOUT_PLAN', 'CRITICAL'),
  ...open('GMV_BEHIND_PACE', 'WARNING'),
  ...open('ROI_BELOW_ONE', 'WARNING'),
  ...open('RECTIFICATION_OVERDUE', 'WARNING', 2),
  ...open('LOW_STOCK', 'INFO', 11),
]);
const none = () => false;

describe('what the wall’s alert panel does not show, by rule', () => {
  it('takes the alerts at the foot of the ranked list the panel cut, and none when everything fits', () => {
    expect(DEMO.slice(0, 2).map((a) => a.id)).toEqual(soldOut.map((a) => a.id));
    expect(hiddenAlerts(DEMO, 19, none)).toEqual(DEMO.slice(2));
    expect(hiddenAlerts(DEMO, 0, none)).toEqual([]);
    expect(hiddenAlerts(DEMO.slice(0, 3), 5, none)).toHaveLength(3);
  });

  it('leaves out a resolved alert that is still fading out', () => {
    const fading = DEMO[DEMO.length - 1]!.id;
    expect(hiddenAlerts(DEMO, 19, (id) => id === fading)).toHaveLength(18);
  });

  it('puts the most severe rule first, a rule as severe as its worst alert, then the larger group, then the rule’s code', () => {
    const groups = groupByRule(hiddenAlerts(DEMO, 19, none));
    expect(groups).toEqual([
      // Two of the four overdue rectification reports are CRITICAL: the group is.
      { rule: 'RECTIFICATION_OVERDUE', severity: 'CRITICAL', count: 4 },
      { rule: 'HIGH_RISK_WITHOUT_PLAN', severity: 'CRITICAL', count: 1 },
      { rule: 'MILESTONE_OVERDUE', severity: 'CRITICAL', count: 1 },
      { rule: 'GMV_BEHIND_PACE', severity: 'WARNING', count: 1 },
      { rule: 'ROI_BELOW_ONE', severity: 'WARNING', count: 1 },
      { rule: 'LOW_STOCK', severity: 'INFO', count: 11 },
    ]);
    // The worst severity holds whichever of its alerts comes first.
    expect(groupByRule([...open('CONVERSION_DROP', 'INFO'), ...open('CONVERSION_DROP', 'CRITICAL')])).toEqual([{ rule: 'CONVERSION_DROP', severity: 'CRITICAL', count: 2 }]);
    expect(groupByRule([...open('ROI_BELOW_ONE', 'WARNING'), ...open('LOW_STOCK', 'WARNING', 3)]).map((g) => g.rule)).toEqual(['LOW_STOCK', 'ROI_BELOW_ONE']);
  });

  it('names each rule as the alert items do, with ×n only for more than one, in Chinese and English', () => {
    const groups = groupByRule(hiddenAlerts(DEMO, 19, none));
    expect(hiddenSummary(groups, in_('zh-CN'))).toBe('未显示：整改报告逾期 ×4 · 高风险未提交应对方案 · 关键节点逾期 · GMV 落后计划 · ROI 低于 1 · 库存预警 ×11');
    expect(hiddenSummary(groups, in_('en'))).toBe('Not shown: Rectification overdue ×4 · High risk, no plan · Milestone overdue · GMV behind plan · ROI below 1 · Low stock ×11');
  });

  it('says the rules by their short names on the line itself, so more of them fit before it is cut', () => {
    const groups = groupByRule(hiddenAlerts(DEMO, 19, none));
    expect(groups.map((g) => hiddenRuleLabel(g, in_('zh-CN'))).join(' · ')).toBe('整改逾期 ×4 · 无应对方案 · 节点逾期 · 落后计划 · ROI<1 · 库存预警 ×11');
    expect(groups.map((g) => hiddenRuleLabel(g, in_('en'))).join(' · ')).toBe('Report overdue ×4 · No risk plan · Milestone late · Behind plan · ROI<1 · Low stock ×11');
  });
});
