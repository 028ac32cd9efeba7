import { describe, expect, it } from 'vitest';
import { stockChangeOf } from './stock-form';

describe('a stock change as typed', () => {
  it('a restock of whole units above zero is a stockDelta, never a count that would overwrite sales', () => {
    expect(stockChangeOf('restock', '500')).toEqual({ stockDelta: 500 });
    expect(stockChangeOf('restock', '1,200')).toEqual({ stockDelta: 1200 });
    for (const typed of ['0', '-3', '2.5', '', '五']) expect(stockChangeOf('restock', typed)).toBeNull();
  });

  it('a stocktake sets the count found, which may be zero', () => {
    expect(stockChangeOf('stocktake', '0')).toEqual({ stock: 0 });
    expect(stockChangeOf('stocktake', '88')).toEqual({ stock: 88 });
    expect(stockChangeOf('stocktake', '-1')).toBeNull();
  });
});
