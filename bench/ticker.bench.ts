/**
 * Live ticks with many topics: how long one tick takes to recompute N distinct live topics (one per
 * shop: the screens of many merchants, or of one merchant's shops side by side), computed one at a time
 * (concurrency 1, the ticker before 2026-12-04) against a few at a time, measured side by side in one run
 * on the same database and data, the sides taking turns.
 * Target: a tick with 100 topics at least 1.3× faster than one at a time; a tick that outgrows TICK_MS
 * delays every screen's next figure.
 * Run: npm run bench:ticker [-- --shops 100 --sessions 30000 --rounds 12 --concurrency 1,2,4,8 --pool 10]
 *
 * In process: the topics are the `liveMetrics` sources the subscriptions use (totals and overdue
 * shipments of the shop's day), over events ingested through ingestEvents; no sockets, so the figure is
 * the database and JavaScript work of a tick alone.
 */
import { SYSTEM } from '../server/src/auth/viewer.js';
import { liveMetricsKey, liveMetricsSource } from '../server/src/modules/metrics/live-metrics.js';
import type { EventInput } from '../server/src/modules/ingest/ingest.parse.js';
import { ingestEvents } from '../server/src/modules/ingest/ingest.service.js';
import { Ticker } from '../server/src/realtime/ticker.js';
import { buildStream, chunks, type StreamShop } from '../server/test/event-stream.js';
import { gid, insertShop, insertSku } from '../server/test/fixtures.js';
import { arg, median, report, startBenchDatabase } from './bench-util.js';

const SHOPS = Number(arg('shops', '100'));
const SESSIONS = Number(arg('sessions', '30000'));
const ROUNDS = Number(arg('rounds', '12'));
const CONCURRENCY = arg('concurrency', '1,2,4,8').split(',').map(Number);
const POOL = Number(arg('pool', '10'));
/** The day's first 10 hours have traffic (sessions run on past them); the screens look at noon Shanghai. */
const DAY_START = new Date('2026-11-10T16:00:00Z');
const NOW = new Date(DAY_START.getTime() + 12 * 3_600_000);

const { database, stop } = await startBenchDatabase(POOL);
try {
  const db = database.db;
  const shops: (StreamShop & { id: string })[] = [];
  for (let i = 0; i < SHOPS; i++) {
    const shop = await insertShop(db, `店铺 ${i}`, (['TMALL', 'JD', 'DOUYIN', 'PINDUODUO'] as const)[i % 4]);
    const skus = await Promise.all([990, 12_900, 45_000].map(async (price, k) => ({ gid: gid('Sku', (await insertSku(db, shop.id, `S${k}`, price)).sku.id), priceFen: price })));
    shops.push({ id: shop.id, gid: gid('Shop', shop.id), skus, campaignGid: null });
  }
  const stream = buildStream({ seed: 11, sessions: SESSIONS, start: DAY_START, hours: 10, shops });
  const started = performance.now();
  const inputs = stream.events.map((e) => ({ ...(e as unknown as EventInput), occurredAt: new Date(e.occurredAt as string) }));
  for (const batch of chunks(inputs, 2_000)) {
    const result = await ingestEvents(db, SYSTEM, batch, NOW, { announce: null });
    if (result.accepted !== batch.length) throw new Error(`ingest failed: ${JSON.stringify(result.userErrors.slice(0, 3))}`);
  }
  console.log(`ingested ${stream.events.length} events over ${SHOPS} shops in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // One ticker per side, each with a topic per shop and one subscriber each, warmed by their first tick.
  const sides = await Promise.all(
    CONCURRENCY.map(async (concurrency) => {
      const ticker = new Ticker({ intervalMs: 3_600_000, now: () => NOW, heartbeatMs: 3_600_000, concurrency, onError: (error) => console.error(error) });
      for (const shop of shops) {
        const scope = { shopIds: [shop.id] };
        ticker.subscribe(`${concurrency}:${liveMetricsKey(SYSTEM, scope, 'TODAY')}`, await liveMetricsSource(db, SYSTEM, scope, 'TODAY', { minuteRollupsDays: 90 }));
      }
      await ticker.tick();
      return { concurrency, ticker, ms: [] as number[] };
    }),
  );
  for (let round = 0; round < ROUNDS; round++) {
    // Taking turns: each side goes first in some rounds, so none always runs on a warmer cache.
    const order = sides.map((_, i) => sides[(i + round) % sides.length]!);
    for (const side of order) {
      side.ticker.markChanged();
      const start = performance.now();
      await side.ticker.tick();
      side.ms.push(performance.now() - start);
      if (side.ticker.stats().computationsLastTick !== SHOPS) throw new Error(`a tick computed ${side.ticker.stats().computationsLastTick} topics, not ${SHOPS}`);
    }
  }
  const serial = sides.find((s) => s.concurrency === 1);
  report(`one tick of ${SHOPS} live topics (median of ${ROUNDS} rounds, pool of ${POOL} connections)`, [
    ...sides.map((side): [string, string] => [
      `concurrency ${side.concurrency}: ms per tick (range)`,
      `${median(side.ms).toFixed(1)} (${Math.min(...side.ms).toFixed(1)}–${Math.max(...side.ms).toFixed(1)})` +
        (serial && side !== serial ? `, ${(median(serial.ms) / median(side.ms)).toFixed(2)}× one at a time (rounds ${side.ms.map((ms, i) => (serial.ms[i]! / ms).toFixed(2)).join(' ')})` : ''),
    ]),
  ]);
  for (const side of sides) await side.ticker.stop();
} finally {
  await stop();
}
