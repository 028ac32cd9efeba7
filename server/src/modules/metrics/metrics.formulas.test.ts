import { describe, expect, it } from 'vitest';
import {
  addToCartRate,
  averageOrderValueFen,
  conversionRate,
  funnel,
  netGmvFen,
  rate,
  refundRate,
  roiText,
  zeroCounters,
  type Figures,
} from './metrics.formulas.js';

const figures = (overrides: Partial<Figures>): Figures => ({ ...zeroCounters(), visitors: 0, carters: 0, buyers: 0, ...overrides });

describe('metric definitions', () => {
  it('writes an ROI cut to two decimals from the integers: 0.995 is 0.99, 0.29 stays 0.29, 1 is 1.00', () => {
    expect(roiText({ gmvFen: 19_900, spendFen: 20_000 })).toBe('0.99');
    expect(roiText({ gmvFen: 29, spendFen: 100 })).toBe('0.29');
    expect(roiText({ gmvFen: 20_000, spendFen: 20_000 })).toBe('1.00');
    expect(roiText({ gmvFen: 860_000, spendFen: 20_000 })).toBe('43.00');
  });

  it('converts buyers over visitors: 252 buyers of 12,000 visitors is 2.1%', () => {
    expect(conversionRate(figures({ visitors: 12_000, buyers: 252 }))).toBeCloseTo(0.021, 10);
  });

  it('reports every rate as 0 when its denominator is 0', () => {
    const nobody = figures({ buyers: 3, carters: 2, refundedOrders: 1 });
    expect(conversionRate(nobody)).toBe(0);
    expect(addToCartRate(nobody)).toBe(0);
    expect(refundRate(nobody)).toBe(0);
  });

  it('caps a rate at 1 when a sketch estimates more buyers than visitors on a tiny sample', () => {
    expect(conversionRate(figures({ visitors: 3, buyers: 4 }))).toBe(1);
    expect(rate(-1, 10)).toBe(0);
  });

  it('divides refunded orders by paid orders: 32 of 1,000 is 3.2%', () => {
    expect(refundRate(figures({ ordersPaid: 1_000, refundedOrders: 32 }))).toBeCloseTo(0.032, 10);
  });

  it('divides visitors who added to cart by visitors', () => {
    expect(addToCartRate(figures({ visitors: 400, carters: 50 }))).toBe(0.125);
  });

  it('rounds the average order value half-up to the fen, exactly', () => {
    expect(averageOrderValueFen(1_000, 3)).toBe(333); // 333.33…
    expect(averageOrderValueFen(1_001, 2)).toBe(501); // 500.5 → 501
    expect(averageOrderValueFen(2_000, 3)).toBe(667); // 666.66…
    expect(averageOrderValueFen(12_345, 0)).toBe(0);
    expect(averageOrderValueFen(9_007_199_254_740_991, 7)).toBe(1_286_742_750_677_284); // beyond float precision of the product
  });

  it('deducts refunded amounts from GMV for net GMV', () => {
    expect(netGmvFen({ ...zeroCounters(), gmvFen: 10_000, refundedFen: 2_550 })).toBe(7_450);
  });
});

describe('the funnel visit → product view → add to cart → order placed → paid', () => {
  it('counts product views as page views minus visit landings, and rates from the previous and first steps', () => {
    const steps = funnel(figures({ visitors: 1_000, visits: 1_200, pageViews: 1_700, carters: 100, ordersPlaced: 40, ordersPaid: 30 }));
    expect(steps.map((s) => [s.name, s.count])).toEqual([
      ['VISIT', 1_000],
      ['PRODUCT_VIEW', 500],
      ['ADD_TO_CART', 100],
      ['ORDER_PLACED', 40],
      ['ORDER_PAID', 30],
    ]);
    expect(steps.map((s) => s.rateFromPrevious)).toEqual([0, 0.5, 0.2, 0.4, 0.75]);
    expect(steps.map((s) => s.shareOfPrevious)).toEqual([null, 0.5, 0.2, 0.4, 0.75]);
    expect(steps.map((s) => s.rateFromFirst)).toEqual([1, 0.5, 0.1, 0.04, 0.03]);
  });

  it('gives no share of the step before where a step outnumbers it (orders bought at once, yesterday\'s carts), where the capped rate reads 1', () => {
    // 02:00 on a campaign night: 30 visitors carted, 45 orders placed (立即购买 and yesterday's carts), 50 paid (some placed yesterday).
    const steps = funnel(figures({ visitors: 200, visits: 220, pageViews: 900, carters: 30, ordersPlaced: 45, ordersPaid: 50 }));
    expect(steps.map((s) => [s.name, s.rateFromPrevious, s.shareOfPrevious])).toEqual([
      ['VISIT', 0, null],
      ['PRODUCT_VIEW', 1, null],
      ['ADD_TO_CART', 30 / 680, 30 / 680],
      ['ORDER_PLACED', 1, null],
      ['ORDER_PAID', 1, null],
    ]);
  });

  it('has zero rates, not NaN, when nobody visited', () => {
    const steps = funnel(figures({ ordersPaid: 2 }));
    expect(steps.every((s) => s.rateFromFirst === 0)).toBe(true);
    expect(steps.at(-1)).toEqual({ name: 'ORDER_PAID', count: 2, rateFromPrevious: 0, shareOfPrevious: null, rateFromFirst: 0 });
  });
});
