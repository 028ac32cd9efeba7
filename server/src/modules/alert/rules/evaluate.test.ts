import { describe, expect, it } from 'vitest';
import { zeroCounters, type Figures } from '../../metrics/metrics.formulas.js';
import { evaluateRules, heldSample } from './evaluate.js';
import { quietShop } from './rule-inputs.js';
import { RuleSettingsIndex } from './rule-settings.js';

const figures = (visitors: number, buyers: number): Figures => ({ ...zeroCounters(), visitors, buyers, carters: 0 });

/** One shop's conversion now against the same hour yesterday, everything else quiet. */
function conversionFindings(now: Figures, yesterday: Figures) {
  const shop = quietShop({ id: 'shop-1', name: '旗舰店', recent: now, sameWindowYesterday: yesterday });
  const inputs = { now: new Date('2026-11-11T12:00:00Z'), shops: [shop], campaigns: [], skus: [], milestones: [], settings: new RuleSettingsIndex([]), overdueRectifications: [] };
  return evaluateRules(inputs).filter((f) => f.rule === 'CONVERSION_DROP');
}

describe('the sample floor has hysteresis, as the value does', () => {
  it('a conversion drop opens only on 200 visitors in each hour, and an open one is held on 100', () => {
    expect(heldSample(200)).toBe(100);
    expect(heldSample(30)).toBe(15);
    // 2 % against 5 % yesterday: a 60 % drop.
    const [full] = conversionFindings(figures(200, 4), figures(200, 10));
    expect(full).toMatchObject({ breached: true, value: 0.6 });
    // The evening thins to 150 visitors: the same drop holds an open alert, and opens none.
    const [thin] = conversionFindings(figures(150, 3), figures(200, 10));
    expect(thin).toMatchObject({ breached: false });
    expect(thin!.value).toBeCloseTo(0.6, 10);
    // Under half the floor there is nothing to judge: an open alert starts its clear clock.
    expect(conversionFindings(figures(99, 1), figures(200, 10))).toEqual([]);
  });
});
