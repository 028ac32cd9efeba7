import { describe, expect, it } from 'vitest';
import { ADVICE_MIN_SPEND_FEN, ADVICE_MIN_VISITORS, budgetAdvice, missesTarget } from './budget-advice';

const paid = { spendFen: 90_000, roi: 2.5, visitors: 1_000, conversionRate: 0.04 };

describe('budgetAdvice', () => {
  it('pauses a source that costs more than it sells, whatever its conversion', () => {
    expect(budgetAdvice({ ...paid, roi: 0.85, conversionRate: 0.2 }, 0.03)).toBe('pause');
    expect(budgetAdvice({ ...paid, roi: 0.85, visitors: 3 }, null)).toBe('pause');
  });

  it('advises nothing on a source spent under ¥200 today, where the ROI alert raises nothing either', () => {
    // ¥164.88 spent at ROI 0.94: one order more and it reads 1.2.
    expect(budgetAdvice({ ...paid, spendFen: 16_488, roi: 0.94 }, 0.03)).toBeNull();
    expect(budgetAdvice({ ...paid, spendFen: ADVICE_MIN_SPEND_FEN - 1 }, 0.03)).toBeNull();
    expect(budgetAdvice({ ...paid, spendFen: ADVICE_MIN_SPEND_FEN, roi: 0.94 }, 0.03)).toBe('pause');
  });

  it('adds budget where conversion beats the target and trims it where it misses', () => {
    expect(budgetAdvice(paid, 0.03)).toBe('add');
    expect(budgetAdvice({ ...paid, conversionRate: 0.03 }, 0.03)).toBe('add'); // meeting the plan is beating its floor
    expect(budgetAdvice({ ...paid, conversionRate: 0.021 }, 0.03)).toBe('trim');
    expect(budgetAdvice({ ...paid, roi: 1 }, 0.03)).toBe('add'); // at ROI 1 it pays for itself
  });

  it('says nothing without spend, without a target, or on too few visitors to read a conversion', () => {
    expect(budgetAdvice({ ...paid, spendFen: 0, roi: null }, 0.03)).toBeNull();
    expect(budgetAdvice(paid, null)).toBeNull();
    expect(budgetAdvice({ ...paid, visitors: ADVICE_MIN_VISITORS - 1, conversionRate: 0 }, 0.03)).toBeNull();
    expect(budgetAdvice({ ...paid, visitors: ADVICE_MIN_VISITORS, conversionRate: 0 }, 0.03)).toBe('trim');
  });
});

describe('missesTarget', () => {
  it('marks any source under the target once it has the visitors to tell, and none without a target', () => {
    expect(missesTarget({ visitors: 500, conversionRate: 0.021 }, 0.03)).toBe(true);
    expect(missesTarget({ visitors: 500, conversionRate: 0.031 }, 0.03)).toBe(false);
    expect(missesTarget({ visitors: 50, conversionRate: 0 }, 0.03)).toBe(false);
    expect(missesTarget({ visitors: 500, conversionRate: 0 }, null)).toBe(false);
  });
});
