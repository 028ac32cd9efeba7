import { describe, expect, it } from 'vitest';
import type { Figures } from '../metrics/metrics.formulas.js';
import { zeroCounters } from '../metrics/metrics.formulas.js';
import { dailyAnomalies, DEFAULT_DAILY_LEVELS, type DailyLevels } from './report.rules.js';

const day = (f: Partial<Figures>): Figures => ({ ...zeroCounters(), visitors: 0, carters: 0, buyers: 0, ...f });
const rules = (today: Partial<Figures>, before: Partial<Figures>) => dailyAnomalies(day(today), day(before), DEFAULT_DAILY_LEVELS).map((a) => a.rule);

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
    const [anomaly] = dailyAnomalies(day({ spendFen: 20_000, gmvFen: 19_900 }), day({}), DEFAULT_DAILY_LEVELS);
    expect(anomaly?.message).toMatch(/^ROI 0\.99 低于 1/);
    expect(anomaly?.messageEn).toMatch(/^ROI 0\.99 is under 1: pause or cut/);
  });

  it('words every rule in English too, with the same figures and no Chinese', () => {
    const found = dailyAnomalies(
      day({ visitors: 1_000, buyers: 10, ordersPaid: 40, refundedOrders: 8, spendFen: 100_000, gmvFen: 50_000 }),
      day({ visitors: 2_000, buyers: 60 }),
      DEFAULT_DAILY_LEVELS,
    );
    expect(found.map((a) => a.rule)).toEqual(['CONVERSION_DROP', 'TRAFFIC_DROP', 'REFUND_RATE_SPIKE', 'ROI_BELOW_ONE']);
    expect(found.map((a) => a.messageEn)).toEqual([
      'Conversion 1.0% against 3.0% the day before: down 66.6% (threshold 30.0%)',
      '1000 visitors against 2000 the day before: down 50.0% (threshold 40.0%)',
      'Refund rate 20.0% (8 of 40 orders); threshold 8.0%',
      "ROI 0.50 is under 1: pause or cut this channel's spend",
    ]);
    for (const a of found) expect(a.messageEn).not.toMatch(/[\u3000-\u9fff\uff00-\uffef]/);
  });

  it('flags at the shop’s levels where its alert rules set them: a stricter conversion drop, a looser refund rate, an ROI line of 1.2', () => {
    const shop: DailyLevels = {
      CONVERSION_DROP: { threshold: 0.15, minSample: 100 },
      REFUND_RATE_SPIKE: { threshold: 0.2, minSample: 30 },
      ROI_BELOW_ONE: { threshold: 1.2, minSample: 200 },
    };
    const at = (today: Partial<Figures>, before: Partial<Figures>) => dailyAnomalies(day(today), day(before), shop);
    // 20 % lower on 100 visitors: under the default 30 % and 200, over the shop's 15 % and 100.
    expect(at({ visitors: 100, buyers: 8 }, { visitors: 100, buyers: 10 }).map((a) => a.rule)).toEqual(['CONVERSION_DROP']);
    expect(at({ visitors: 100, buyers: 8 }, { visitors: 100, buyers: 10 })[0]?.messageEn).toMatch(/\(threshold 15\.0%\)$/);
    // 10 % refunds: over the default 8 %, under the shop's 20 %.
    expect(at({ ordersPaid: 50, refundedOrders: 5 }, {})).toEqual([]);
    // ROI 1.10: not a loss, but under the shop's 1.2, and said without the manuals' ROI < 1.
    const [roi] = at({ spendFen: 20_000, gmvFen: 22_000 }, {});
    expect(roi).toEqual({ rule: 'ROI_BELOW_ONE', message: 'ROI 1.10 低于 1.2：建议调减该渠道投放', messageEn: "ROI 1.10 is under 1.2: cut this channel's spend" });
  });
});
