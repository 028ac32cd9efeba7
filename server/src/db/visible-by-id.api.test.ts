import { and, inArray } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertCampaign, insertCustomer, insertOrder, insertShop, insertSku, partnerViewer } from '../../test/fixtures.js';
import { shopVisible, SYSTEM } from '../auth/viewer.js';
import { orders } from '../modules/order/order.table.js';
import { skus } from '../modules/product/product.table.js';
import { visibleRowsById } from './visible-by-id.js';

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describeEachBackend('rows by id for a viewer', (backend) => {
  it('reads what the statement built per call reads, for every kind of viewer, and nothing of a shop the viewer does not see', async () => {
    const { db } = backend();
    const tmall = await insertShop(db, '天猫店');
    const jd = await insertShop(db, '京东店', 'JD');
    const a = (await insertSku(db, tmall.id, 'A-1', 1_999)).sku;
    const b = (await insertSku(db, tmall.id, 'B-2', 25_000)).sku;
    const secret = (await insertSku(db, jd.id, 'JD-SECRET', 777)).sku;
    const ids = [a.id, secret.id, b.id, '00000000-0000-4000-8000-000000000000'];
    const viewers = [SYSTEM, partnerViewer([tmall.id]), partnerViewer([jd.id]), partnerViewer([tmall.id, jd.id]), partnerViewer([])];
    // Twice each: the second call runs the statement prepared by the first.
    for (const viewer of [...viewers, ...viewers]) {
      const expected = await db.select().from(skus).where(and(inArray(skus.id, ids), shopVisible(viewer, skus.shopId)));
      expect(byId(await visibleRowsById(db, skus, viewer, ids))).toEqual(byId(expected));
    }
    expect((await visibleRowsById(db, skus, partnerViewer([tmall.id]), ids)).map((s) => s.code).sort()).toEqual(['A-1', 'B-2']);
    expect(await visibleRowsById(db, skus, partnerViewer([]), ids)).toEqual([]);
    // Whole rows, mapped as drizzle maps them (numbers for fen, Dates for instants).
    expect(await visibleRowsById(db, skus, SYSTEM, [a.id])).toEqual([a]);
  });

  it('asks the database nothing for no ids, and runs inside a transaction on its connection', async () => {
    const { db, database } = backend();
    const tmall = await insertShop(db, '天猫店');
    const before = database.queryCount();
    expect(await visibleRowsById(db, skus, SYSTEM, [])).toEqual([]);
    expect(database.queryCount()).toBe(before);
    const { product } = await insertSku(db, tmall.id, 'P');
    const created = await db.transaction(async (tx) => {
      const [sku] = await tx.insert(skus).values({ productId: product.id, shopId: tmall.id, code: 'IN-TX', priceFen: 100, costFen: 50 }).returning();
      // Not yet committed: only this transaction's connection sees the row.
      expect((await visibleRowsById(tx, skus, SYSTEM, [sku!.id])).map((s) => s.code)).toEqual(['IN-TX']);
      return sku!;
    });
    expect((await visibleRowsById(db, skus, SYSTEM, [created.id])).map((s) => s.code)).toEqual(['IN-TX']);
  });

  it('maps every kind of column as drizzle does: instants to the millisecond, fen beyond 2^31, nulls, enums', async () => {
    const { db } = backend();
    const tmall = await insertShop(db, '天猫店');
    const customer = await insertCustomer(db, tmall.id, 'C-1');
    const campaign = await insertCampaign(db, [tmall.id]);
    const at = new Date('2026-11-11T00:00:00.123+08:00');
    const full = await insertOrder(db, { shopId: tmall.id, externalId: 'T-1', placedAt: at, customerId: customer.id, campaignId: campaign.id, status: 'SHIPPED' });
    await db.update(orders).set({ amountFen: 2 ** 40 + 7, refundedFen: 1, shippedAt: new Date(at.getTime() + 1), carrier: '顺丰', trackingNumber: 'SF1', placedEventAt: at });
    const bare = await insertOrder(db, { shopId: tmall.id, externalId: 'T-2', placedAt: at, status: 'PLACED' });
    const expected = await db.select().from(orders);
    const read = await visibleRowsById(db, orders, SYSTEM, [full.id, bare.id]);
    expect(byId(read)).toEqual(byId(expected));
    expect(read.find((o) => o.id === full.id)).toMatchObject({ amountFen: 2 ** 40 + 7, carrier: '顺丰', placedAt: at, customerId: customer.id });
    expect(read.find((o) => o.id === bare.id)).toMatchObject({ paidAt: null, customerId: null, carrier: null });
  });
});
