import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../../i18n/messages';
import { alertFigures } from './alert-figures';
import type { AlertRule } from './alerts.documents';

const figures = (rule: AlertRule, value: number | null, threshold: number | null, locale: Locale = 'zh-CN') =>
  alertFigures({ rule, value, threshold }, locale, (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params));

describe('the figures under an alert', () => {
  it('are rates as percentages, ROI with two decimals, stock in units', () => {
    expect(figures('CONVERSION_DROP', 0.352, 0.3)).toBe('当前 35.2% · 阈值 30.0%');
    expect(figures('GMV_BEHIND_PACE', 0.82, 0.9)).toBe('当前 82.0% · 阈值 90.0%');
    expect(figures('REFUND_RATE_SPIKE', 0.091, 0.08)).toBe('当前 9.1% · 阈值 8.0%');
    expect(figures('ROI_BELOW_ONE', 0.6234, 1)).toBe('当前 0.62 · 阈值 1.00');
    expect(figures('LOW_STOCK', 28, 50)).toBe('当前 28 件 · 阈值 50 件');
  });

  it('cut an ROI to two decimals as the alert sentence does: ROI 0.16 is 当前 0.16, never 0.17 beside it', () => {
    // gmv/spend of 1,650/10,000 and 1,000/6,000: the server's message says "ROI 0.16" for both.
    expect(figures('ROI_BELOW_ONE', 0.165, 1)).toBe('当前 0.16 · 阈值 1.00');
    expect(figures('ROI_BELOW_ONE', 1_000 / 6_000, 1)).toBe('当前 0.16 · 阈值 1.00');
    // Below the line reads below it; a figure exact in decimals is not cut short by its binary value.
    expect(figures('ROI_BELOW_ONE', 19_900 / 20_000, 1, 'en')).toBe('now 0.99 · threshold 1.00');
    expect(figures('ROI_BELOW_ONE', 29 / 100, 0.5)).toBe('当前 0.29 · 阈值 0.50');
  });

  it('cut a rate as the sentence and the hero do: a pace of 0.8996 is behind the 90 % line and reads so', () => {
    expect(figures('GMV_BEHIND_PACE', 0.8996, 0.9)).toBe('当前 89.9% · 阈值 90.0%');
    expect(figures('REFUND_RATE_SPIKE', 0.0799, 0.08, 'en')).toBe('now 7.9% · threshold 8.0%');
  });

  it('are hours late or without a plan, and overdue orders against hours', () => {
    expect(figures('MILESTONE_OVERDUE', 3.5, 0)).toBe('当前 3.5 小时');
    expect(figures('MILESTONE_OVERDUE', 192.9, 0)).toBe('当前 8 天');
    expect(figures('HIGH_RISK_WITHOUT_PLAN', 30.2, 24)).toBe('当前 30.2 小时 · 阈值 24 小时');
    expect(figures('UNSHIPPED_OVERDUE', 12, 1)).toBe('当前 12 单 · 阈值 1 单');
    expect(figures('MILESTONE_OVERDUE', 0.5, 0.5, 'en')).toBe('now 30 min · threshold 30 min');
    expect(figures('UNSHIPPED_OVERDUE', 1_204, 5, 'en')).toBe('now 1,204 orders · threshold 5 orders');
  });

  it('say one unit or one order in English, and the plural from two', () => {
    expect(figures('LOW_STOCK', 1, 50, 'en')).toBe('now 1 unit · threshold 50 units');
    expect(figures('UNSHIPPED_OVERDUE', 2, 1, 'en')).toBe('now 2 orders · threshold 1 order');
    expect(figures('LOW_STOCK', 1, 1)).toBe('当前 1 件 · 阈值 1 件');
  });

  it('are absent when the rule records none (a paused webhook)', () => {
    expect(figures('WEBHOOK_PAUSED', null, null)).toBeNull();
    expect(figures('LOW_STOCK', 3, null)).toBe('当前 3 件');
  });
});
