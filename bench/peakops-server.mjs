// First, before graphql loads: production mode for every library (as `npm run start:prod` does).
import '../dist/server/node-env.js';
import pino from 'pino';
import { buildApp } from '../dist/server/app.js';
import { openDatabase } from '../dist/server/db/client.js';
import { setTotalsCacheBytes } from '../dist/server/modules/metrics/totals.cache.js';

/**
 * PeakOps as production runs it — the compiled server from `npm run build:server`, plain `node`, its
 * own process — for bench/peer.bench.ts, so it is measured the way its peer is (bench/peer/server.mjs)
 * and not through tsx, whose transform wraps every named function for its name. Background work that
 * would charge the measured windows (the alert engine, webhook delivery) is off and no request is
 * rate-limited, as in the in-process benchmarks. Prints one line `{"port": …}` when listening.
 *
 * usage: node bench/peakops-server.mjs <postgres url> <pool size> <admin key> [frozen now, ISO]
 * (a frozen clock for benchmarks replaying a fixed day, as the in-process ones pass `now`)
 */
const [url, poolSize, adminKey, frozenNow] = process.argv.slice(2);
if (!url || !poolSize || !adminKey) {
  console.error('usage: peakops-server.mjs <postgres url> <pool size> <admin key> [frozen now]');
  process.exit(2);
}

// PEAKOPS_BENCH_GENERIC_PLANS=off serves without the generic-plan pool (db/generic-plans.ts), for an A/B.
const genericPlanPool = process.env.PEAKOPS_BENCH_GENERIC_PLANS !== 'off';
const database = await openDatabase({ kind: 'postgres', url, maxConnections: Number(poolSize), genericPlanPool });
// PEAKOPS_BENCH_TOTALS_CACHE=off reads every metrics window in full (modules/metrics/totals.cache.ts), for an A/B.
if (process.env.PEAKOPS_BENCH_TOTALS_CACHE === 'off') setTotalsCacheBytes(database.db, 0);
const app = buildApp({
  database,
  env: { NODE_ENV: 'production' },
  logger: pino({ level: 'silent' }),
  adminKey,
  now: () => new Date(),
  rateLimit: { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 },
  webhooks: false,
  alertEngine: { start: false },
  ...(frozenNow ? { now: () => new Date(frozenNow) } : {}),
});
const port = await app.start(0, '127.0.0.1');
// The history job's start-up pass creates the months' partitions in the background; a benchmark that
// empties its tables meanwhile could deadlock with it (TRUNCATE and CREATE TABLE … PARTITION OF both take
// ACCESS EXCLUSIVE locks, in other orders): ready only once it is done.
await app.history?.run();
console.log(JSON.stringify({ port }));

const stop = async () => {
  await app.stop();
  await database.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
