import { describe, expect, it } from 'vitest';
import { MESSAGES, type Locale } from '../../i18n/messages';
import { toPercent } from '../../lib/percent';
import { RULE_TRAITS } from './alert-rule-form';

describe('the alert rules page\'s rule table', () => {
  it('has every engine rule\'s meaning and unit in both languages', () => {
    for (const locale of ['zh-CN', 'en'] as Locale[]) {
      const messages: Record<string, string | undefined> = MESSAGES[locale];
      for (const rule of Object.keys(RULE_TRAITS)) {
        for (const key of [`rule.${rule}`, `alertRules.meaning.${rule}`, `alertRules.unit.${rule}`]) expect(messages[key], `${locale} ${key}`).toBeTruthy();
      }
    }
  });

  it('turns a ratio into its percentage exactly', () => {
    expect([0.3, 0.08, 0.123, 0.9, 1, 0.07].map(toPercent)).toEqual([30, 8, 12.3, 90, 100, 7]);
  });
});
