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
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(zhCN)) expect(placeholders(en[key as keyof typeof en]), key).toEqual(placeholders(text));
  });
});

describe('translate', () => {
  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('zh-CN', 'banner.reconnecting', { asOf: '12:00:29' })).toBe('与服务器的连接已断开，正在重连。屏幕上的数字截至 12:00:29。');
    expect(translate('en', 'banner.delayed', { asOf: '12:00:29' })).toContain('as of 12:00:29 ({seconds} s ago)');
  });
});
