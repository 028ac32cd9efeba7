// The metric definitions of DOMAIN.md, as pure functions over summed rollup counters.

/** Additive rollup counters: summing them over buckets and dimensions is exact. */
export interface Counters {
  visits: number;
  pageViews: number;
  addToCarts: number;
  ordersPlaced: number;
  /** Paid orders: "orders" in DOMAIN.md. */
  ordersPaid: number;
  /** Sum of paid amounts, refunds not deducted. */
  gmvFen: number;
  /** Orders whose first refund falls in the window. */
  refundedOrders: number;
  refundedFen: number;
  unitsSold: number;
  /** Marketing spend (recordMarketingSpend). */
  spendFen: number;
  /** Orders shipped / delivered in the window. */
  ordersShipped: number;
  ordersDelivered: number;
  /** Paid-to-shipped seconds summed over shipped orders whose payment is known, and how many those are. */
  shipSeconds: number;
  shipTimedOrders: number;
}

export const COUNTER_NAMES = [
  'visits',
  'pageViews',
  'addToCarts',
  'ordersPlaced',
  'ordersPaid',
  'gmvFen',
  'refundedOrders',
  'refundedFen',
  'unitsSold',
  'spendFen',
  'ordersShipped',
  'ordersDelivered',
  'shipSeconds',
  'shipTimedOrders',
] as const satisfies readonly (keyof Counters)[];

export function zeroCounters(): Counters {
  return { visits: 0, pageViews: 0, addToCarts: 0, ordersPlaced: 0, ordersPaid: 0, gmvFen: 0, refundedOrders: 0, refundedFen: 0, unitsSold: 0, spendFen: 0, ordersShipped: 0, ordersDelivered: 0, shipSeconds: 0, shipTimedOrders: 0 };
}

/** Adds `row` into `into`. Fen sums stay exact in a double up to 2^53 fen (≈ ¥90 trillion). */
export function addCounters(into: Counters, row: Counters): Counters {
  for (const name of COUNTER_NAMES) into[name] += row[name];
  return into;
}

/** Counters plus the distinct counts estimated from merged sketches. */
export interface Figures extends Counters {
  visitors: number;
  /** Distinct visitors who added to cart. */
  carters: number;
  buyers: number;
}

/**
 * A rate in [0, 1]: 0 when the denominator is 0, clamped at 1 because numerator and denominator can
 * come from different estimates (a sketch may put buyers above visitors on a tiny sample) or from
 * different events (refunds in the window of orders paid before it).
 */
export function rate(numerator: number, denominator: number): number {
  if (denominator <= 0 || numerator <= 0) return 0;
  return Math.min(1, numerator / denominator);
}

/** GMV / buyers in fen, integer division rounded half-up to the fen; 0 without buyers. */
export function averageOrderValueFen(gmvFen: number, buyers: number): number {
  if (buyers <= 0) return 0;
  const gmv = BigInt(gmvFen);
  const n = BigInt(buyers);
  return Number((2n * gmv + n) / (2n * n));
}

export const conversionRate = (f: Figures) => rate(f.buyers, f.visitors);
export const refundRate = (f: Figures) => rate(f.refundedOrders, f.ordersPaid);
export const addToCartRate = (f: Figures) => rate(f.carters, f.visitors);
export const netGmvFen = (f: Counters) => f.gmvFen - f.refundedFen;

/**
 * ROI = GMV / marketing spend (DOMAIN.md: attributed GMV / spend); null without spend. Both are exact
 * integer fen, so the quotient is the correctly rounded double of GMV / spend.
 */
export const roi = (f: Pick<Counters, 'gmvFen' | 'spendFen'>): number | null => (f.spendFen > 0 ? f.gmvFen / f.spendFen : null);

/**
 * An ROI for a message, cut (not rounded) to two decimals: 0.995 is below 1 and must not read "1.00".
 * From the integers, so 0.29 is not read back as 0.28999….
 */
export const roiText = (f: Pick<Counters, 'gmvFen' | 'spendFen'>): string => (Math.floor((f.gmvFen * 100) / f.spendFen) / 100).toFixed(2);

export const FUNNEL_STEPS = ['VISIT', 'PRODUCT_VIEW', 'ADD_TO_CART', 'ORDER_PLACED', 'ORDER_PAID'] as const;
export type FunnelStepName = (typeof FUNNEL_STEPS)[number];

export interface FunnelStep {
  name: FunnelStepName;
  count: number;
  /** count / previous step's count; 0 for the first step or when the previous is 0; at most 1. */
  rateFromPrevious: number;
  /**
   * count / previous step's count while this step is a part of the one before (count ≤ previous); null for
   * the first step, when the previous is 0, or when this step outnumbers it, where a capped 1 would be made up.
   */
  shareOfPrevious: number | null;
  /** count / first step's count; 1 for the first step when it has any; at most 1. */
  rateFromFirst: number;
}

/**
 * visit → product view → add to cart → order placed → paid. Visits and carts count people (distinct
 * visitors); product views count views (page views minus visit landings); orders count orders.
 */
export function funnel(f: Figures): FunnelStep[] {
  const counts: Record<FunnelStepName, number> = {
    VISIT: f.visitors,
    PRODUCT_VIEW: Math.max(0, f.pageViews - f.visits),
    ADD_TO_CART: f.carters,
    ORDER_PLACED: f.ordersPlaced,
    ORDER_PAID: f.ordersPaid,
  };
  const first = counts.VISIT;
  return FUNNEL_STEPS.map((name, i) => {
    const count = counts[name];
    const previous = i === 0 ? 0 : counts[FUNNEL_STEPS[i - 1]!];
    const shareOfPrevious = previous > 0 && count <= previous ? count / previous : null;
    return { name, count, rateFromPrevious: rate(count, previous), shareOfPrevious, rateFromFirst: rate(count, first) };
  });
}

/**
 * Mean seconds from payment to shipment over the shipments whose payment is known (each order once,
 * at its shippedAt); null without any, which is "nothing shipped yet", not "shipped instantly".
 */
export const averagePaidToShippedSeconds = (f: Pick<Counters, 'shipSeconds' | 'shipTimedOrders'>): number | null =>
  f.shipTimedOrders > 0 ? f.shipSeconds / f.shipTimedOrders : null;
