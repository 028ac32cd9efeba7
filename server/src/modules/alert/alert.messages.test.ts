import { describe, expect, it } from 'vitest';
import { roiText } from '../metrics/metrics.formulas.js';
import { roiBelowOneWords } from './alert.messages.js';

describe('an ROI alert’s sentence', () => {
  // The screens print the alert's value (GMV / spend) beside this sentence, cut the same way
  // (client/src/features/alerts/alert-figures.test.ts has these figures too): 0.165 and 1/6 are 0.16 on both.
  it('quotes the ROI cut to two decimals, as the figure beside it: 0.165 and 1/6 read ROI 0.16', () => {
    const words = (gmvFen: number, spendFen: number) => roiBelowOneWords({ roi: roiText({ gmvFen, spendFen }), spendFen, gmvFen, period: 'today' });
    expect(words(1_650, 10_000).message).toBe('今日 ROI 0.16：花费 ¥100.00，归因 GMV ¥16.50；ROI < 1 建议暂停或调减该渠道投放');
    expect(words(1_000, 6_000).messageEn).toBe('ROI 0.16 today: spend ¥60.00, attributed GMV ¥10.00; under 1: pause or cut spend');
    expect(words(19_900, 20_000).messageEn).toMatch(/^ROI 0\.99 today/);
  });
});
