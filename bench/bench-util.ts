import { loadavg } from 'node:os';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import postgres from 'postgres';
import { buildApp, type App } from '../server/src/app.js';
import { openDatabase, type Database } from '../server/src/db/client.js';
import { findPostgresBin, startPostgres } from '../server/test/postgres-server.js';
import { productionNodeFlags } from '../server/test/server-process.js';
import { buildStream, chunks, shuffled } from '../server/test/event-stream.js';
import { gid, insertShop, insertSku } from '../server/test/fixtures.js';
import { eq } from 'drizzle-orm';
import { products } from '../server/src/modules/product/product.table.js';

/** `--name value` from the command line, or the default. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * A fresh bootstrap admin key for the server a benchmark starts (PEAKOPS_ADMIN_KEY or buildApp's
 * adminKey): every GraphQL call needs a credential, and the admin key sees every shop.
 */
export function benchAdminKey(): string {
  return `bench-admin-${randomBytes(24).toString('base64url')}`;
}

/** Headers of a GraphQL POST as `credential`. */
export function graphqlHeaders(credential: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: `Bearer ${credential}` };
}

/**
 * A bucket no benchmark drains: benchmarks measure ingestion and fan-out, not one credential's budget
 * (DEFAULT_BUCKET allows 10,000 points a second, about what one ingest pipeline does here).
 */
/**
 * Waits (up to `maxMinutes`) until the machine's 1-minute load average is at most `maxLoad`, so a long
 * benchmark that generated its data on a busy shared machine measures in a calm moment; returns the
 * load average it measured at, to print beside the figures. `maxLoad` ≤ 0 does not wait.
 */
export async function settle(maxLoad: number, maxMinutes = 30): Promise<number> {
  const deadline = Date.now() + maxMinutes * 60_000;
  while (maxLoad > 0 && loadavg()[0]! > maxLoad && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5_000));
  return loadavg()[0]!;
}

/** A server in its own plain-node process that prints `{"port": …}` once listening. */
export async function startServer(
  name: string,
  script: string,
  args: string[],
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env, NODE_ENV: 'production' } });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => { throw new Error(`${name} exited before listening`); })])) as [string];
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

/** PeakOps as production runs it (compiled, plain node, its own process); see the file's comment. */
export const PEAKOPS_SERVER = path.resolve(import.meta.dirname, 'peakops-server.mjs');

/**
 * startServer for a PeakOps server script (PEAKOPS_SERVER or another checkout's): with the node flags
 * production runs with (`npm run start:prod`), then `flags` (a later flag overrides an earlier one).
 */
export function startPeakOps(name: string, script: string, args: string[], flags: string[] = [], env: Record<string, string> = {}) {
  return startServer(name, script, args, [...productionNodeFlags(), ...flags], env);
}

/** `npm run build:server`: the compiled server PEAKOPS_SERVER runs, rebuilt from the working tree (or another checkout). */
export function buildServer(checkout = path.resolve(import.meta.dirname, '..')) {
  execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit', cwd: checkout });
}

/**
 * The second PeakOps of an A/B, "B": built from `checkout` (another working tree, e.g. a `git worktree` of
 * an earlier commit with node_modules linked) when one is given, started with `flags`. Null when neither
 * is asked for. `named` says what B is, for the report.
 */
export function abServer(checkout: string, flags: string[]): { script: string; named: string } | null {
  const named = [checkout ? `from ${checkout}` : '', flags.length > 0 ? `with ${flags.join(' ')}` : ''].filter(Boolean).join(', ');
  if (!named) return null;
  if (checkout) buildServer(checkout);
  return { script: checkout ? path.resolve(checkout, 'bench', path.basename(PEAKOPS_SERVER)) : PEAKOPS_SERVER, named };
}

export const UNMETERED = { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 };

export function report(name: string, rows: [string, string | number][]) {
  console.log(`\n== ${name} ==`);
  for (const [label, value] of rows) console.log(`${label.padEnd(60)} ${value}`);
}


const runFile = promisify(execFile);
const HTTP_LOAD = path.resolve(import.meta.dirname, 'http-load.client.ts');

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux): the peer server's too. */
export function processCpuMs(pid: number): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
  // A process gone meanwhile (a database backend closed between listing and reading) has used nothing more.
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Requests per second of a closed-loop load (bench/http-load.client.ts, a child process, so the
 * server's CPU is measured apart from the client's) POSTing `body` to `url`, and the CPU the server
 * process `serverPid` used per request (µs), and with `databasePids` PostgreSQL's (the backends that
 * exist at the end of the window). Any failed request or GraphQL error fails the run.
 */
export async function httpLoad(
  url: string,
  credential: string | null,
  body: string,
  { concurrency, seconds, serverPid = process.pid, databasePids }: { concurrency: number; seconds: number; serverPid?: number; databasePids?: () => number[] },
): Promise<{ rate: number; cpuUs: number; databaseCpuUs: number }> {
  // Per process, so a backend that ends in the window (a pool closing an idle connection) takes
  // nothing away; one that starts in it counts from zero.
  const databaseCpu = () => new Map((databasePids?.() ?? []).flatMap((pid) => (existsSync(`/proc/${pid}`) ? [[pid, processCpuMs(pid)] as const] : [])));
  const cpu = processCpuMs(serverPid);
  const dbCpu = databaseCpu();
  const { stdout } = await runFile(process.execPath, ['--import', 'tsx', HTTP_LOAD, url, String(concurrency), String(seconds * 1000), credential ? `Bearer ${credential}` : '-', body], { maxBuffer: 1 << 20 });
  const { requests, failures } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { requests: number; failures: number };
  if (failures > 0) throw new Error(`${failures} failed requests against ${url} (${body.slice(0, 60)})`);
  return { rate: requests / seconds, cpuUs: ((processCpuMs(serverPid) - cpu) * 1000) / requests, databaseCpuUs: ([...databaseCpu()].reduce((sum, [pid, ms]) => sum + ms - (dbCpu.get(pid) ?? 0), 0) * 1000) / requests };
}

/**
 * Each side's load once to warm up (JIT, caches), then `rounds` rounds over all sides, each round
 * starting one side later so drift on a shared machine favours none. Per side, in the order given, every
 * round's figures (requests/s, CPU per request …), in round order.
 */
export async function rotatedSamples<Side, Figures extends Record<string, number>>(sides: Side[], rounds: number, load: (side: Side) => Promise<Figures>): Promise<Figures[][]> {
  const samples = sides.map(() => [] as Figures[]);
  for (const side of sides) await load(side);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) {
      const k = (i + round) % sides.length;
      samples[k]!.push(await load(sides[k]!));
    }
  }
  return samples;
}

/** As rotatedSamples, the median of each figure per side. */
export async function rotatedRounds<Side, Figures extends Record<string, number>>(sides: Side[], rounds: number, load: (side: Side) => Promise<Figures>): Promise<Figures[]> {
  return (await rotatedSamples(sides, rounds, load)).map(medians);
}

export function medians<Figures extends Record<string, number>>(runs: Figures[]): Figures {
  return Object.fromEntries(Object.keys(runs[0]!).map((key) => [key, median(runs.map((r) => r[key]!))])) as Figures;
}

/**
 * The ratio a / b of one figure round by round — the two sides of a round ran seconds apart, so the
 * machine's drift between rounds (2× in requests/s on a shared 2-core machine) cancels — as
 * "median× (lowest–highest×, n rounds)".
 */
export function roundRatios<Figures extends Record<string, number>>(a: Figures[], b: Figures[], key: keyof Figures): string {
  const ratios = a.map((run, i) => run[key]! / b[i]![key]!);
  return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×, ${ratios.length} rounds)`;
}

/**
 * The processes of the PostgreSQL server `sql` is connected to (the postmaster and its backends), for
 * its CPU per request: the database's share of a request happens outside the servers' processes.
 */
export async function postgresPids(url: string): Promise<() => number[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [{ setting }] = (await sql`select setting from pg_settings where name = 'data_directory'`) as unknown as [{ setting: string }];
  await sql.end();
  const postmaster = Number(readFileSync(path.join(setting, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return () => [postmaster, ...readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)];
}

/** A partner's API key (READ, INGEST) over `shopIds`, created through the admin key as a partner's would be. */
export async function createPartnerKey(port: number, adminKey: string, shopIds: string[]): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: graphqlHeaders(adminKey),
    body: JSON.stringify({
      query: 'mutation ($s: [ID!]) { createApiKey(input: { name: "bench partner", scopes: [READ, INGEST], shopIds: $s }) { secret } }',
      variables: { s: shopIds },
    }),
  });
  return ((await response.json()) as { data: { createApiKey: { secret: string } } }).data.createApiKey.secret;
}

/** A throwaway PostgreSQL with a migrated `bench` database; stop() closes and removes all of it. */
export async function startBenchDatabase(maxConnections = 10): Promise<{ url: string; database: Database; stop(): Promise<void> }> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries (initdb) are needed for this benchmark');
  const pg = await startPostgres(bin);
  const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe('create database bench');
  await admin.end();
  const url = pg.url('bench');
  const database = await openDatabase({ kind: 'postgres', url, maxConnections });
  await database.migrate();
  return {
    url,
    database,
    async stop() {
      await database.close().catch(() => {});
      pg.stop();
    },
  };
}

/**
 * Runs `work` under V8's CPU profiler and writes a .cpuprofile (open it in Chrome DevTools or
 * speedscope) when `file` is given; without it just runs `work`. Profiling only the measured part
 * keeps data generation out of the profile (and `node --cpu-prof` slows tsx-loaded generation badly).
 */
export async function profiled<T>(file: string | null, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`profile written to ${file}`);
  }
}

/**
 * PeakOps inside this process (tsx) as every benchmark serves it: production mode, silent, no rate
 * limit, and no background work that would charge the measured windows (the alert engine's
 * evaluations, webhook delivery). `now` freezes the clock for runs replaying a fixed day; `history:
 * false` for runs that start the partition job by hand.
 */
export function benchApp(database: Database, adminKey: string, options: { now?: Date; history?: false; env?: Record<string, string> } = {}): App {
  return buildApp({
    database,
    env: { NODE_ENV: 'production', ...options.env },
    logger: pino({ level: 'silent' }),
    adminKey,
    rateLimit: UNMETERED,
    alertEngine: { start: false },
    webhooks: false,
    now: options.now ? () => options.now! : () => new Date(),
    ...(options.history === false ? { history: false as const } : {}),
  });
}

/**
 * The stream bench:ingest and bench:ingest-statements send: a Tmall shop with four SKUs (inserted into
 * `db`), 15 minutes of Double 11 traffic in time order across batches of `batch`, shuffled within each
 * as producers' clocks and retries make them. `round` varies the seeds between a bench's rounds.
 */
export async function ingestBenchStream(db: Database['db'], events: number, batch: number, round = 0, options: { newProducts?: boolean } = {}) {
  const shop = await insertShop(db, '天猫店');
  const skus = await Promise.all([990, 12_900, 45_000, 3_990].map(async (p, i) => ({ gid: gid('Sku', (await insertSku(db, shop.id, `S${i}`, p)).sku.id), priceFen: p })));
  // The products are created now, after the stream's days: their views count in no new product's trial,
  // as for nearly all of a real catalogue. `newProducts` creates them just before the stream instead, so
  // every view and add-to-cart is also counted into its product's trial (the new-product rule's worst case).
  if (options.newProducts) await db.update(products).set({ createdAt: new Date('2026-11-10T00:00:00Z') }).where(eq(products.shopId, shop.id));
  const stream = buildStream({ seed: 7 + round, sessions: Math.ceil(events / 1.9), start: new Date('2026-11-10T16:00:00Z'), hours: 0.25, shops: [{ gid: gid('Shop', shop.id), skus, campaignGid: null }] });
  const inTimeOrder = [...stream.events].sort((a, b) => (a.occurredAt as string).localeCompare(b.occurredAt as string)).slice(0, events);
  return { shop, events: chunks(inTimeOrder, batch).flatMap((each, i) => shuffled(each, round * 1000 + i)) };
}
