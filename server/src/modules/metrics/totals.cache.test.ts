import { describe, expect, it } from 'vitest';
import { accumulateTotals } from './metrics.totals.js';
import { heldEntryBytes, TotalsCache, type CachedTotals } from './totals.cache.js';

const entry = (bytes: number): CachedTotals => ({ totals: accumulateTotals([]), rows: new Map(), bytes });

describe('the held totals', () => {
  it('stay within their byte bound, dropping the least recently asked first', () => {
    const cache = new TotalsCache(10_000);
    cache.set('a', entry(4_000));
    cache.set('b', entry(4_000));
    cache.get('a');
    cache.set('c', entry(4_000));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
    expect(cache.heldBytes).toBe(8_000);
  });

  it('count a replaced answer once and never hold one larger than the bound', () => {
    const cache = new TotalsCache(10_000);
    cache.set('a', entry(4_000));
    cache.set('a', entry(6_000));
    expect(cache.heldBytes).toBe(6_000);
    cache.set('a', entry(20_000));
    expect(cache.get('a')).toBeUndefined();
    expect([cache.size, cache.heldBytes]).toEqual([0, 0]);
  });

  it('count what an entry holds besides its sketches, so windows without rows and long keys still reach the bound', () => {
    const cache = new TotalsCache(1024 * 1024);
    const wideKey = (n: number) => `all:${n}:` + 'f'.repeat(36 * 1_000); // a credential over 1,000 shops
    for (let n = 0; n < 10_000; n++) cache.set(wideKey(n), entry(heldEntryBytes(wideKey(n), 0, 0)));
    expect(cache.heldBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(cache.size).toBeLessThan(20); // ~76 KB each, where they counted 0 and all 10,000 stayed
  });

  it('hold nothing with a bound of 0, not even an answer without sketches', () => {
    const cache = new TotalsCache(0);
    cache.set('a', entry(0));
    expect(cache.get('a')).toBeUndefined();
  });
});
