import { describe, expect, it } from 'vitest';
import { paidSourcesRoi } from './spend-roi';

describe('投放 ROI: what the sources money went to sold, over the money', () => {
  it('leaves out what sold without spend (natural search, direct visits), which 全店 ROI counts', () => {
    // The demo's day seen on the page: 全店 ROI 100.67 (¥704.70 / ¥7.00) above sources of 2.98 and 0.00.
    const day = [
      { gmv: '20.85', spend: '7.00' },
      { gmv: '0.00', spend: '0.00' },
      { gmv: '683.85', spend: '0.00' },
    ];
    expect(paidSourcesRoi(day)).toBeCloseTo(20.85 / 7, 10);
  });

  it('is below 1 when the paid sources together cost more than they sold, and null without spend', () => {
    expect(paidSourcesRoi([{ gmv: '2400.00', spend: '3000.00' }, { gmv: '100.00', spend: '200.00' }, { gmv: '9000.00', spend: '0.00' }])).toBeCloseTo(2500 / 3200, 10);
    expect(paidSourcesRoi([{ gmv: '9000.00', spend: '0.00' }])).toBeNull();
    expect(paidSourcesRoi([])).toBeNull();
  });

  it('is exactly 1 when they broke even', () => {
    expect(paidSourcesRoi([{ gmv: '0.10', spend: '0.05' }, { gmv: '0.20', spend: '0.25' }])).toBe(1);
  });
});
