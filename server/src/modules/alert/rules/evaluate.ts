import type { Worded } from '../../../lib/locale.js';
import { planCurve, plannedFenAt } from '../../metrics/campaign-progress.js';
import { conversionRate, rate, roiText } from '../../metrics/metrics.formulas.js';
import {
  behindPaceWords,
  conversionDropWords,
  highRiskWithoutPlanWords,
  lowStockWords,
  milestoneOverdueWords,
  ordersStalledWords,
  rectificationOverdueWords,
  refundSpikeWords,
  roiBelowOneWords,
  unshippedWords,
} from '../alert.messages.js';
import type { AlertSeverity } from '../alert.table.js';
import { campaignPartOf } from '../../campaign/campaign.part.js';
import { isResponsePlanOverdue } from '../../campaign/milestone.service.js';
import type { CampaignRow } from '../../campaign/campaign.table.js';
import { COVER_WINDOW_HOURS, RECENT_WINDOW_MINUTES, STALL_BASELINE_MINUTES, type RuleInputs } from './rule-inputs.js';
import { lowStockLine, RULES, type EffectiveSettings, type EngineRule } from './rule-settings.js';
import { HOUR_MS, MINUTE_MS, shanghaiClock } from '../../../lib/time.js';

/**
 * One subject a rule looked at whose condition holds (`breached`) or sits between the threshold and
 * the clear level (`breached: false`: an open alert stays open, nothing new opens). Subjects that
 * produce no finding, or a `cleared` one, are clear.
 */
export interface Finding extends Worded {
  rule: EngineRule;
  /** `RULE:subject ids`: the alert's dedupe key. */
  key: string;
  shopId: string | null;
  campaignId: string | null;
  /** The shops the subject belongs to (its shop, or every shop of its campaign): who may hear of it. */
  shopIds: readonly string[];
  subject: string;
  breached: boolean;
  /**
   * The condition is back past its clear level: never opens an alert, counts as clear (an open one runs its
   * clear clock and resolves), but an open alert's figures follow it, so the room is not told to pause a
   * channel that has earned back its spend for the ten minutes its alert takes to clear.
   */
  cleared?: true;
  severity: AlertSeverity;
  value: number;
  threshold: number;
  sustainMinutes: number;
  clearMinutes: number;
}

/**
 * Hysteresis on a rule's sample as on its value: an open alert of a rule judged over a rolling window is held
 * while its sample is at least half the floor; only a new one needs the whole floor. Otherwise a bad batch's
 * refund alert resolved as its orders rolled out of the 24 hours and was raised again with the next ones.
 */
export const heldSample = (minSample: number) => Math.ceil(minSample / 2);

/** Judges every rule over the inputs. Pure: the same inputs and clock give the same findings. */
export function evaluateRules(inputs: RuleInputs): Finding[] {
  const { settings } = inputs;
  const findings: Finding[] = [];
  const push = (rule: EngineRule, s: EffectiveSettings, f: Omit<Finding, 'rule' | 'sustainMinutes' | 'clearMinutes'>) =>
    findings.push({ rule, ...f, sustainMinutes: s.sustainMinutes, clearMinutes: RULES[rule].clearMinutes });
  const { now } = inputs;

  for (const shop of inputs.shops) {
    const base = { shopId: shop.id, campaignId: null, shopIds: [shop.id] };

    const conv = settings.resolveForShop('CONVERSION_DROP', shop.id);
    const recent = shop.recent;
    const before = shop.sameWindowYesterday;
    if (conv.enabled && recent.visitors >= heldSample(conv.minSample) && before.visitors >= heldSample(conv.minSample)) {
      const sampled = recent.visitors >= conv.minSample && before.visitors >= conv.minSample;
      const was = conversionRate(before);
      const nowRate = conversionRate(recent);
      const drop = was > 0 ? Math.max(0, (was - nowRate) / was) : 0;
      const cleared = drop <= RULES.CONVERSION_DROP.clearLevel(conv.threshold);
      push('CONVERSION_DROP', conv, {
        ...(cleared ? { cleared: true as const } : {}),
        ...base,
        key: `CONVERSION_DROP:${shop.id}`,
        subject: shop.name,
        breached: !cleared && sampled && drop >= conv.threshold,
        severity: drop >= Math.min(1, conv.threshold * 2) ? 'CRITICAL' : 'WARNING',
        value: drop,
        threshold: conv.threshold,
        ...conversionDropWords({ windowMinutes: RECENT_WINDOW_MINUTES, rate: nowRate, buyers: recent.buyers, visitors: recent.visitors, was, drop }),
      });
    }

    const refund = settings.resolveForShop('REFUND_RATE_SPIKE', shop.id);
    const { ordersPaid, refundedOrders } = shop.last24h;
    if (refund.enabled && ordersPaid >= heldSample(refund.minSample)) {
      const r = rate(refundedOrders, ordersPaid);
      const cleared = r <= RULES.REFUND_RATE_SPIKE.clearLevel(refund.threshold);
      push('REFUND_RATE_SPIKE', refund, {
        ...(cleared ? { cleared: true as const } : {}),
        ...base,
        key: `REFUND_RATE_SPIKE:${shop.id}`,
        subject: shop.name,
        breached: !cleared && ordersPaid >= refund.minSample && r >= refund.threshold,
        severity: r >= refund.threshold * 2 ? 'CRITICAL' : 'WARNING',
        value: r,
        threshold: refund.threshold,
        ...refundSpikeWords({ rate: r, refunded: refundedOrders, paid: ordersPaid, threshold: refund.threshold }),
      });
    }

    for (const line of shop.todayByChannelSource) {
      const roiSettings = settings.resolveForShop('ROI_BELOW_ONE', shop.id);
      if (!roiSettings.enabled || line.spendFen <= 0 || line.spendFen < roiSettings.minSample * 100) continue;
      const roi = line.gmvFen / line.spendFen;
      const cleared = roi >= RULES.ROI_BELOW_ONE.clearLevel(roiSettings.threshold);
      push('ROI_BELOW_ONE', roiSettings, {
        ...base,
        ...(cleared ? { cleared: true as const } : {}),
        key: `ROI_BELOW_ONE:${shop.id}:${line.channel}:${line.source}`,
        subject: `${shop.name} · ${line.channel} · ${line.source}`,
        breached: !cleared && roi < roiSettings.threshold,
        severity: roi < roiSettings.threshold / 2 ? 'CRITICAL' : 'WARNING',
        value: roi,
        threshold: roiSettings.threshold,
        ...roiBelowOneWords({ roi: roiText(line), spendFen: line.spendFen, gmvFen: line.gmvFen, period: 'today', recovered: roi >= roiSettings.threshold }),
      });
    }

    const stalled = settings.resolveForShop('ORDERS_STALLED', shop.id);
    const { lastPaidAt, ordersBefore, yesterday } = shop.stall;
    if (stalled.enabled && lastPaidAt) {
      const silentMinutes = Math.floor((now.getTime() - lastPaidAt.getTime()) / MINUTE_MS);
      // What the shop's own last hour would have brought in the silence: silence is news only against a pace.
      // A pace falls by itself at night: the pace of 01:00 says nothing of 04:00, and a shop paged every night
      // learns to ignore 下单中断. So where yesterday's same hours fell, the orders due fall with them: today's
      // level with yesterday's shape (a Double 11 hour 50× yesterday's keeps its 50×), never more than the pace.
      const atPace = (ordersBefore * silentMinutes) / STALL_BASELINE_MINUTES;
      const compared = yesterday && yesterday.before > 0 ? yesterday : null;
      const shaped = compared ? (ordersBefore * compared.silence) / compared.before : atPace;
      const expected = Math.min(atPace, shaped);
      if (silentMinutes >= stalled.threshold && expected >= stalled.minSample) {
        push('ORDERS_STALLED', stalled, {
          ...base,
          key: `ORDERS_STALLED:${shop.id}`,
          subject: shop.name,
          breached: true,
          // Orders stopped is the manuals' incident (site down): critical from the start, on the incident clock.
          severity: 'CRITICAL',
          value: silentMinutes,
          threshold: stalled.threshold,
          ...ordersStalledWords({ silentMinutes, lastPaidClock: shanghaiClock(lastPaidAt), baseline: ordersBefore, expected, yesterday: compared }),
        });
      }
    }

    const ship = settings.resolveForShop('UNSHIPPED_OVERDUE', shop.id);
    if (ship.enabled) {
      // Counted against this shop's own deadline when loaded (rule-inputs.ts).
      const { overdue, oldestPaidAt } = shop.unshipped;
      if (overdue > 0 && overdue >= ship.minSample && oldestPaidAt) {
        const oldest = oldestPaidAt.getTime();
        push('UNSHIPPED_OVERDUE', ship, {
          ...base,
          key: `UNSHIPPED_OVERDUE:${shop.id}`,
          subject: shop.name,
          breached: true,
          severity: now.getTime() - oldest >= 2 * ship.threshold * HOUR_MS ? 'CRITICAL' : 'WARNING',
          // value and threshold in one unit (orders): the deadline in hours is in the message.
          value: overdue,
          threshold: Math.max(1, ship.minSample),
          ...unshippedWords({ overdue, deadlineHours: ship.threshold, oldestHours: Math.floor((now.getTime() - oldest) / HOUR_MS) }),
        });
      }
    }
  }

  for (const sku of inputs.skus) {
    const s = settings.resolveForShop('LOW_STOCK', sku.shopId);
    if (!s.enabled) continue;
    const line = lowStockLine(settings, sku);
    if (sku.stock >= RULES.LOW_STOCK.clearLevel(line)) continue;
    const perHour = sku.unitsSoldRecently / COVER_WINDOW_HOURS;
    const coverHours = perHour > 0 ? sku.stock / perHour : null;
    push('LOW_STOCK', s, {
      shopId: sku.shopId,
      campaignId: null,
      shopIds: [sku.shopId],
      key: `LOW_STOCK:${sku.id}`,
      subject: `${sku.code} ${sku.productName}`,
      breached: sku.stock <= line,
      // Below zero is an oversell (product.stock.ts): sold out, and worse. A SKU at its line that sold
      // nothing in the window cannot oversell now: still 预警 (the manuals' line), but INFO, so the room
      // meets the SKUs selling out first (the review found ten of thirteen warnings were such SKUs).
      severity: sku.stock <= 0 || (coverHours !== null && coverHours < 1) ? 'CRITICAL' : coverHours === null ? 'INFO' : 'WARNING',
      value: sku.stock,
      threshold: line,
      ...lowStockWords({ stock: sku.stock, line, coverHours, windowHours: COVER_WINDOW_HOURS }),
    });
  }

  for (const { campaign, actualFen, parts } of inputs.campaigns) {
    const s = settings.resolve('GMV_BEHIND_PACE', { campaignId: campaign.id });
    if (!s.enabled) continue;
    const judgePace = (judged: CampaignRow, actual: number, subject: Pick<Finding, 'shopId' | 'shopIds' | 'key' | 'subject'>) => {
      const plannedFen = plannedFenAt(planCurve(judged), now);
      if (plannedFen <= 0 || plannedFen < s.minSample * 100) return;
      const pace = actual / plannedFen;
      const cleared = pace >= RULES.GMV_BEHIND_PACE.clearLevel(s.threshold);
      push('GMV_BEHIND_PACE', s, {
        ...subject,
        ...(cleared ? { cleared: true as const } : {}),
        campaignId: campaign.id,
        breached: !cleared && pace < s.threshold,
        severity: pace < s.threshold - 0.2 ? 'CRITICAL' : 'WARNING',
        value: pace,
        threshold: s.threshold,
        ...behindPaceWords({ actualFen: actual, plannedFen, pace }),
      });
    };
    judgePace(campaign, actualFen, { shopId: null, shopIds: campaign.shopIds, key: `GMV_BEHIND_PACE:${campaign.id}`, subject: campaign.name });
    // Each shop of a split campaign (目标拆解) against its own part: the shop's team is told of its own pace
    // (they may not see the whole), and the room learns which shop holds the whole back.
    for (const part of parts) {
      judgePace(campaignPartOf(campaign, [part.shopId]), part.actualFen, {
        shopId: part.shopId,
        shopIds: [part.shopId],
        key: `GMV_BEHIND_PACE:${campaign.id}:${part.shopId}`,
        subject: `${campaign.name} · ${part.shopName}`,
      });
    }
  }

  for (const { milestone, campaign } of inputs.milestones) {
    const scope = { campaignId: campaign.id };
    const base = { shopId: null, campaignId: campaign.id, shopIds: campaign.shopIds };
    const overdue = settings.resolve('MILESTONE_OVERDUE', scope);
    const lateMs = now.getTime() - milestone.dueAt.getTime();
    if (overdue.enabled && lateMs > overdue.threshold * MINUTE_MS) {
      push('MILESTONE_OVERDUE', overdue, {
        ...base,
        key: `MILESTONE_OVERDUE:${milestone.id}`,
        subject: `${campaign.name} · ${milestone.name}`,
        breached: true,
        severity: milestone.riskLevel === 'HIGH' || lateMs >= 24 * HOUR_MS ? 'CRITICAL' : 'WARNING',
        // Both in hours: how late, and the grace (set in minutes).
        value: lateMs / HOUR_MS,
        threshold: overdue.threshold / 60,
        ...milestoneOverdueWords({ lateHours: lateMs / HOUR_MS, owner: milestone.owner, completionStandard: milestone.completionStandard }),
      });
    }
    const risk = settings.resolve('HIGH_RISK_WITHOUT_PLAN', scope);
    const since = milestone.highRiskSince;
    if (risk.enabled && since && isResponsePlanOverdue(milestone, now, risk.threshold)) {
      const hours = (now.getTime() - since.getTime()) / HOUR_MS;
      push('HIGH_RISK_WITHOUT_PLAN', risk, {
        ...base,
        key: `HIGH_RISK_WITHOUT_PLAN:${milestone.id}`,
        subject: `${campaign.name} · ${milestone.name}`,
        breached: true,
        severity: 'CRITICAL',
        value: hours,
        threshold: risk.threshold,
        ...highRiskWithoutPlanWords({ hours, thresholdHours: risk.threshold, owner: milestone.owner }),
      });
    }
  }

  for (const rect of inputs.overdueRectifications) {
    const s = settings.resolveForShop('RECTIFICATION_OVERDUE', rect.shopId);
    const lateMs = now.getTime() - rect.dueAt.getTime();
    if (!s.enabled || lateMs <= s.threshold * HOUR_MS) continue;
    push('RECTIFICATION_OVERDUE', s, {
      shopId: rect.shopId,
      campaignId: null,
      shopIds: [rect.shopId],
      key: `RECTIFICATION_OVERDUE:${rect.id}`,
      subject: `${rect.shopName} ${rect.date} ${rect.source}`,
      breached: true,
      severity: lateMs >= (s.threshold + 24) * HOUR_MS ? 'CRITICAL' : 'WARNING',
      value: lateMs / HOUR_MS,
      threshold: s.threshold,
      ...rectificationOverdueWords({ date: rect.date, source: rect.source, lateHours: lateMs / HOUR_MS }),
    });
  }
  return findings;
}
