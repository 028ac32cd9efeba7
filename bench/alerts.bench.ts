/**
 * The alert rule engine's cost per evaluation: 50 active campaigns over 4 shops (7 sources each), a
 * day of minute rollups with visitor sketches in the windows the rules compare, 2,000 SKUs (5 % near
 * their line), 250 milestones, 2,000 unshipped orders — on PostgreSQL and PGlite, side by side.
 * Target: an evaluation fits well inside one 1-second tick (ratio evaluation p95 / tick ≤ 0.5), and
 * its database cost is a fixed number of statements, whatever the number of screens watching.
 * Run: npm run bench:alerts [-- --samples 30 --backends postgres,pglite]
 */
import pino from 'pino';
import { openDatabase, type Database } from '../server/src/db/client.js';
import { AlertEngine } from '../server/src/modules/alert/alert.engine.js';
import { campaignMilestones, campaigns } from '../server/src/modules/campaign/campaign.table.js';
import { insertRollups, insertSkuRollups, type RollupActivity } from '../server/src/modules/metrics/metrics.test-fixtures.js';
import { orders } from '../server/src/modules/order/order.table.js';
import { products, skus } from '../server/src/modules/product/product.table.js';
import { shops } from '../server/src/modules/shop/shop.table.js';
import { TRAFFIC_SOURCES } from '../server/src/db/enums.js';
import { arg, median, percentile, report, startBenchDatabase } from './bench-util.js';

const SAMPLES = Number(arg('samples', '30'));
const BACKENDS = arg('backends', 'postgres,pglite').split(',');
const NOW = new Date('2026-11-11T20:00:30+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TICK_MS = 1_000;

async function seed(database: Database) {
  const { db } = database;
  const shopRows = await db
    .insert(shops)
    .values(['TMALL', 'JD', 'DOUYIN', 'PINDUODUO'].map((platform, i) => ({ name: `店 ${i + 1}`, platform: platform as 'TMALL' })))
    .returning();
  const shopIds = shopRows.map((s) => s.id);
  const campaignRows = await db
    .insert(campaigns)
    .values(Array.from({ length: 50 }, (_, i) => ({ name: `双11 会场 ${i + 1}`, startsAt: new Date('2026-11-11T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00'), gmvTargetFen: 50_000_000 + i * 1_000_000, shopIds })))
    .returning();
  await db.insert(campaignMilestones).values(
    campaignRows.flatMap((c, i) =>
      Array.from({ length: 5 }, (_, k) => ({
        campaignId: c.id,
        name: `节点 ${k + 1}`,
        owner: '张三',
        dueAt: new Date(NOW.getTime() + (k - 2) * HOUR),
        completionStandard: '按时完成',
        riskLevel: (k === 4 && i % 10 === 0 ? 'HIGH' : 'NONE') as 'HIGH',
        highRiskSince: k === 4 && i % 10 === 0 ? new Date(NOW.getTime() - 30 * HOUR) : null,
      })),
    ),
  );
  const productRows = await db
    .insert(products)
    .values(Array.from({ length: 500 }, (_, i) => ({ shopId: shopIds[i % 4]!, name: `商品 ${i}`, category: '家居', role: 'PROFIT' as const })))
    .returning();
  const skuRows = await db
    .insert(skus)
    .values(Array.from({ length: 2_000 }, (_, i) => ({ productId: productRows[i % 500]!.id, shopId: productRows[i % 500]!.shopId, code: `S${i}`, priceFen: 9_900, costFen: 5_000, stock: i % 20 === 0 ? 10 + (i % 60) : 1_000 })))
    .returning();
  await insertSkuRollups(
    db,
    skuRows.filter((_, i) => i % 20 === 0).map((s) => ({ at: new Date(NOW.getTime() - HOUR), shopId: s.shopId, skuId: s.id, gmvFen: 99_000, unitsSold: 10, ordersPaid: 10 })),
  );
  for (let i = 0; i < 2_000; i += 500) {
    await db.insert(orders).values(
      Array.from({ length: 500 }, (_, k) => ({
        shopId: shopIds[(i + k) % 4]!,
        externalId: `U${i + k}`,
        channel: 'TMALL' as const,
        source: 'SEARCH' as const,
        status: 'PAID' as const,
        amountFen: 9_900,
        placedAt: new Date(NOW.getTime() - (20 + ((i + k) % 20)) * HOUR),
        paidAt: new Date(NOW.getTime() - (20 + ((i + k) % 20)) * HOUR),
      })),
    );
  }
  // A day of minutes per shop × source, each minute credited to one of the campaigns; the two windows
  // conversion compares (the last hour, the same hour yesterday) carry visitor and buyer sketches.
  const activities: RollupActivity[] = [];
  for (let m = 25 * 60; m >= 1; m--) {
    const at = new Date(NOW.getTime() - m * MINUTE);
    const sketched = m <= 61 || (m >= 24 * 60 && m <= 24 * 60 + 61);
    for (const shopId of shopIds) {
      for (const source of TRAFFIC_SOURCES) {
        const visitors = sketched ? Array.from({ length: 8 }, (_, v) => `${shopId}-${source}-${m}-${v}`) : undefined;
        activities.push({
          at,
          shopId,
          source,
          campaignId: campaignRows[m % 50]!.id,
          counters: { visits: 8, pageViews: 20, ordersPaid: 1, gmvFen: 9_900, refundedOrders: m % 40 === 0 ? 1 : 0, spendFen: source === 'PAID' ? 12_000 : 0 },
          visitors,
          buyers: visitors?.slice(0, m > 61 ? 1 : 0),
        });
      }
    }
  }
  for (let i = 0; i < activities.length; i += 400) await insertRollups(db, activities.slice(i, i + 400));
}

async function measure(name: string, database: Database) {
  await seed(database);
  const engine = new AlertEngine({ db: database.db, logger: pino({ level: 'silent' }), now: () => NOW, onEvents: () => {} });
  const first = await engine.evaluate();
  const times: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const before = database.queryCount();
    const started = performance.now();
    await engine.evaluate();
    times.push(performance.now() - started);
    queries.push(database.queryCount() - before);
  }
  report(`alert rule evaluation — ${name}`, [
    ['alerts raised by the first evaluation', first.length],
    ['findings per evaluation', engine.stats.lastFindings],
    ['evaluation p50 (ms)', median(times).toFixed(1)],
    ['evaluation p95 (ms)', percentile(times, 95).toFixed(1)],
    ['database statements per evaluation (steady state)', median(queries)],
    [`ratio p95 / tick (${TICK_MS} ms), target ≤ 0.5`, (percentile(times, 95) / TICK_MS).toFixed(3)],
  ]);
}

if (BACKENDS.includes('postgres')) {
  const { database, stop } = await startBenchDatabase(10);
  try {
    await measure('PostgreSQL', database);
  } finally {
    await stop();
  }
}
if (BACKENDS.includes('pglite')) {
  const database = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await database.migrate();
    await measure('PGlite (embedded)', database);
  } finally {
    await database.close();
  }
}
