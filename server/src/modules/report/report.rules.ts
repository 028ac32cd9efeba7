import { pct, type Worded } from '../../lib/locale.js';
import { RULES, type RuleSettingsIndex, type ShopRule } from '../alert/rules/rule-settings.js';
import { conversionRate, refundRate, roi, roiText, type Figures } from '../metrics/metrics.formulas.js';

/**
 * The daily form of the alert thresholds (docs/REPORTS.md): the levels the shop's alert rules are set to
 * (the same settings the alert engine judges its rolling windows by), judged here on whole Asia/Shanghai
 * days against the day before. Each rule has a sample floor so a quiet source cannot be flagged by a
 * handful of visitors. TRAFFIC_DROP has no alert rule: its levels are fixed here.
 */
export const DAILY_ANOMALY_RULES = ['CONVERSION_DROP', 'TRAFFIC_DROP', 'REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'] as const;
export type DailyAnomalyRule = (typeof DAILY_ANOMALY_RULES)[number];

/** The daily rules that are an alert rule's daily form: their levels are that rule's, as set for the shop. */
export const DAILY_RULES_OF_ALERTS = ['CONVERSION_DROP', 'REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'] as const satisfies readonly DailyAnomalyRule[] & readonly ShopRule[];
type DailyRuleOfAlert = (typeof DAILY_RULES_OF_ALERTS)[number];

/**
 * A rule's level and sample floor, in the alert rule's units: CONVERSION_DROP's share of the previous day's
 * conversion lost (0.3 = 30 % lower) on at least `minSample` visitors both days; REFUND_RATE_SPIKE's refunded
 * / paid orders of the day on at least `minSample` paid orders; ROI_BELOW_ONE's ROI (GMV / spend) below it
 * once the day spent `minSample` yuan.
 */
export interface DailyLevel {
  threshold: number;
  minSample: number;
}
export type DailyLevels = Record<DailyRuleOfAlert, DailyLevel>;

/** The installation's built-in levels: the alert rules' defaults. */
export const DEFAULT_DAILY_LEVELS: DailyLevels = {
  CONVERSION_DROP: pick(RULES.CONVERSION_DROP.defaults),
  REFUND_RATE_SPIKE: pick(RULES.REFUND_RATE_SPIKE.defaults),
  ROI_BELOW_ONE: pick(RULES.ROI_BELOW_ONE.defaults),
};

/** A shop's levels as its alert rules resolve (a campaign under way over it, the shop, the installation, the default). */
export function dailyLevels(settings: RuleSettingsIndex, shopId: string): DailyLevels {
  return {
    CONVERSION_DROP: pick(settings.resolveForShop('CONVERSION_DROP', shopId)),
    REFUND_RATE_SPIKE: pick(settings.resolveForShop('REFUND_RATE_SPIKE', shopId)),
    ROI_BELOW_ONE: pick(settings.resolveForShop('ROI_BELOW_ONE', shopId)),
  };
}

function pick(settings: DailyLevel): DailyLevel {
  return { threshold: settings.threshold, minSample: settings.minSample };
}

/** Visitors fell by at least this share vs the previous day… */
export const TRAFFIC_DROP_THRESHOLD = 0.4;
/** …which had at least this many visitors. */
export const TRAFFIC_DROP_MIN_VISITORS = 500;

/** A rule that flagged the day, and why in words (Chinese, and English for `message(locale: EN)`). */
export interface DailyAnomaly extends Worded {
  rule: DailyAnomalyRule;
}
/** Relative fall from `was` to `now`; 0 when it rose or there was nothing before. */
const fall = (was: number, now: number) => (was > 0 ? Math.max(0, (was - now) / was) : 0);

/** Which rules flag a day's figures against the previous day's, at the shop's levels. Pure; the order is DAILY_ANOMALY_RULES. */
export function dailyAnomalies(day: Figures, previousDay: Figures, levels: DailyLevels): DailyAnomaly[] {
  const found: DailyAnomaly[] = [];
  const conversion = levels.CONVERSION_DROP;
  if (day.visitors >= conversion.minSample && previousDay.visitors >= conversion.minSample) {
    const was = conversionRate(previousDay);
    const now = conversionRate(day);
    const drop = fall(was, now);
    if (drop >= conversion.threshold) {
      found.push({
        rule: 'CONVERSION_DROP',
        message: `转化率 ${pct(now)}，前一日 ${pct(was)}，下降 ${pct(drop)}（阈值 ${pct(conversion.threshold)}）`,
        messageEn: `Conversion ${pct(now)} against ${pct(was)} the day before: down ${pct(drop)} (threshold ${pct(conversion.threshold)})`,
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
  const refund = levels.REFUND_RATE_SPIKE;
  if (day.ordersPaid >= refund.minSample) {
    const r = refundRate(day);
    if (r >= refund.threshold) {
      found.push({
        rule: 'REFUND_RATE_SPIKE',
        message: `退款率 ${pct(r)}（${day.refundedOrders}/${day.ordersPaid} 单），阈值 ${pct(refund.threshold)}`,
        messageEn: `Refund rate ${pct(r)} (${day.refundedOrders} of ${day.ordersPaid} orders); threshold ${pct(refund.threshold)}`,
      });
    }
  }
  const roiLevel = levels.ROI_BELOW_ONE;
  const dayRoi = roi(day);
  if (dayRoi !== null && day.spendFen >= roiLevel.minSample * 100 && dayRoi < roiLevel.threshold) {
    // The manuals' advice is for ROI < 1 (pause the channel); a shop that asks for more is told to cut.
    const losing = dayRoi < 1;
    found.push({
      rule: 'ROI_BELOW_ONE',
      message: `ROI ${roiText(day)} 低于 ${roiLevel.threshold}：${losing ? 'ROI < 1 建议暂停或调减该渠道投放' : '建议调减该渠道投放'}`,
      messageEn: `ROI ${roiText(day)} is under ${roiLevel.threshold}: ${losing ? 'pause or cut' : 'cut'} this channel's spend`,
    });
  }
  return found;
}
