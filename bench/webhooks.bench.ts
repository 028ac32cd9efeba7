/**
 * The webhook dispatcher: the time to drain a backlog of 10,000 deliveries to a local receiver (and so
 * its deliveries per second), at the default concurrency of 8 and at 32, and the latency of one
 * delivery from enqueue + wake() to the receiver — on PGlite and PostgreSQL. Every delivery is signed
 * (JSON format), its attempt logged and its row moved to DELIVERED, as in production.
 * Run: npm run bench:webhooks [-- --deliveries 10000 --concurrency 8,32 --backends pglite,postgres]
 */
import pino from 'pino';
import { count, eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../server/src/db/client.js';
import { truncateAll } from '../server/test/backends.js';
import { insertShop } from '../server/test/fixtures.js';
import { startWebhookDispatcher } from '../server/src/modules/webhook/webhook.dispatcher.js';
import type { WebhookEventInput } from '../server/src/modules/webhook/webhook.events.js';
import { enqueueWebhookEvent } from '../server/src/modules/webhook/webhook.outbox.js';
import { newWebhookSecret } from '../server/src/modules/webhook/webhook.service.js';
import { apiKeys } from '../server/src/modules/api-key/api-key.table.js';
import { webhookDeliveries, webhooks } from '../server/src/modules/webhook/webhook.table.js';
import { sampleWebhookAlert } from '../server/src/modules/webhook/webhook.test-fixtures.js';
import { TestReceiver } from '../server/src/modules/webhook/webhook.test-receiver.js';
import { arg, median, percentile, report, startBenchDatabase } from './bench-util.js';

const DELIVERIES = Number(arg('deliveries', '10000'));
const CONCURRENCY = arg('concurrency', '8,32').split(',').map(Number);
const BACKENDS = arg('backends', 'pglite,postgres').split(',');
const LATENCY_SAMPLES = Number(arg('latency-samples', '100'));
const logger = pino({ level: 'silent' });

function eventFor(shopId: string, i: number): WebhookEventInput {
  return { type: 'ALERT_RAISED', shopIds: [shopId], occurredAt: new Date(), data: { alert: sampleWebhookAlert({ subject: `SKU S${i}` }) } };
}

async function setUp(database: Database, receiver: TestReceiver) {
  await truncateAll(database.db);
  receiver.received.length = 0;
  const shop = await insertShop(database.db, '天猫旗舰店');
  // A partner's webhook, made by its key: every enqueue and claim checks that key's grant (auth/standing-grant.ts).
  const [key] = await database.db
    .insert(apiKeys)
    .values({ name: 'bench partner', prefix: 'pk_bench', secretHash: `bench-${Math.random()}`, shopIds: [shop.id], scopes: ['READ', 'MANAGE'], createdBy: 'admin-key' })
    .returning({ id: apiKeys.id });
  await database.db
    .insert(webhooks)
    .values({ name: 'bench', url: receiver.url, format: 'JSON', events: ['ALERT_RAISED'], shopIds: [shop.id], secret: newWebhookSecret(), createdBy: `key:${key!.id}` });
  return shop.id;
}

/** Enqueues the backlog in transactions of 500 (as a burst of alerts would), returning events/s written. */
async function enqueueBacklog(database: Database, shopId: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < DELIVERIES; i += 500) {
    await database.db.transaction(async (tx) => {
      for (let k = i; k < Math.min(i + 500, DELIVERIES); k++) await enqueueWebhookEvent(tx, eventFor(shopId, k));
    });
  }
  return DELIVERIES / ((performance.now() - started) / 1000);
}

async function drainRun(database: Database, receiver: TestReceiver, concurrency: number) {
  const shopId = await setUp(database, receiver);
  const enqueueRate = await enqueueBacklog(database, shopId);
  const started = performance.now();
  const dispatcher = startWebhookDispatcher({ db: database.db, logger, now: () => new Date(), allowPrivateUrls: true, concurrency });
  await dispatcher.drain();
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop();
  const [delivered] = await database.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, 'DELIVERED'));
  const ids = receiver.countsById();
  if (delivered?.n !== DELIVERIES || ids.size !== DELIVERIES || [...ids.values()].some((n) => n !== 1)) {
    throw new Error(`expected ${DELIVERIES} deliveries once each; delivered ${delivered?.n}, distinct ${ids.size}`);
  }
  return { seconds, perSecond: DELIVERIES / seconds, enqueueRate };
}

/** One alert at a time: enqueue in its own transaction, wake(), wait for the receiver. */
async function latencyRun(database: Database, receiver: TestReceiver) {
  const shopId = await setUp(database, receiver);
  const dispatcher = startWebhookDispatcher({ db: database.db, logger, now: () => new Date(), allowPrivateUrls: true });
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const arrived = new Promise<void>((resolve) => {
      receiver.answer = () => {
        resolve();
        return { status: 200 };
      };
    });
    const started = performance.now();
    await database.db.transaction((tx) => enqueueWebhookEvent(tx, eventFor(shopId, i)));
    dispatcher.wake();
    await arrived;
    samples.push(performance.now() - started);
  }
  await dispatcher.drain();
  await dispatcher.stop();
  receiver.answer = () => ({ status: 200 });
  return { p50: median(samples), p95: percentile(samples, 95) };
}

const receiver = await TestReceiver.start();
try {
  for (const backend of BACKENDS) {
    const bench = backend === 'postgres' ? await startBenchDatabase(20) : null;
    const database = bench?.database ?? (await openDatabase({ kind: 'pglite', dataDir: null }));
    if (!bench) await database.migrate();
    try {
      const rows: [string, string | number][] = [['deliveries in the backlog', DELIVERIES]];
      for (const concurrency of CONCURRENCY) {
        const run = await drainRun(database, receiver, concurrency);
        rows.push([`enqueue (enqueueWebhookEvent, 500 per transaction), events/s`, Math.round(run.enqueueRate)]);
        rows.push([`drain at concurrency ${concurrency}: seconds`, run.seconds.toFixed(2)]);
        rows.push([`drain at concurrency ${concurrency}: deliveries/s`, Math.round(run.perSecond)]);
      }
      const latency = await latencyRun(database, receiver);
      rows.push([`one delivery, enqueue + wake() → receiver: p50 ms (${LATENCY_SAMPLES} samples)`, latency.p50.toFixed(1)]);
      rows.push(['one delivery, enqueue + wake() → receiver: p95 ms', latency.p95.toFixed(1)]);
      report(`webhooks [${backend}]`, rows);
    } finally {
      if (bench) await bench.stop();
      else await database.close();
    }
  }
} finally {
  await receiver.down();
}
