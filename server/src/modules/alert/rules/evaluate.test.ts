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

describe('低库存 at its line (库存预警): how loud, by what is selling', () => {
  const lowStock = (stock: number, unitsSoldRecently: number) => {
    const sku = { id: 'sku-1', shopId: 'shop-1', code: 'TM-001', productName: '保温杯', stock, lowStockThreshold: 50, unitsSoldRecently };
    const inputs = { now: new Date('2026-11-11T12:00:00Z'), shops: [], campaigns: [], skus: [sku], milestones: [], settings: new RuleSettingsIndex([]), overdueRectifications: [] };
    return evaluateRules(inputs).filter((f) => f.rule === 'LOW_STOCK');
  };

  it('warns of a SKU selling toward its end, and only notes one that sold nothing in the window: it cannot oversell now', () => {
    // 30 in stock, 30 sold in 3 hours: gone in about 3 hours.
    expect(lowStock(30, 30)).toMatchObject([{ breached: true, severity: 'WARNING', value: 30 }]);
    // 30 in stock, nothing sold in 3 hours: still at the manuals' line, but below what is selling out.
    const [quiet] = lowStock(30, 0);
    expect(quiet).toMatchObject({ breached: true, severity: 'INFO', value: 30, message: '库存 30 件，预警线 50 件；近 3 小时无销量' });
    // Under an hour of cover, sold out, oversold: critical whatever the window sold.
    expect(lowStock(5, 30)).toMatchObject([{ severity: 'CRITICAL' }]);
    expect(lowStock(0, 0)).toMatchObject([{ severity: 'CRITICAL' }]);
    expect(lowStock(-2, 0)).toMatchObject([{ severity: 'CRITICAL' }]);
  });
});
