import { wholeNumberOf } from '../../lib/whole-number';

/** 补货 adds units that arrived; 盘点 sets the count found on the shelf. */
export type StockMode = 'restock' | 'stocktake';

/** What `updateSku` is sent for a SKU's stock: one of the two, never both (the server refuses both). */
export type StockChange = { stockDelta: number } | { stock: number };

/**
 * The change a typed quantity asks for: a restock of whole units above zero, sent as `stockDelta` (README: added
 * to the count as it is when written, so units sold meanwhile are kept), or a stocktake's count, zero or more,
 * sent as `stock`. Null when the text is not that: the page says so and sends nothing.
 */
export function stockChangeOf(mode: StockMode, typed: string): StockChange | null {
  const n = wholeNumberOf(typed);
  if (n === null) return null;
  if (mode === 'restock') return n > 0 ? { stockDelta: n } : null;
  return { stock: n };
}
