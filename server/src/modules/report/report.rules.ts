import { pct, type Worded } from '../../lib/locale.js';
import { RULES } from '../alert/rules/rule-settings.js';
import { conversionRate, refundRate, roi, roiText, type Figures } from '../metrics/metrics.formulas.js';

/**
 * The daily form of the alert thresholds (docs/REPORTS.md): the same levels the alert engine uses
 * by default on its rolling windows, judged here on whole Asia/Shanghai days against the day before.
 * Each rule has a sample floor so a quiet source cannot be flagged by a handful of visitors.
 */
export const DAILY_ANOMALY_RULES = ['CONVERSION_DROP', 'TRAFFIC_DROP', 'REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'] as const;
export type DailyAnomalyRule = (typeof DAILY_ANOMALY_RULES)[number];

/** Conversion fell by at least this share vs the previous day (0.3 = 30 % lower)… */
export const CONVERSION_DROP_THRESHOLD = RULES.CONVERSION_DROP.defaults.threshold;
/** …with at least this many visitors on both days. */
export const CONVERSION_DROP_MIN_VISITORS = RULES.CONVERSION_DROP.defaults.minSample;
/** Visitors fell by at least this share vs the previous day… */
export const TRAFFIC_DROP_THRESHOLD = 0.4;
/** …which had at least this many visitors. */
export const TRAFFIC_DROP_MIN_VISITORS = 500;
/** Refunded orders / paid orders of the day at or above this… */
export const REFUND_RATE_THRESHOLD = RULES.REFUND_RATE_SPIKE.defaults.threshold;
/** …with at least this many paid orders. */
export const REFUND_RATE_MIN_ORDERS = RULES.REFUND_RATE_SPIKE.defaults.minSample;
/** ROI (GMV / spend) of the day below this… */
export const ROI_THRESHOLD = RULES.ROI_BELOW_ONE.defaults.threshold;
/** …when the day's spend is at least this many yuan. */
export const ROI_MIN_SPEND_YUAN = RULES.ROI_BELOW_ONE.defaults.minSample;

/** A rule that flagged the day, and why in words (Chinese, and English for `message(locale: EN)`). */
export interface DailyAnomaly extends Worded {
  rule: DailyAnomalyRule;
}
/** Relative fall from `was` to `now`; 0 when it rose or there was nothing before. */
const fall = (was: number, now: number) => (was > 0 ? Math.max(0, (was - now) / was) : 0);

/** Which rules flag a day's figures against the previous day's. Pure; the order is DAILY_ANOMALY_RULES. */
export function dailyAnomalies(day: Figures, previousDay: Figures): DailyAnomaly[] {
  const found: DailyAnomaly[] = [];
  if (day.visitors >= CONVERSION_DROP_MIN_VISITORS && previousDay.visitors >= CONVERSION_DROP_MIN_VISITORS) {
    const was = conversionRate(previousDay);
    const now = conversionRate(day);
    const drop = fall(was, now);
    if (drop >= CONVERSION_DROP_THRESHOLD) {
      found.push({
        rule: 'CONVERSION_DROP',
        message: `转化率 ${pct(now)}，前一日 ${pct(was)}，下降 ${pct(drop)}（阈值 ${pct(CONVERSION_DROP_THRESHOLD)}）`,
        messageEn: `Conversion ${pct(now)} against ${pct(was)} the day before: down ${pct(drop)} (threshold ${pct(CONVERSION_DROP_THRESHOLD)})`,
      });
    }
  }
  if (previousDay.visitors >= TRAFFIC_DROP_MIN_VISITORS) {
    const drop = fall(previousDay.visitors, day.visitors);
    if (drop >= TRAFFIC_DROP_THRESHOLD) {
      found.push({
        rule: 'TRAFFIC_DROP',
        message: `访客 ${day.visitors}，前一日 ${previousDay.visitors}，下降 ${pct(drop)}（阈值 ${pct(TRAFFIC_DROP_THRESHOLD)}）`,
        messageEn: `${day.visitors} visitors against ${previousDay.visitors} the day before: down ${pct(drop)} (threshold ${pct(TRAFFIC_DROP_THRESHOLD)})`,
      });
    }
  }
  if (day.ordersPaid >= REFUND_RATE_MIN_ORDERS) {
    const r = refundRate(day);
    if (r >= REFUND_RATE_THRESHOLD) {
      found.push({
        rule: 'REFUND_RATE_SPIKE',
        message: `退款率 ${pct(r)}（${day.refundedOrders}/${day.ordersPaid} 单），阈值 ${pct(REFUND_RATE_THRESHOLD)}`,
        messageEn: `Refund rate ${pct(r)} (${day.refundedOrders} of ${day.ordersPaid} orders); threshold ${pct(REFUND_RATE_THRESHOLD)}`,
      });
    }
  }
  const dayRoi = roi(day);
  if (dayRoi !== null && day.spendFen >= ROI_MIN_SPEND_YUAN * 100 && dayRoi < ROI_THRESHOLD) {
    found.push({
      rule: 'ROI_BELOW_ONE',
      message: `ROI ${roiText(day)} 低于 ${ROI_THRESHOLD}：ROI < 1 建议暂停或调减该渠道投放`,
      messageEn: `ROI ${roiText(day)} is under ${ROI_THRESHOLD}: pause or cut this channel's spend`,
    });
  }
  return found;
}
