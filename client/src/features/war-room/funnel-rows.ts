/** One step of the live funnel as the API gives it (`Funnel.steps`). */
export interface FunnelStepInput {
  name: string;
  count: number;
  /** The API's share of the step before: null where this step outnumbers it (so no rate would be true). */
  shareOfPrevious: number | null;
}

export interface FunnelRow {
  key: string;
  count: number;
  /**
   * What follows the count: views per visitor for product views (they count views, not people), a rate for
   * the other steps after the first, nothing for visitors; `noRate` (shown as —) where a step is not a
   * part of the one before it, so no rate between them would be true.
   */
  figure: { kind: 'perVisitor'; value: number } | { kind: 'rate'; value: number } | { kind: 'noRate' } | null;
  /** Bar length: the step against the visitors, at most 1, so the funnel narrows as people drop out. */
  share: number;
}

const ratio = (count: number, of: number) => (of > 0 ? Math.min(1, count / of) : 0);

/**
 * The wall's funnel rows. The API's steps mix people (visitors, visitors who added to cart) with counts
 * (product views, orders), and its step-to-step rate of 加购 is against product views. On the wall that
 * read "浏览商品 2,875 · 100.0%" (capped: a visitor views more than one product) and an add-to-cart rate
 * beside the 加购率 KPI that disagreed with it. Here product views say how many a visitor made, and 加购
 * is against the visitors, the KPI's own definition (visitors who added to cart / visitors); orders
 * placed and paid keep their step-to-step rate while they are a part of the step before. Orders bought at
 * once (立即购买) never pass the cart, and just after midnight orders come from yesterday's carts: then more
 * orders are placed than visitors added to cart, and the API's rate, capped at 1, read "下单 125 · 100.0%".
 * The API's `shareOfPrevious` is null then, and that row says — instead.
 */
export function funnelRows(steps: readonly FunnelStepInput[]): FunnelRow[] {
  const visitors = steps.find((s) => s.name === 'VISIT')?.count ?? 0;
  return steps.map((s) => {
    const share = ratio(s.count, visitors);
    switch (s.name) {
      case 'VISIT':
        return { key: s.name, count: s.count, figure: null, share };
      case 'PRODUCT_VIEW':
        return { key: s.name, count: s.count, figure: visitors > 0 ? { kind: 'perVisitor', value: s.count / visitors } : null, share };
      case 'ADD_TO_CART':
        // Before the first visitor there is no rate, as for the steps after it: — rather than a 0.0 %.
        return { key: s.name, count: s.count, figure: visitors > 0 ? { kind: 'rate', value: ratio(s.count, visitors) } : { kind: 'noRate' }, share };
      default: {
        const figure = s.shareOfPrevious == null ? ({ kind: 'noRate' } as const) : ({ kind: 'rate', value: s.shareOfPrevious } as const);
        return { key: s.name, count: s.count, figure, share };
      }
    }
  });
}
