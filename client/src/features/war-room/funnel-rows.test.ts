import { describe, expect, it } from 'vitest';
import { funnelRows } from './funnel-rows';

// The demo's wall at 19:00: more product views than visitors, as real shops have.
const steps = [
  { name: 'VISIT', count: 2_593, shareOfPrevious: null },
  { name: 'PRODUCT_VIEW', count: 2_875, shareOfPrevious: null },
  { name: 'ADD_TO_CART', count: 245, shareOfPrevious: 245 / 2_875 },
  { name: 'ORDER_PLACED', count: 101, shareOfPrevious: 101 / 245 },
  { name: 'ORDER_PAID', count: 90, shareOfPrevious: 90 / 101 },
];

describe('funnelRows', () => {
  it('says how many products a visitor viewed instead of a capped 100 %', () => {
    const views = funnelRows(steps)[1]!;
    expect(views.figure).toEqual({ kind: 'perVisitor', value: 2_875 / 2_593 });
  });

  it('puts 加购 against the visitors, the 加购率 KPI’s own definition, not against product views', () => {
    const cart = funnelRows(steps)[2]!;
    expect(cart.figure).toEqual({ kind: 'rate', value: 245 / 2_593 });
    expect(cart.figure).not.toEqual({ kind: 'rate', value: 245 / 2_875 });
  });

  it('keeps the step-to-step rate of orders placed and paid', () => {
    const [, , , placed, paid] = funnelRows(steps);
    expect(placed!.figure).toEqual({ kind: 'rate', value: 101 / 245 });
    expect(paid!.figure).toEqual({ kind: 'rate', value: 90 / 101 });
  });

  it('says — instead of a capped 100 % when more orders are placed than visitors added to cart (立即购买, yesterday’s carts)', () => {
    // Just after midnight on the demo's wall: 74 visitors carted today, 125 orders placed, 26 paid.
    const night = [
      { name: 'VISIT', count: 1_048, shareOfPrevious: null },
      { name: 'PRODUCT_VIEW', count: 887, shareOfPrevious: 887 / 1_048 },
      { name: 'ADD_TO_CART', count: 74, shareOfPrevious: 74 / 887 },
      { name: 'ORDER_PLACED', count: 125, shareOfPrevious: null }, // rateFromPrevious, capped, would read 1
      { name: 'ORDER_PAID', count: 26, shareOfPrevious: 26 / 125 },
    ];
    const [, , , placed, paid] = funnelRows(night);
    expect(placed!.figure).toEqual({ kind: 'noRate' });
    expect(paid!.figure).toEqual({ kind: 'rate', value: 26 / 125 });
    // Payments of orders placed before the window: more paid than placed has no rate either.
    const paidMore = funnelRows(night.map((s) => (s.name === 'ORDER_PAID' ? { ...s, count: 130, shareOfPrevious: null } : s)));
    expect(paidMore[4]!.figure).toEqual({ kind: 'noRate' });
  });

  it('draws every bar against the visitors, so the funnel only narrows', () => {
    const shares = funnelRows(steps).map((r) => r.share);
    expect(shares[0]).toBe(1);
    expect(shares[1]).toBe(1); // more views than visitors: full, never longer
    expect(shares.slice(2)).toEqual([245 / 2_593, 101 / 2_593, 90 / 2_593]);
    for (let i = 2; i < shares.length; i++) expect(shares[i]).toBeLessThanOrEqual(shares[i - 1]!);
  });

  it('shows no rate it cannot compute before the first visitor', () => {
    const empty = funnelRows(steps.map((s) => ({ ...s, count: 0, shareOfPrevious: null })));
    expect(empty.map((r) => r.share)).toEqual([0, 0, 0, 0, 0]);
    expect(empty[1]!.figure).toBeNull();
    // 加购 says — like 下单 and 支付, not a 0.0 % beside their —.
    expect(empty.slice(2).map((r) => r.figure)).toEqual([{ kind: 'noRate' }, { kind: 'noRate' }, { kind: 'noRate' }]);
  });
});
