import type { ProductFilter } from './products.documents';

/**
 * The page's four lists (`?filter=`): every product, the slow movers (滞销), those with a SKU at or under its
 * threshold, and the new ones (新品: created in the last 30 days, the ones the 新品 column judges).
 */
export type StockFilter = 'all' | 'slowMoving' | 'lowStock' | 'newProducts';

export const STOCK_FILTERS: readonly StockFilter[] = ['all', 'slowMoving', 'lowStock', 'newProducts'];

/** How long after its creation a product counts as new on this page: its 7-day trial, then 23 days with its verdict. */
export const NEW_PRODUCT_SHOWN_MS = 30 * 86_400_000;

export const stockFilterOf = (value: string | undefined): StockFilter => STOCK_FILTERS.find((f) => f === value) ?? 'all';

/**
 * The API's filter for one shop's list: only the flag asked for is sent (`slowMoving: false` would mean every
 * other product). The new products are those created in the 30 days before `nowMs`, the moment the list opened.
 */
export function productFilter(shopId: string, filter: StockFilter, nowMs: number): ProductFilter {
  if (filter === 'slowMoving') return { shopIds: [shopId], slowMoving: true };
  if (filter === 'lowStock') return { shopIds: [shopId], lowStock: true };
  if (filter === 'newProducts') return { shopIds: [shopId], createdSince: new Date(nowMs - NEW_PRODUCT_SHOWN_MS).toISOString() };
  return { shopIds: [shopId] };
}
