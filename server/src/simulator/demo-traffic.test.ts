import { count, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertCustomer, insertShop, insertSku } from '../../test/fixtures.js';
import { events, orders } from '../db/tables.js';
import { demoConsistency } from '../demo/demo.consistency.js';
import { startDemoTraffic } from './demo-traffic.js';

describeEachBackend('demo traffic in the server process', (backend) => {
  beforeEach(async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店', 'TMALL');
    for (const [i, price] of [990, 5_900, 19_900].entries()) await insertSku(db, shop.id, `TM-${i}`, price);
    await insertCustomer(db, shop.id, 'c-000001');
    await db.execute(sql`update products set created_at = now() - interval '30 days'`);
  });

  it('sends each second’s traffic through the ingest service, logs what it sent, and stops before the database closes', async () => {
    const { db } = backend();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const traffic = await startDemoTraffic({ db, logger, rate: 300, tickMs: 100, logEveryMs: 500 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await traffic.stop();

    const [stored] = await db.select({ n: count() }).from(events);
    expect(stored!.n).toBeGreaterThan(200);
    const check = await demoConsistency(db);
    expect(check.paidOrders).toBeGreaterThan(0);
    expect(check.rollupGmvFen).toBe(check.paidOrdersGmvFen);
    expect([check.spendMismatches, check.ordersWithoutEvents]).toEqual([0, 0]);
    expect(lines.some((l) => /simulator: \d+ events accepted in \d+ s .* GMV sent ¥\d+\.\d\d/.test(l))).toBe(true);

    // Stopped means stopped: nothing more arrives.
    const [ordersAtStop] = await db.select({ n: count() }).from(orders);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [ordersLater] = await db.select({ n: count() }).from(orders);
    expect(ordersLater!.n).toBe(ordersAtStop!.n);
  });

  it('does nothing when no shop has anything on sale', async () => {
    const { db } = backend();
    await db.execute(sql`update products set status = 'OFF_SALE'`);
    const lines: string[] = [];
    const traffic = await startDemoTraffic({ db, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), rate: 300, tickMs: 50 });
    await traffic.stop();
    expect(lines.join('')).toContain('no shop has a SKU on sale');
  });
});
