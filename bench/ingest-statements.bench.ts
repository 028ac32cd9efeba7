/**
 * Where one ingest batch's time goes, statement by statement: the ingest service is called directly on
 * the bench stream (as bench:ingest's "service alone"), with PostgreSQL's statement log on
 * (log_min_duration_statement = 0), and the log is summed per statement and protocol step (parse, bind,
 * execute) per batch, beside this process's CPU per batch (the service's JavaScript and the driver).
 * Three warm-up batches are left out. `--before-sql` runs one statement before the stream, for an
 * experiment on the same data (e.g. a column's storage); `--profile FILE` writes a CPU profile of the
 * measured batches.
 * Run: npm run bench:ingest-statements [-- --events 30000 --batch 1000 --before-sql "…" --profile FILE]
 */
import './node-env-production.js';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { SYSTEM } from '../server/src/auth/viewer.js';
import type { EventInput } from '../server/src/modules/ingest/ingest.parse.js';
import { ingestEvents } from '../server/src/modules/ingest/ingest.service.js';
import { chunks } from '../server/test/event-stream.js';
import { serverLogFile } from '../server/test/postgres-server.js';
import { arg, ingestBenchStream, profiled, report, startBenchDatabase } from './bench-util.js';

const EVENTS = Number(arg('events', '30000'));
const BATCH = Number(arg('batch', '1000'));
const BEFORE_SQL = arg('before-sql', '');
const PROFILE = arg('profile', '') || null;
const WARM_UP = 3;
const NOW = new Date('2026-11-12T00:00:00Z');

const { database, stop } = await startBenchDatabase(10);
try {
  const db = database.db;
  const [where] = (await db.execute(sql`show data_directory`)) as unknown as { data_directory: string }[];
  const logFile = serverLogFile(where!.data_directory);
  if (BEFORE_SQL) await db.execute(sql.raw(BEFORE_SQL));
  // The stream bench:ingest sends: 15 minutes of traffic, time-ordered across batches, shuffled within.
  const inputs = (await ingestBenchStream(db, EVENTS, BATCH)).events
    .map((e) => ({ ...(e as unknown as EventInput), occurredAt: new Date(e.occurredAt as string) }));
  const batches = chunks(inputs, BATCH);
  if (batches.length <= WARM_UP) throw new Error(`--events must give more than ${WARM_UP} batches`);
  const send = async (batch: EventInput[]) => {
    const result = await ingestEvents(db, SYSTEM, batch, NOW, { announce: null });
    if (result.accepted !== batch.length) throw new Error(`ingest failed: ${JSON.stringify(result.userErrors.slice(0, 3))}`);
  };
  for (const batch of batches.slice(0, WARM_UP)) await send(batch);

  await db.execute(sql`alter system set log_min_duration_statement = 0`);
  await db.execute(sql`select pg_reload_conf()`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const logStart = readFileSync(logFile, 'utf8').length;
  const measured = batches.slice(WARM_UP);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await profiled(PROFILE, async () => {
    for (const batch of measured) await send(batch);
  });
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  await db.execute(sql`alter system set log_min_duration_statement = -1`);
  await db.execute(sql`select pg_reload_conf()`);

  const perStatement = new Map<string, { count: number; ms: number }>();
  let totalMs = 0;
  // "duration: 1.234 ms  execute <name>: <text>" (or parse/bind, or "statement: <text>" for simple queries).
  const entry = /duration: ([\d.]+) ms\s+(?:(parse|bind|execute) [^:]*:|statement:)\s*([\s\S]*?)(?=\n\S|\n?$)/g;
  for (const m of readFileSync(logFile, 'utf8').slice(logStart).matchAll(entry)) {
    if (/log_min_duration_statement|pg_reload_conf/.test(m[3]!)) continue;
    const key = `${(m[2] ?? 'simple').padEnd(7)} ${m[3]!.replace(/\s+/g, ' ').trim().slice(0, 100)}`;
    const sum = perStatement.get(key) ?? { count: 0, ms: 0 };
    sum.count++;
    sum.ms += Number(m[1]);
    perStatement.set(key, sum);
    totalMs += Number(m[1]);
  }
  const n = measured.length;
  report('ingest statements', [
    ['batches measured', `${n} of ${BATCH.toLocaleString('en')} events (after ${WARM_UP} warm-up batches)`],
    ...(BEFORE_SQL ? [['before the stream', BEFORE_SQL] as [string, string]] : []),
    ['wall ms per batch', (wallMs / n).toFixed(1)],
    ['this process CPU ms per batch (service JavaScript, driver)', ((user + system) / 1000 / n).toFixed(1)],
    ['PostgreSQL statement time ms per batch (sum of the log)', (totalMs / n).toFixed(1)],
  ]);
  console.log('\nms per batch  runs per batch  step    statement');
  for (const [key, { count, ms }] of [...perStatement].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
    console.log(`${(ms / n).toFixed(2).padStart(12)}  ${(count / n).toFixed(1).padStart(14)}  ${key}`);
  }
} finally {
  await stop();
}
