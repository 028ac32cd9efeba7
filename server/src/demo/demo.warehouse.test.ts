import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop, insertSku } from '../../test/fixtures.js';
import { SYSTEM } from '../auth/viewer.js';
import { HOUR_MS, MINUTE_MS } from '../lib/time.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { ingestEvents } from '../modules/ingest/ingest.service.js';
import { countUnshippedOverdue } from '../modules/order/order.service.js';
import { orders, refunds } from '../modules/order/order.table.js';
import { FOUND_FROM_MS, FOUND_SPAN_MS, foundInStream, foundLate, GAVE_UP_REASON, sweepForgottenOrders, type ForgottenOrder } from './demo.warehouse.js';

const NOW = new Date('2026-11-20T12:00:00+08:00');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR_MS);
const forgotten = (externalId: string, overrides: Partial<ForgottenOrder> = {}): ForgottenOrder => ({
  shopId: '00000000-0000-4000-8000-000000000001',
  externalId,
  channel: 'TMALL',
  paidAt: hoursAgo(80),
  amountFen: 19_900,
  refundedFen: 0,
  ...overrides,
});
/** The first of TM0001, TM0002 … the warehouse treats as asked. */
const firstId = (kind: 'SHIP' | 'REFUND', shopId: string) => {
  for (let n = 1; ; n++) if (foundLate(forgotten(`TM${n}`, { shopId })).kind === kind) return `TM${n}`;
};

describe('when the warehouse finds a forgotten order', () => {
  it('finds each 30–72 hours after payment, at a time of its own that every look agrees on', () => {
    const all = Array.from({ length: 2_000 }, (_, n) => forgotten(`TM${n}`));
    for (const order of all) {
      const action = foundLate(order);
      const after = action.at.getTime() - order.paidAt.getTime();
      expect(after).toBeGreaterThanOrEqual(FOUND_FROM_MS);
      expect(after).toBeLessThan(FOUND_FROM_MS + FOUND_SPAN_MS);
      expect(foundLate({ ...order })).toEqual(action);
    }
    // Spread over the window, not bunched at one hour.
    const hours = new Set(all.map((o) => Math.floor((foundLate(o).at.getTime() - o.paidAt.getTime()) / HOUR_MS)));
    expect(hours.size).toBe(42);
  });

  it('refunds about four in ten in full, and ships the rest late with a carrier; never refunds an order already partly refunded', () => {
    const all = Array.from({ length: 2_000 }, (_, n) => forgotten(`TM${n}`));
    const refunds = all.map(foundLate).filter((a) => a.kind === 'REFUND');
    expect(refunds.length / all.length).toBeGreaterThan(0.35);
    expect(refunds.length / all.length).toBeLessThan(0.45);
    expect(refunds.every((r) => r.kind === 'REFUND' && r.amountFen === 19_900)).toBe(true);
    const shipped = all.map(foundLate).filter((a) => a.kind === 'SHIP');
    expect(shipped.every((s) => s.kind === 'SHIP' && s.carrier.length > 0 && /^[A-Z0-9]{13,15}$/.test(s.trackingNumber))).toBe(true);
    expect(all.map((o) => foundLate({ ...o, refundedFen: 100 }).kind)).not.toContain('REFUND');
  });
});

describe('the demo history', () => {
  it('starts with its forgotten orders found, as the sweep would have found them, and leaves the rest of the stream alone', () => {
    const shopId = '00000000-0000-4000-8000-000000000001';
    const shopGid = gid('Shop', shopId);
    const paid = (orderId: string, at: Date): EventInput => ({ id: `${orderId}-paid`, type: 'ORDER_PAID', shopId: shopGid, channel: 'TMALL', orderId, occurredAt: at, amount: '199.00' });
    const stream: EventInput[] = [
      paid('FORGOTTEN', hoursAgo(80)),
      paid('FORGOTTEN', hoursAgo(80)), // an at-least-once producer's second delivery
      paid('SHIPPED', hoursAgo(80)),
      { id: 'SHIPPED-shipped', type: 'ORDER_SHIPPED', shopId: shopGid, channel: 'TMALL', orderId: 'SHIPPED', occurredAt: hoursAgo(79) },
      paid('CANCELLED', hoursAgo(80)),
      { id: 'CANCELLED-refund', type: 'ORDER_REFUNDED', shopId: shopGid, channel: 'TMALL', orderId: 'CANCELLED', occurredAt: hoursAgo(79), amount: '199.00', reason: '拍错了/不想要了' },
      paid('RECENT', hoursAgo(10)),
    ];
    const found = foundInStream(stream, NOW);
    const action = foundLate(forgotten('FORGOTTEN', { shopId }));
    expect(found).toEqual([expect.objectContaining({ orderId: 'FORGOTTEN', shopId: shopGid, occurredAt: action.at, type: action.kind === 'SHIP' ? 'ORDER_SHIPPED' : 'ORDER_REFUNDED' })]);
  });
});

describeEachBackend('the demo warehouse sweeps forgotten orders', (backend) => {
  it('ships or refunds what was paid long enough ago and never shipped, leaves the rest, and a second look changes nothing', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫旗舰店');
    const { sku } = await insertSku(db, shop.id, 'SKU-1', 19_900);
    const ship = firstId('SHIP', shop.id);
    const refund = firstId('REFUND', shop.id);
    const events: EventInput[] = [];
    const order = (id: string, paidAt: Date, extra: (base: Omit<EventInput, 'id' | 'type' | 'occurredAt'>) => EventInput[] = () => []) => {
      const base = { shopId: gid('Shop', shop.id), orderId: id, source: 'SEARCH' as const, customerId: `c-${id}` };
      events.push(
        { ...base, id: `${id}-placed`, type: 'ORDER_PLACED', occurredAt: new Date(paidAt.getTime() - MINUTE_MS), items: [{ skuId: gid('Sku', sku.id), quantity: 1, unitPrice: '199.00' }] },
        { ...base, id: `${id}-paid`, type: 'ORDER_PAID', occurredAt: paidAt, amount: '199.00' },
        ...extra(base),
      );
    };
    const longAgo = hoursAgo(80); // past the latest time any order is found (72 hours)
    order(ship, longAgo);
    order(refund, longAgo);
    order('PARTLY', longAgo, (base) => [{ ...base, id: 'PARTLY-refund', type: 'ORDER_REFUNDED', occurredAt: hoursAgo(79), amount: '20.00', reason: '价保补差' }]);
    order('ON-TIME', longAgo, (base) => [{ ...base, id: 'ON-TIME-shipped', type: 'ORDER_SHIPPED', occurredAt: hoursAgo(79.5), carrier: '中通快递', trackingNumber: '7123456789012' }]);
    order('RECENT', hoursAgo(10));
    expect((await ingestEvents(db, SYSTEM, events, NOW, { announce: null })).userErrors).toEqual([]);
    const overdueBefore = await countUnshippedOverdue(db, { orders: undefined }, hoursAgo(24));
    expect(overdueBefore.map((o) => o.count)).toEqual([3]);

    const announced: unknown[] = [];
    const swept = await sweepForgottenOrders(db, NOW, { announce: (counted) => void announced.push(counted) });
    expect(swept).toEqual({ accepted: 3, duplicates: 0, userErrors: [] });
    expect(announced.length).toBeGreaterThan(0); // the war room's tiles hear of it as of any ingested event

    const state = async (id: string) => (await db.select().from(orders).where(eq(orders.externalId, id)))[0]!;
    const expected = (id: string, refundedFen = 0) => foundLate({ shopId: shop.id, externalId: id, channel: 'TMALL', paidAt: longAgo, amountFen: 19_900, refundedFen });
    const shipped = await state(ship);
    expect([shipped.status, shipped.shippedAt]).toEqual(['SHIPPED', expected(ship).at]);
    const gaveUp = await state(refund);
    expect([gaveUp.status, gaveUp.refundedFen, gaveUp.shippedAt]).toEqual(['REFUNDED', 19_900, null]);
    // A partly refunded order is shipped late, not refunded again.
    const partly = await state('PARTLY');
    expect([partly.status, partly.refundedFen, partly.shippedAt]).toEqual(['SHIPPED', 2_000, expected('PARTLY', 2_000).at]);
    // What shipped on time and what is not yet due are left as they were.
    expect((await state('ON-TIME')).shippedAt).toEqual(hoursAgo(79.5));
    expect((await state('RECENT')).shippedAt).toBeNull();
    expect(await countUnshippedOverdue(db, { orders: undefined }, hoursAgo(24))).toEqual([]);

    // The refund says why, as the buyer's own would.
    const [given] = await db.select().from(refunds).where(eq(refunds.orderId, gaveUp.id));
    expect([given?.reason, given?.amountFen]).toEqual([GAVE_UP_REASON, 19_900]);

    expect(await sweepForgottenOrders(db, NOW, { announce: null })).toEqual({ accepted: 0, duplicates: 0, userErrors: [] });
    // Sixty-two hours on, the recent one's time has come too.
    expect((await sweepForgottenOrders(db, new Date(NOW.getTime() + 62 * HOUR_MS), { announce: null })).accepted).toBe(1);
  });
});
