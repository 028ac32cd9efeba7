import { describe, expect, it } from 'vitest';
import { dailyUnitsText, sellThroughText } from './product-figures';

describe('product figures', () => {
  it('shows a SKU listed today without a daily average, and one unit in 30 days as 0.03', () => {
    expect(dailyUnitsText(null, 'zh-CN')).toBe('—');
    expect(dailyUnitsText(1 / 30, 'en')).toBe('0.03');
  });

  it('cuts 动销率 rather than rounding it, and shows none for a product off sale', () => {
    expect(sellThroughText(2 / 3, 'zh-CN')).toBe('66.6%');
    expect(sellThroughText(null, 'en')).toBe('—');
  });
});
