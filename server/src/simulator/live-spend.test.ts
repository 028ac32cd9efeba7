import { describe, expect, it } from 'vitest';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { simulatedTargetRoi } from './demo-traffic.js';
import { LiveSpend } from './live-spend.js';

const START = new Date('2026-11-11T10:00:20+08:00');
const minute = (m: number, s = 0) => new Date(Date.parse('2026-11-11T10:00:00+08:00') + m * 60_000 + s * 1_000);

const paid = (id: string, shopId: string, source: EventInput['source'], amount: string, at: Date): EventInput => ({
  id,
  type: 'ORDER_PAID',
  occurredAt: at,
  shopId,
  source,
  orderId: `o-${id}`,
  customerId: 'c1',
  amount,
});

describe('the simulated ad spend', () => {
  it("spends each whole minute the moving average of what a source sold, divided by the ROI it is set for", () => {
    const spend = new LiveSpend({
      tag: 't',
      shopIds: ['A', 'B'],
      start: START,
      targetRoi: (source) => (source === 'PAID' ? 4 : 0.5),
      campaignAt: (shopId, at) => (shopId === 'A' && at >= minute(1) ? 'C' : null),
    });
    spend.observe([
      paid('1', 'A', 'PAID', '400.00', minute(0, 30)),
      paid('2', 'A', 'SOCIAL', '50.00', minute(0, 40)),
      paid('3', 'A', 'SEARCH', '999.00', minute(0, 45)), // nobody paid for search traffic
      paid('4', 'B', 'PAID', '80.00', minute(0, 50)),
    ]);
    expect(spend.due(minute(0, 59))).toEqual([]); // the minute is not over yet
    expect(spend.due(minute(1, 1))).toEqual([
      { id: `t-spend-${minute(0).getTime().toString(36)}-PAID`, shopId: 'A', spentAt: minute(0), source: 'PAID', campaignId: null, amount: '100.00' },
      { id: `t-spend-${minute(0).getTime().toString(36)}-SOCIAL`, shopId: 'A', spentAt: minute(0), source: 'SOCIAL', campaignId: null, amount: '100.00' },
      { id: `t-spend-${minute(0).getTime().toString(36)}-PAID`, shopId: 'B', spentAt: minute(0), source: 'PAID', campaignId: null, amount: '20.00' },
    ]);
    // A quiet minute still burns budget: the average decays by a tenth. Shop A's campaign has begun.
    expect(spend.due(minute(2)).map((e) => [e.shopId, e.source, e.campaignId, e.amount])).toEqual([
      ['A', 'PAID', 'C', '90.00'],
      ['A', 'SOCIAL', 'C', '90.00'],
      ['B', 'PAID', null, '18.00'],
    ]);
  });

  it('counts a payment once however often it is delivered, and not at all when ingestion refused it', () => {
    const spend = new LiveSpend({ tag: 't', shopIds: ['A'], start: START, targetRoi: () => 1 });
    const payment = paid('1', 'A', 'PAID', '10.00', minute(0, 30));
    spend.observe([payment, { ...payment }, paid('2', 'A', 'PAID', '5.00', minute(0, 31))], new Set([2]));
    spend.observe([{ ...payment }]);
    expect(spend.due(minute(1)).map((e) => e.amount)).toEqual(['10.00']);
  });

  it('sets SOCIAL below ROI 1 most of the time and above it at the top of its swing, PAID well above 1', () => {
    const targets = Array.from({ length: 180 }, (_, m) => simulatedTargetRoi('SOCIAL', minute(m)));
    expect(Math.min(...targets)).toBeLessThan(0.6);
    expect(Math.max(...targets)).toBeGreaterThan(1.1);
    expect(targets.filter((roi) => roi < 1).length).toBeGreaterThan(targets.length / 2);
    expect(simulatedTargetRoi('PAID', minute(0))).toBeGreaterThan(1);
  });
});
