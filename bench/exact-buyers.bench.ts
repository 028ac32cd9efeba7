/**
 * What counting buyers exactly costs a metrics read (server/src/modules/metrics/exact-buyers.ts).
 *
 *   npm run bench:exact-buyers -- --orders 1000,10000 --samples 200
 *
 * One shop's day with N paid orders from 0.8·N customers (orders, customers and consistent rollups, on a
 * throwaway PostgreSQL). Each sample reads the day's totals cold (the totals cache emptied), as a tick
 * after a payment does: A counts the buyers from the orders (their count forgotten), B finds the count
 * remembered (a tick with no payment: the rollups only). Samples alternate A and B; prints A / B.
 * A live topic pays A only in ticks that paid an order, and never past EXACT_BUYERS_MAX_ORDERS.
 */
import { sql } from 'drizzle-orm';
import { SYSTEM } from '../server/src/auth/viewer.js';
import { EXACT_BUYERS_MAX_ORDERS, forgetExactBuyers } from '../server/src/modules/metrics/exact-buyers.js';
import { loadTotals, scopeConditions } from '../server/src/modules/metrics/metrics.service.js';
import { insertRollups, type RollupActivity } from '../server/src/modules/metrics/metrics.test-fixtures.js';
import { totalsCacheOf } from '../server/src/modules/metrics/totals.cache.js';
import { resolveWindow } from '../server/src/modules/metrics/metrics.window.js';
import { insertShop } from '../server/test/fixtures.js';
import { arg, median, percentile, report, startBenchDatabase } from './bench-util.js';

const SIZES = arg('orders', '1000,10000').split(',').map(Number);
const SAMPLES = Number(arg('samples', '200'));
const DAY = new Date('2026-11-10T16:00:00Z'); // 11-11 00:00 Shanghai

const { database, stop } = await startBenchDatabase();
const db = database.db;
try {
  for (const n of SIZES) {
    if (n > EXACT_BUYERS_MAX_ORDERS) throw new Error(`--orders ${n}: past ${EXACT_BUYERS_MAX_ORDERS} the count is never taken`);
    await db.execute(sql`truncate orders, customers, metric_rollups, shops cascade`);
    const shop = await insertShop(db, `店 ${n}`);
    const customers = Math.ceil(n * 0.8);
    await db.execute(sql`insert into customers (shop_id, external_id) select ${shop.id}, 'c' || i from generate_series(1, ${customers}) i`);
    // Order i is paid at minute i mod 1440 of the day by customer i mod customers.
    await db.execute(sql`insert into orders (shop_id, external_id, channel, source, status, amount_fen, placed_at, paid_at, customer_id)
      select ${shop.id}, 'o' || i, 'TMALL', (array['SEARCH','PAID','SOCIAL']::traffic_source[])[1 + i % 3], 'PAID', 9900,
        ${DAY.toISOString()}::timestamptz + (i % 1440) * interval '1 minute', ${DAY.toISOString()}::timestamptz + (i % 1440) * interval '1 minute',
        (select id from customers where shop_id = ${shop.id} and external_id = 'c' || (1 + i % ${customers}))
      from generate_series(0, ${n - 1}) i`);
    const activities: RollupActivity[] = Array.from({ length: n }, (_, i) => ({
      at: new Date(DAY.getTime() + (i % 1440) * 60_000),
      shopId: shop.id,
      source: (['SEARCH', 'PAID', 'SOCIAL'] as const)[i % 3],
      counters: { ordersPaid: 1, gmvFen: 9900 },
      buyers: [`c${1 + (i % customers)}`],
    }));
    await insertRollups(db, activities);
    await db.execute(sql`analyze`);

    const scope = scopeConditions(SYSTEM, { shopIds: [shop.id] });
    const window = resolveWindow(DAY, new Date(DAY.getTime() + 86_400_000));
    const read = async (exact: boolean) => {
      totalsCacheOf(db).clear();
      if (exact) forgetExactBuyers(db);
      const started = performance.now();
      const totals = await loadTotals(db, scope, window);
      const ms = performance.now() - started;
      if (totals.all.ordersPaid !== n || totals.all.buyers !== customers) throw new Error(`read ${totals.all.ordersPaid} orders, ${totals.all.buyers} buyers`);
      return ms;
    };
    for (let i = 0; i < 20; i++) await read(i % 2 === 0); // warm both paths and the prepared statements
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      if (i % 2 === 0) {
        a.push(await read(true));
        b.push(await read(false));
      } else {
        b.push(await read(false));
        a.push(await read(true));
      }
    }
    report(`${n.toLocaleString('en-US')} paid orders, ${customers.toLocaleString('en-US')} buyers, one day, cold totals`, [
      ['A: buyers counted from the orders, p50 / p95 (ms)', `${median(a).toFixed(2)} / ${percentile(a, 95).toFixed(2)}`],
      ['B: count remembered (rollups only), p50 / p95 (ms)', `${median(b).toFixed(2)} / ${percentile(b, 95).toFixed(2)}`],
      ['A / B (p50)', `${(median(a) / median(b)).toFixed(2)}×`],
    ]);
  }
} finally {
  await stop();
}
