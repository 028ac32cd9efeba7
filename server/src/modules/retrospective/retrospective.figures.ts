// The retrospective's rankings and shares, as pure functions over figures already loaded.
import { conversionRate, roi, type Figures } from '../metrics/metrics.formulas.js';

/** The share of GMV the Pareto SKUs make together: the fewest best sellers reaching it. */
export const PARETO_SHARE = 0.8;

/** buyers / visitors; null when no visit was recorded (a producer that sends orders only), never a made-up 0 %. */
export const retroConversion = (all: Figures): number | null => (all.visitors > 0 ? conversionRate(all) : null);

export interface RoiRow {
  gmvFen: number;
  spendFen: number;
  /** GMV of the row's channel × source lines with spend (metrics.totals' Attributed); absent, all of its GMV. */
  attributedGmvFen?: number;
}

export type Ranked<T> = T & { roi: number | null; attributedRoi: number | null; rank: number | null };

/**
 * Best ad ROI first (attributedRoi: DOMAIN.md's channel ROI, the GMV its spend is credited with / spend — all
 * of a channel's GMV over its spend would crown the channel with the most organic sales). Rows without
 * spend have no ROI and no rank and come last, by GMV. Equal ROI share a rank (1, 2, 2, 4), ties listed by GMV.
 */
export function rankByRoi<T extends RoiRow>(rows: readonly T[]): Ranked<T>[] {
  const withRoi = rows.map((row) => ({
    ...row,
    roi: roi(row),
    attributedRoi: roi({ gmvFen: row.attributedGmvFen ?? row.gmvFen, spendFen: row.spendFen }),
    rank: null as number | null,
  }));
  withRoi.sort((a, b) => {
    if (a.attributedRoi === null || b.attributedRoi === null) return a.attributedRoi === null && b.attributedRoi === null ? b.gmvFen - a.gmvFen : a.attributedRoi === null ? 1 : -1;
    return b.attributedRoi - a.attributedRoi || b.gmvFen - a.gmvFen;
  });
  withRoi.forEach((row, i) => {
    if (row.attributedRoi === null) return;
    const previous = withRoi[i - 1];
    row.rank = previous && previous.attributedRoi === row.attributedRoi ? previous.rank : i + 1;
  });
  return withRoi;
}

/** The best and the worst ranked rows; the worst only when at least two rows have spend to compare. */
export function bestAndWorst<T extends { rank: number | null }>(ranked: readonly T[]): { best: T | null; worst: T | null } {
  const withRank = ranked.filter((row) => row.rank !== null);
  return { best: withRank[0] ?? null, worst: withRank.length >= 2 ? withRank[withRank.length - 1]! : null };
}

export interface SkuSale {
  skuId: string;
  gmvFen: number;
  unitsSold: number;
}

export interface ParetoSku extends SkuSale {
  share: number;
  cumulativeShare: number;
}

/** A product's sales in the campaign: the sum of its SKUs'. */
export interface ProductSale {
  productId: string;
  gmvFen: number;
  unitsSold: number;
  /** How many of its SKUs sold. */
  skusSold: number;
}

export interface ParetoProduct extends ProductSale {
  share: number;
  cumulativeShare: number;
}

/**
 * The fewest rows, best sellers first, whose GMV together reaches 80 % of the total (帕累托). Ties in GMV
 * are broken by id so the list is stable; a share of exactly 80 % counts as reached.
 */
function paretoOf<T extends { gmvFen: number }>(rows: readonly T[], id: (row: T) => string, share: number): (T & { share: number; cumulativeShare: number })[] {
  const sold = rows.filter((s) => s.gmvFen > 0).sort((a, b) => b.gmvFen - a.gmvFen || (id(a) < id(b) ? -1 : 1));
  const total = sold.reduce((sum, s) => sum + s.gmvFen, 0);
  const result: (T & { share: number; cumulativeShare: number })[] = [];
  let cumulative = 0;
  for (const row of sold) {
    if (cumulative >= total * share) break;
    cumulative += row.gmvFen;
    result.push({ ...row, share: row.gmvFen / total, cumulativeShare: cumulative / total });
  }
  return result;
}

/** The Pareto SKUs. */
export function paretoSkus(sales: readonly SkuSale[], share = PARETO_SHARE): ParetoSku[] {
  return paretoOf(sales, (s) => s.skuId, share);
}

/** The Pareto products (DOMAIN.md: which products make 80 % of GMV), each the sum of its SKUs. */
export function paretoProducts(sales: readonly ProductSale[], share = PARETO_SHARE): ParetoProduct[] {
  return paretoOf(sales, (s) => s.productId, share);
}

/** SKU sales summed by product; a SKU whose product is unknown is left out (it cannot be: SKUs are never deleted). */
export function salesByProduct(sales: readonly SkuSale[], productOf: (skuId: string) => string | undefined): ProductSale[] {
  const byProduct = new Map<string, ProductSale>();
  for (const sale of sales) {
    const productId = productOf(sale.skuId);
    if (productId === undefined || sale.gmvFen <= 0) continue;
    const product = byProduct.get(productId) ?? { productId, gmvFen: 0, unitsSold: 0, skusSold: 0 };
    product.gmvFen += sale.gmvFen;
    product.unitsSold += sale.unitsSold;
    product.skusSold++;
    byProduct.set(productId, product);
  }
  return [...byProduct.values()];
}

/** The median of whole seconds (the lower middle for an even count, so it is one of the values); null when empty. */
export function medianSeconds(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export const secondsBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 1000);
