import { describe, expect, it } from 'vitest';
import { en } from './messages.en';
import { translate } from './messages';
import { zhCN } from './messages.zh-CN';

describe('the English strings behind the toggle', () => {
  it('cover every Chinese key and add none of their own', () => {
    // The type already demands this; the runtime check catches a cast or a key built by concatenation.
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('are never empty', () => {
    const empty = Object.entries(en).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it('keep every {placeholder} of the Chinese original', () => {
    // An English plural block ({count, plural, one {…} other {…}}) chooses a word; it is no placeholder.
    const withoutPlurals = (text: string) => text.replace(/\{\w+, plural,(?:[^{}]|\{[^{}]*\})*\}/g, '');
    const placeholders = (text: string) => [...withoutPlurals(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(zhCN)) expect(placeholders(en[key as keyof typeof en]), key).toEqual(placeholders(text));
  });
});

describe('translate', () => {
  it('picks the English plural form by the count, and leaves Chinese as it is', () => {
    expect(translate('en', 'unit.units', { n: '1', count: 1 })).toBe('1 unit');
    expect(translate('en', 'unit.units', { n: '0', count: 0 })).toBe('0 units');
    expect(translate('en', 'unit.units', { n: '1,204', count: 1_204 })).toBe('1,204 units');
    expect(translate('zh-CN', 'unit.units', { n: '1', count: 1 })).toBe('1 件');
    expect(translate('en', 'hero.targetPart', { count: 1 })).toBe('Your shop’s target');
    expect(translate('en', 'hero.targetPart', { count: 3 })).toBe('Your shops’ target');
    // Chinese has no plural category for one: it names the number (=1) where the wording differs.
    expect(translate('zh-CN', 'hero.targetPart', { count: 1 })).toBe('本店目标');
    expect(translate('zh-CN', 'hero.targetPart', { count: 3 })).toBe('各店合计目标');
    expect(translate('zh-CN', 'hero.gmvPart', { count: 2 })).toBe('各店合计活动累计成交额 GMV');
    // Without its count the block stays visible, as a missing placeholder does.
    expect(translate('en', 'unit.units', { n: '1' })).toContain('{count, plural,');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('zh-CN', 'banner.reconnecting', { asOf: '12:00:29' })).toBe('与服务器的连接已断开，正在重连。屏幕上的数字截至 12:00:29。');
    expect(translate('en', 'banner.delayed', { asOf: '12:00:29' })).toContain('as of 12:00:29 ({seconds} s ago)');
  });
});
