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
 *
 *   npm run bench:exact-buyers -- --alert-shops 50 --alert-orders 2000 --samples 40
 *
 * The alert engine's CONVERSION_DROP (exactBuyersByShop): S shops with N paid orders each in the hour it
 * judges, S·N within EXACT_BUYERS_BY_SHOP_BUDGET. A: loadRuleInputs with every shop's count forgotten (the
 * first evaluation of a minute), B: with the counts remembered (every other evaluation of that minute).
 */
import { sql } from 'drizzle-orm';
import { SYSTEM } from '../server/src/auth/viewer.js';
import { loadRuleInputs } from '../server/src/modules/alert/rules/rule-inputs.js';
import { EXACT_BUYERS_BY_SHOP_BUDGET, EXACT_BUYERS_MAX_ORDERS, forgetExactBuyers } from '../server/src/modules/metrics/exact-buyers.js';
import { loadTotals, scopeConditions } from '../server/src/modules/metrics/metrics.service.js';
import { insertRollups, type RollupActivity } from '../server/src/modules/metrics/metrics.test-fixtures.js';
import { totalsCacheOf } from '../server/src/modules/metrics/totals.cache.js';
import { resolveWindow } from '../server/src/modules/metrics/metrics.window.js';
import { insertShop } from '../server/test/fixtures.js';
import { arg, median, percentile, report, startBenchDatabase } from './bench-util.js';

const ALERT_SHOPS = Number(arg('alert-shops', '0'));
const ALERT_ORDERS = Number(arg('alert-orders', '2000'));
const SIZES = ALERT_SHOPS > 0 ? [] : arg('orders', '1000,10000').split(',').map(Number);
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
  if (ALERT_SHOPS > 0) await alertEngineCount();
} finally {
  await stop();
}

/** A and B taking turns; prints their p50 / p95 and A / B. */
async function compare(title: string, a: () => Promise<number>, b: () => Promise<number>) {
  for (let i = 0; i < 6; i++) await (i % 2 === 0 ? a() : b());
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  report(title, [
    ['A: counted, p50 / p95 (ms)', `${median(as).toFixed(2)} / ${percentile(as, 95).toFixed(2)}`],
    ['B: remembered, p50 / p95 (ms)', `${median(bs).toFixed(2)} / ${percentile(bs, 95).toFixed(2)}`],
    ['A / B (p50)', `${(median(as) / median(bs)).toFixed(2)}×`],
  ]);
}

async function alertEngineCount() {
  if (ALERT_SHOPS * ALERT_ORDERS > EXACT_BUYERS_BY_SHOP_BUDGET) throw new Error(`past ${EXACT_BUYERS_BY_SHOP_BUDGET} orders in all some shops keep the estimate`);
  await db.execute(sql`truncate orders, customers, metric_rollups, shops cascade`);
  const now = new Date('2026-11-11T12:00:30Z');
  const hourAgo = new Date('2026-11-11T11:00:00Z');
  for (let s = 0; s < ALERT_SHOPS; s++) {
    const activities: RollupActivity[] = [];
    const shop = await insertShop(db, `店 ${s}`);
    const customers = Math.ceil(ALERT_ORDERS * 0.8);
    await db.execute(sql`insert into customers (shop_id, external_id) select ${shop.id}, 'c' || i from generate_series(1, ${customers}) i`);
    await db.execute(sql`insert into orders (shop_id, external_id, channel, source, status, amount_fen, placed_at, paid_at, customer_id)
      select ${shop.id}, 'o' || i, 'TMALL', 'SEARCH', 'PAID', 9900,
        ${hourAgo.toISOString()}::timestamptz + (i % 60) * interval '1 minute', ${hourAgo.toISOString()}::timestamptz + (i % 60) * interval '1 minute',
        (select id from customers where shop_id = ${shop.id} and external_id = 'c' || (1 + i % ${customers}))
      from generate_series(0, ${ALERT_ORDERS - 1}) i`);
    for (let i = 0; i < ALERT_ORDERS; i++) {
      activities.push({ at: new Date(hourAgo.getTime() + (i % 60) * 60_000), shopId: shop.id, counters: { ordersPaid: 1, gmvFen: 9900, visits: 10 }, buyers: [`c${1 + (i % customers)}`] });
    }
    await insertRollups(db, activities); // a shop at a time: one statement's parameters are bounded
  }
  await db.execute(sql`analyze`);
  const load = async (counted: boolean) => {
    if (counted) forgetExactBuyers(db);
    const started = performance.now();
    const inputs = await loadRuleInputs(db, now, [], { stockCeiling: 50 });
    const ms = performance.now() - started;
    const expected = Math.ceil(ALERT_ORDERS * 0.8);
    if (inputs.shops.length !== ALERT_SHOPS || inputs.shops.some((shop) => shop.recent.buyers !== expected)) throw new Error('buyers not counted exactly');
    return ms;
  };
  await compare(
    `the alert engine's inputs, ${ALERT_SHOPS} shops × ${ALERT_ORDERS.toLocaleString('en-US')} paid orders in the hour CONVERSION_DROP judges`,
    () => load(true),
    () => load(false),
  );
}
