import type { ProductFilter } from './products.documents';

/** The page's three lists (`?filter=`): every product, the slow movers (滞销), those with a SKU at or under its threshold. */
export type StockFilter = 'all' | 'slowMoving' | 'lowStock';

export const STOCK_FILTERS: readonly StockFilter[] = ['all', 'slowMoving', 'lowStock'];

export const stockFilterOf = (value: string | undefined): StockFilter => STOCK_FILTERS.find((f) => f === value) ?? 'all';

/** The API's filter for one shop's list: only the flag asked for is sent (`slowMoving: false` would mean every other product). */
export function productFilter(shopId: string, filter: StockFilter): ProductFilter {
  if (filter === 'slowMoving') return { shopIds: [shopId], slowMoving: true };
  if (filter === 'lowStock') return { shopIds: [shopId], lowStock: true };
  return { shopIds: [shopId] };
}
