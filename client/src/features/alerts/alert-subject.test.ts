import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../../i18n/messages';
import { alertSubject } from './alert-subject';

const in_ = (locale: Locale) => (key: MessageKey) => translate(locale, key);

describe('alertSubject', () => {
  it('names the codes of the subjects the server builds from them, in either language', () => {
    const roi = { rule: 'ROI_BELOW_ONE', subject: '峰值家居抖音官方旗舰店 · DOUYIN · SOCIAL' };
    expect(alertSubject(roi, in_('zh-CN'))).toBe('峰值家居抖音官方旗舰店 · 抖音 · 社交分享');
    expect(alertSubject(roi, in_('en'))).toBe('峰值家居抖音官方旗舰店 · Douyin · Social');
    const rectification = { rule: 'RECTIFICATION_OVERDUE', subject: '甲店 2026-11-19 SEARCH' };
    expect(alertSubject(rectification, in_('zh-CN'))).toBe('甲店 2026-11-19 搜索');
    expect(alertSubject(rectification, in_('en'))).toBe('甲店 2026-11-19 Search');
  });

  it('shows any other subject as it is, and one it cannot read whole as it came', () => {
    // A SKU named in capitals, a shop with the separator in its name: only the two rules' own shapes are read.
    expect(alertSubject({ rule: 'LOW_STOCK', subject: 'TM-1 OTHER · JD · PAID' }, in_('zh-CN'))).toBe('TM-1 OTHER · JD · PAID');
    expect(alertSubject({ rule: 'ROI_BELOW_ONE', subject: 'A · B 店 · JD · PAID' }, in_('zh-CN'))).toBe('A · B 店 · 京东 · 付费推广');
    expect(alertSubject({ rule: 'ROI_BELOW_ONE', subject: '店 · MARS · PAID' }, in_('zh-CN'))).toBe('店 · MARS · PAID');
    expect(alertSubject({ rule: 'RECTIFICATION_OVERDUE', subject: '甲店 2026-11-19 NOWHERE' }, in_('en'))).toBe('甲店 2026-11-19 NOWHERE');
    expect(alertSubject({ rule: 'RECTIFICATION_OVERDUE', subject: '甲店' }, in_('en'))).toBe('甲店');
  });
});
