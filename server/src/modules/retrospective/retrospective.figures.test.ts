import { describe, expect, it } from 'vitest';
import { bestAndWorst, medianSeconds, paretoSkus, rankByRoi } from './retrospective.figures.js';

describe('retrospective figures', () => {
  it('ranks by ROI, shares a rank on equal ROI, and puts rows without spend last and unranked', () => {
    const ranked = rankByRoi([
      { name: 'a', gmvFen: 100, spendFen: 100 },
      { name: 'b', gmvFen: 900, spendFen: 0 },
      { name: 'c', gmvFen: 400, spendFen: 100 },
      { name: 'd', gmvFen: 200, spendFen: 50 },
      { name: 'e', gmvFen: 50, spendFen: 100 },
    ]);
    expect(ranked.map((r) => [r.name, r.roi, r.rank])).toEqual([
      ['c', 4, 1],
      ['d', 4, 1],
      ['a', 1, 3],
      ['e', 0.5, 4],
      ['b', null, null],
    ]);
    expect(bestAndWorst(ranked)).toMatchObject({ best: { name: 'c' }, worst: { name: 'e' } });
    expect(bestAndWorst(rankByRoi([{ gmvFen: 1, spendFen: 1 }, { gmvFen: 5, spendFen: 0 }]))).toMatchObject({ best: { roi: 1 }, worst: null });
  });

  it('ranks by the ROI of the spend, not of all GMV: a channel of organic sales does not come first for them', () => {
    // 天猫 sold ¥10,000 (¥9,000 of it organic search) for ¥1,000 of ads: ROI 10, ad ROI 1. 京东 sold ¥3,000, all through its ¥1,000 of ads: 3 and 3.
    const ranked = rankByRoi([
      { name: 'tmall', gmvFen: 1_000_000, spendFen: 100_000, attributedGmvFen: 100_000 },
      { name: 'jd', gmvFen: 300_000, spendFen: 100_000, attributedGmvFen: 300_000 },
    ]);
    expect(ranked.map((r) => [r.name, r.roi, r.attributedRoi, r.rank])).toEqual([
      ['jd', 3, 3, 1],
      ['tmall', 10, 1, 2],
    ]);
  });

  it('takes the fewest best sellers that reach 80 % of GMV, exactly 80 % included, ties by id', () => {
    const sale = (skuId: string, gmvFen: number) => ({ skuId, gmvFen, unitsSold: 1 });
    expect(paretoSkus([sale('b', 40), sale('a', 40), sale('c', 20)]).map((s) => [s.skuId, s.cumulativeShare])).toEqual([
      ['a', 0.4],
      ['b', 0.8],
    ]);
    expect(paretoSkus([sale('a', 79), sale('b', 1), sale('c', 20)]).map((s) => s.skuId)).toEqual(['a', 'c']);
    expect(paretoSkus([sale('a', 0)])).toEqual([]);
  });

  it('takes the lower middle as the median, so it is a time that happened', () => {
    expect(medianSeconds([])).toBeNull();
    expect(medianSeconds([600, 60, 300])).toBe(300);
    expect(medianSeconds([1200, 300])).toBe(300);
  });
});
