// First: NODE_ENV must be settled before graphql is imported (node-env.ts).
import './node-env.js';
import { buildApp } from './app.js';
import { configuredDatabase, openDatabase } from './db/client.js';
import { openReadReplica } from './db/read-replica.js';
import { startDemo } from './demo/demo.seed.js';
import { EnvError, parseEnv } from './env.js';
import { createLogger } from './logger.js';
import { withinDeadline } from './lib/deadline.js';
import { withoutStatementValues } from './observability/log-errors.js';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { demoAdminKey } from './auth/demo-admin-key.js';
import { countedAnnouncer } from './realtime/pubsub.js';
import { startDemoTraffic, type DemoTraffic } from './simulator/demo-traffic.js';

const DEMO_MESSAGES = {
  created: 'demo data loaded; its 30-day history follows in the background',
  incomplete: 'demo history was interrupted; resending it in the background',
  complete: 'database already has data; demo not loaded',
  other: 'database already has data; demo not loaded (and no simulated traffic: it is not the demo)',
} as const;

/** A stop that takes longer (a webhook send of 10 s, a batch at a lock) exits 1 rather than hang; compose allows 30 s. */
const SHUTDOWN_TIMEOUT_MS = 25_000;

/** The host list of a postgres:// URL, without its credentials (postgres.js takes `h1:5432,h2:5432`, which URL cannot parse). */
function hostsOf(databaseUrl: string): string {
  const rest = databaseUrl.replace(/^postgres(ql)?:\/\//, '');
  return rest.slice(rest.lastIndexOf('@') + 1).split(/[/?]/, 1)[0] || 'DATABASE_URL';
}

/** Set once the configuration is read: a later start-up failure is a log line, not a bare stack. */
let bootLogger: Logger | undefined;

// Boot only: env → db → migrate → demo → serve → demo history and traffic. Everything else lives in buildApp().
async function main() {
  const env = parseEnv();
  const logger = createLogger(env);
  bootLogger = logger;
  // Only when asked: DEMO=true (production, the image) or --demo (`npm start`, the README's first command).
  const demo = env.DEMO || process.argv.includes('--demo');
  const database = await openDatabase(configuredDatabase(env));
  const readReplica = env.DATABASE_READ_URL ? openReadReplica(env.DATABASE_READ_URL, { statementTimeoutMs: env.STATEMENT_TIMEOUT_MS }) : undefined;
  // The first answer: a host that drops packets is waited for at most this long, then named. Only the
  // first: migrations may wait for another instance's, and take what they take.
  const timeout = env.DATABASE_CONNECT_TIMEOUT_SECONDS;
  const where = env.DATABASE_URL ? hostsOf(env.DATABASE_URL) : env.DATA_DIR;
  await withinDeadline(
    database.db.execute(sql`select 1`),
    timeout * 1000,
    `the database at ${where} did not answer within ${timeout} s (DATABASE_CONNECT_TIMEOUT_SECONDS): is it running and reachable?`,
  );
  await database.migrate({ logger });
  logger.info({ backend: database.kind, dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR }, 'database ready');
  // The one real clock: the app, the demo and its traffic all get it injected.
  const clock = () => new Date();
  const demoStart = demo ? await startDemo(database.db, logger, clock) : null;
  if (demoStart) logger.info(DEMO_MESSAGES[demoStart.state]);
  // The demo's database, not merely DEMO=true: a flag left on over real data must change nothing.
  const isDemoDatabase = demoStart !== null && demoStart.state !== 'other';
  // Simulated traffic only ever goes into the demo's own shops, never into a database with real data.
  const simulate = isDemoDatabase && !process.argv.includes('--no-simulate') && env.SIMULATOR_RATE > 0;
  // The demo needs one click to open: without a configured admin key it makes (and keeps) its own. Never
  // for real data: that key would open every shop, and its link is printed.
  const adminKey = env.PEAKOPS_ADMIN_KEY ?? (isDemoDatabase ? demoAdminKey(env.DATA_DIR).key : undefined);
  if (adminKey && !env.PEAKOPS_ADMIN_KEY && env.REDIS_URL) {
    logger.warn('the demo made its own admin key, which only this instance knows: with several instances behind one address, set PEAKOPS_ADMIN_KEY');
  }
  // A demo whose history is still to come holds its alert engine until the history is in. Mid-load, a
  // batch's payments are in and its shipments not yet, and an evaluation then raised UNSHIPPED_OVERDUE
  // alerts about months-old orders ("最早一笔已 4136 小时") that the next batch resolved.
  const holdAlerts = demoStart?.finish != null;
  const app = buildApp({
    alertEngine: holdAlerts ? { start: false } : undefined,
    now: clock,
    database,
    env,
    logger,
    adminKey,
    jwtSecret: env.PEAKOPS_JWT_SECRET,
    jwtSecretPrevious: env.PEAKOPS_JWT_SECRET_PREVIOUS,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    corsOrigins: env.CORS_ORIGINS,
    rateLimit: { maximumAvailable: env.RATE_LIMIT_MAX, restoreRate: env.RATE_LIMIT_RESTORE_PER_SECOND },
    tickMs: env.TICK_MS,
    tickConcurrency: env.LIVE_TICK_CONCURRENCY,
    heartbeatMs: env.LIVE_HEARTBEAT_MS,
    redisUrl: env.REDIS_URL,
    readReplica,
    shareTopics: env.LIVE_SHARE_TOPICS,
    shareExecutions: env.LIVE_SHARE_EXECUTIONS,
    webhookAllowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    retention: { minuteRollupsDays: env.RETENTION_MINUTE_ROLLUPS_DAYS, eventsDays: env.RETENTION_EVENTS_DAYS ?? null },
  });
  const port = await app.start(env.PORT);
  logger.info(`PeakOps listening on http://localhost:${port}/graphql`);
  if (adminKey && !env.PEAKOPS_ADMIN_KEY) {
    // Printed to the terminal, not the log: the link carries the demo's admin key.
    console.log(`\n  War room (demo admin key, kept in ${env.DATA_DIR}/admin-key):\n  http://localhost:${port}/#key=${adminKey}\n`);
  } else if (!adminKey) {
    logger.info('no PEAKOPS_ADMIN_KEY: sign in as a user (npm run users -- add …) or use an API key');
  }

  // A month of history takes seconds to ingest, so it runs after the server listens; the live
  // traffic starts once it is in, so it sees the history's best sellers and buyers.
  const stopHistory = new AbortController();
  let traffic: DemoTraffic | undefined;
  let stopping = false;
  // The history and the live traffic tell every instance as they commit, as a producer's batches do.
  const announce = countedAnnouncer(app.pubsub);
  // Not only logged: /ready names what failed, as it names the app's own loops. A history cut short
  // resumes at the next start (a container's restart policy gives it one).
  const background = (async () => {
    try {
      await demoStart?.finish?.({ announce, signal: stopHistory.signal });
    } catch (error) {
      if (!stopHistory.signal.aborted) app.reportStopped('demo history', error);
      return;
    } finally {
      // Also after a failed history: what did load deserves its alerts, and the rules must run.
      if (holdAlerts && !stopping) app.alertEngine.start();
    }
    if (!simulate || stopping) return;
    try {
      const started = await startDemoTraffic({ db: database.db, logger, rate: env.SIMULATOR_RATE, now: clock, announce });
      traffic = started;
      app.watch('demo traffic', () => started.healthy());
    } catch (error) {
      app.reportStopped('demo traffic', error);
    }
  })();

  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the stop');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const overdue = setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    overdue.unref();
    try {
      // Everything that writes stops before the database closes; a history cut short resumes next start.
      stopHistory.abort();
      await background;
      await traffic?.stop();
      await app.stop();
      await readReplica?.close();
      await database.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration errors are for humans: print the message, not a stack trace.
  if (error instanceof EnvError) console.error(error.message);
  else if (bootLogger) {
    // The message as the log shows the error: a failed statement's without the values it was sent.
    const shown = withoutStatementValues(error);
    bootLogger.fatal({ err: error }, `start-up failed: ${shown instanceof Error ? shown.message : String(shown)}`);
  }
  else console.error(error);
  process.exit(1);
});
