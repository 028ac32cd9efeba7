import { describe, expect, it } from 'vitest';
import { roiText } from '../metrics/metrics.formulas.js';
import { behindPaceWords, milestoneOverdueWords, roiBelowOneWords } from './alert.messages.js';

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

describe('the figures an alert’s sentence quotes, as the screens write them beside it', () => {
  it('cuts a ratio: a pace of 0.8996 reads 89.9%, behind the 90 % line it is behind', () => {
    expect(behindPaceWords({ actualFen: 89_960, plannedFen: 100_000, pace: 0.8996 }).message).toBe('截至目前 GMV ¥899.60，按计划应达 ¥1,000.00，进度 89.9%');
    expect(behindPaceWords({ actualFen: 57, plannedFen: 100, pace: 0.57 }).messageEn).toMatch(/: 57\.0% of plan$/);
  });

  it('says days late with one decimal, as 当前 8.6 天 beside it: never 9 天', () => {
    expect(milestoneOverdueWords({ lateHours: 206.8, owner: '赵敏', completionStandard: '排期表发布' }).message).toBe('关键节点已逾期 8.6 天（负责人：赵敏，完成标准：排期表发布）');
    expect(milestoneOverdueWords({ lateHours: 48, owner: 'A', completionStandard: 'B' }).messageEn).toMatch(/^Milestone 48 h overdue/);
  });

  it('words a ROI alert that is clearing without the advice to pause', () => {
    const words = roiBelowOneWords({ roi: '1.65', spendFen: 20_000_000, gmvFen: 33_000_000, period: 'today', recovered: true });
    expect(words.message).toBe('今日 ROI 1.65：花费 ¥200,000.00，归因 GMV ¥330,000.00；已回升，观察中，暂不需调整');
    expect(words.messageEn).not.toMatch(/pause/);
  });
});
