import { describe, expect, it } from 'vitest';
import type { Figures } from '../metrics/metrics.formulas.js';
import { zeroCounters } from '../metrics/metrics.formulas.js';
import { dailyAnomalies } from './report.rules.js';

const day = (f: Partial<Figures>): Figures => ({ ...zeroCounters(), visitors: 0, carters: 0, buyers: 0, ...f });
const rules = (today: Partial<Figures>, before: Partial<Figures>) => dailyAnomalies(day(today), day(before)).map((a) => a.rule);

describe('daily anomaly rules', () => {
  it('flags a conversion drop of 30 % with 200 visitors on both days, not below the sample', () => {
    expect(rules({ visitors: 200, buyers: 7 }, { visitors: 200, buyers: 10 })).toEqual(['CONVERSION_DROP']);
    expect(rules({ visitors: 200, buyers: 8 }, { visitors: 200, buyers: 10 })).toEqual([]);
    expect(rules({ visitors: 199, buyers: 1 }, { visitors: 200, buyers: 10 })).toEqual([]);
  });

  it('flags traffic down 40 % from at least 500 visitors', () => {
    expect(rules({ visitors: 300 }, { visitors: 500 })).toEqual(['TRAFFIC_DROP']);
    expect(rules({ visitors: 301 }, { visitors: 500 })).toEqual([]);
    expect(rules({ visitors: 0 }, { visitors: 499 })).toEqual([]);
  });

  it('flags a refund rate of 8 % with 30 paid orders, not with 29', () => {
    expect(rules({ ordersPaid: 50, refundedOrders: 4 }, {})).toEqual(['REFUND_RATE_SPIKE']);
    expect(rules({ ordersPaid: 50, refundedOrders: 3 }, {})).toEqual([]);
    expect(rules({ ordersPaid: 29, refundedOrders: 29 }, {})).toEqual([]);
  });

  it('flags ROI below 1 once the day spent ¥200, never without spend', () => {
    expect(rules({ spendFen: 20_000, gmvFen: 19_999 }, {})).toEqual(['ROI_BELOW_ONE']);
    expect(rules({ spendFen: 20_000, gmvFen: 20_000 }, {})).toEqual([]);
    expect(rules({ spendFen: 19_999, gmvFen: 0 }, {})).toEqual([]);
    expect(rules({ gmvFen: 100 }, {})).toEqual([]);
  });

  it('says an ROI just below 1 as below 1: cut to two decimals, not rounded up to "1.00"', () => {
    const [anomaly] = dailyAnomalies(day({ spendFen: 20_000, gmvFen: 19_900 }), day({}));
    expect(anomaly?.message).toMatch(/^ROI 0\.99 低于 1/);
    expect(anomaly?.messageEn).toMatch(/^ROI 0\.99 is under 1: pause or cut/);
  });

  it('words every rule in English too, with the same figures and no Chinese', () => {
    const found = dailyAnomalies(
      day({ visitors: 1_000, buyers: 10, ordersPaid: 40, refundedOrders: 8, spendFen: 100_000, gmvFen: 50_000 }),
      day({ visitors: 2_000, buyers: 60 }),
    );
    expect(found.map((a) => a.rule)).toEqual(['CONVERSION_DROP', 'TRAFFIC_DROP', 'REFUND_RATE_SPIKE', 'ROI_BELOW_ONE']);
    expect(found.map((a) => a.messageEn)).toEqual([
      'Conversion 1.0% against 3.0% the day before: down 66.7% (threshold 30.0%)',
      '1000 visitors against 2000 the day before: down 50.0% (threshold 40.0%)',
      'Refund rate 20.0% (8 of 40 orders); threshold 8.0%',
      "ROI 0.50 is under 1: pause or cut this channel's spend",
    ]);
    for (const a of found) expect(a.messageEn).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/);
  });
});
