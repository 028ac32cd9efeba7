import { describe, expect, it } from 'vitest';
import { CHANNELS, TRAFFIC_SOURCES } from '../db/enums.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../lib/time.js';
import { RULES } from '../modules/alert/rules/rule-settings.js';
import { plan618Alerts } from './demo.618.alerts.js';
import { INCIDENTS_618 } from './demo.618.orders.js';
import { plan618Spend } from './demo.618.spend.js';
import { refundEvaluations } from './demo.alerts.js';
import { judge, replay } from './demo.judge.js';
import { buildDemo } from './demo.seed.js';

const NOW = new Date('2026-11-11T04:00:00Z');
const SHOP = { id: '00000000-0000-4000-8000-000000000001', name: '峰值家居拼多多品牌店' };
const REFUND = RULES.REFUND_RATE_SPIKE.defaults;
/** The client reads ROI's subject back as shop · channel · source codes (client/src/features/alerts/alert-subject.ts). */
const ROI_SUBJECT = /^(.+) · ([A-Z_]+) · ([A-Z_]+)$/;

describe('the alerts the demo cans, as the rule engine raises and keeps them', () => {
  it('opens on a breach, keeps the figures current, only raises the severity, and resolves once clear for its minutes', () => {
    const start = Date.parse('2026-06-07T00:00:00Z');
    // Paid and refunded orders per hour: 40 a day, a wave of refunds, then a quiet night under the sample floor.
    const hours = Array.from({ length: 72 }, (_, h) => ({
      at: start + h * HOUR_MS,
      ordersPaid: h < 48 ? (h % 3 === 0 ? 5 : 1) : 0,
      refundedOrders: h >= 20 && h < 30 ? 1 : 0,
    }));
    const alerts = replay(refundEvaluations(SHOP, hours, start, start + 72 * HOUR_MS));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    for (const alert of alerts) {
      expect([alert.rule, alert.subject, alert.dedupeKey]).toEqual(['REFUND_RATE_SPIKE', SHOP.name, `REFUND_RATE_SPIKE:${SHOP.id}`]);
      // Raised at a breach: at least the sample floor of paid orders, at or over the threshold.
      const at = alert.raisedAt!.getTime();
      const window = hours.filter((h) => h.at >= at - DAY_MS && h.at < at);
      const paid = window.reduce((s, h) => s + h.ordersPaid, 0);
      const refunded = window.reduce((s, h) => s + h.refundedOrders, 0);
      expect(paid).toBeGreaterThanOrEqual(REFUND.minSample);
      expect(refunded / paid).toBeGreaterThanOrEqual(REFUND.threshold);
      expect(alert.status).toBe('RESOLVED');
      expect(alert.resolvedAt!.getTime() - alert.clearSince!.getTime()).toBe(RULES.REFUND_RATE_SPIKE.clearMinutes * MINUTE_MS);
    }
    // Under the sample floor nothing is judged, whatever the rate: no alert.
    const quiet = hours.map((h) => ({ ...h, ordersPaid: h.ordersPaid > 1 ? 1 : h.ordersPaid }));
    expect(replay(refundEvaluations(SHOP, quiet, start, start + 72 * HOUR_MS))).toEqual([]);

    // Figures follow the latest finding; a CRITICAL stays CRITICAL when the rate eases off.
    const [high] = judge('REFUND_RATE_SPIKE', new Date(start), { shops: [{ ...SHOP, last24h: { ordersPaid: 40, refundedOrders: 8 } }] });
    const [eased] = judge('REFUND_RATE_SPIKE', new Date(start + HOUR_MS), { shops: [{ ...SHOP, last24h: { ordersPaid: 40, refundedOrders: 3 } }] });
    const [kept] = replay([
      { at: start, finding: high },
      { at: start + HOUR_MS, finding: eased },
      { at: start + 2 * HOUR_MS, finding: undefined },
      { at: start + 3 * HOUR_MS, finding: undefined },
    ]);
    expect([kept!.severity, kept!.value, kept!.message]).toEqual(['CRITICAL', 3 / 40, eased!.message]);
  });

  it("the ended 618's: a refund spike only where the rule's sample floor and threshold held, ROI named by codes the screen names", () => {
    // The full volume: the test loads a quarter of it, at which Pinduoduo never reaches the rule's 30 orders a day.
    const { the618 } = buildDemo(NOW, { scale: 1 });
    const alerts = plan618Alerts(the618, plan618Spend(the618));
    const pdd = the618.shops.find((s) => s.platform === INCIDENTS_618.refundSpike.platform)!;
    const refunds = alerts.filter((a) => a.rule === 'REFUND_RATE_SPIKE');
    expect(refunds.length).toBeGreaterThanOrEqual(1);
    for (const alert of refunds) {
      const at = alert.raisedAt!.getTime();
      const orders = the618.orders.filter((o) => o.shopId === pdd.id);
      const paid = orders.filter((o) => o.paidAt >= at - DAY_MS && o.paidAt < at).length;
      const refunded = orders.filter((o) => o.refund && o.refund.at >= at - DAY_MS && o.refund.at < at).length;
      expect(paid, alert.message).toBeGreaterThanOrEqual(REFUND.minSample);
      expect(refunded / paid, alert.message).toBeGreaterThanOrEqual(REFUND.threshold);
      expect([alert.subject, alert.dedupeKey]).toEqual([pdd.name, `REFUND_RATE_SPIKE:${pdd.id}`]);
    }
    const roi = alerts.filter((a) => a.rule === 'ROI_BELOW_ONE');
    expect(roi).toHaveLength(1);
    for (const alert of roi) {
      const [, shop, channel, source] = ROI_SUBJECT.exec(alert.subject) ?? [];
      const douyin = the618.shops.find((s) => s.id === alert.shopId)!;
      expect([shop, channel], alert.subject).toEqual([douyin.name, douyin.platform]);
      expect([CHANNELS.includes(douyin.platform), (TRAFFIC_SOURCES as readonly string[]).includes(source!)]).toEqual([true, true]);
      expect(alert.dedupeKey).toBe(`ROI_BELOW_ONE:${douyin.id}:${channel}:${source}`);
      // The engine judges today's ROI: raised on the day it overspent, in its words for today.
      expect(alert.message).toMatch(/^今日 ROI \d+\.\d\d：/);
    }
  });
});
