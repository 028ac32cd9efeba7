import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import postgres from 'postgres';
import { findPostgresBin, startPostgres, type PostgresServer } from '../../server/test/postgres-server.js';
import { gqlAt, startServerProcess, TEST_ADMIN_KEY, type ServerProcess } from '../../server/test/server-process.js';
import { launchChromium } from './browser.js';
import { ROOT } from './client-dist.js';
import { shanghaiDay } from './money.js';

export type Backend = 'pglite' | 'postgres';

/**
 * PGlite always; real PostgreSQL too when its binaries are here. PEAKOPS_REQUIRE_POSTGRES=1 turns
 * "no PostgreSQL" into a failure instead of a PGlite-only run (CI must not silently cover less).
 */
export function e2eBackends(): Backend[] {
  if (findPostgresBin()) return ['pglite', 'postgres'];
  if (process.env.PEAKOPS_REQUIRE_POSTGRES === '1') {
    throw new Error('PEAKOPS_REQUIRE_POSTGRES=1 but no PostgreSQL binaries (initdb) were found');
  }
  console.log('[e2e] pglite only: no PostgreSQL binaries found, real-PostgreSQL runs skipped');
  return ['pglite'];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, check: () => T | undefined | false | Promise<T | undefined | false>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopServer(server: ServerProcess, graceMs = 15_000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  try {
    await server.stop();
  } finally {
    clearTimeout(timer);
  }
}

export interface DemoStack {
  backend: Backend;
  /** http://127.0.0.1:<port>; the same across restarts. */
  url: string;
  port: number;
  server(): ServerProcess;
  /** Resolves once the 30-day demo history has gone through ingestion (first start only). */
  historyLoaded(timeoutMs?: number): Promise<void>;
  /** SIGTERM the server and wait for it to exit. */
  stopServer(): Promise<void>;
  /** Start it again on the same port with the same data (DATA_DIR or DATABASE_URL). */
  startServer(): Promise<void>;
  /** Why the server is gone when nobody stopped it (a crash, a signal from outside), with its last output; else null. */
  unexpectedExit(): string | null;
  /** Stops everything this stack started (server, PostgreSQL, temp dirs); safe to call twice. */
  dispose(): Promise<void>;
}

/** Notes how a server process ended, for reports when it ends without being asked to. */
function watchExit(server: ServerProcess): () => string | null {
  let ended: string | null = null;
  server.child.once('exit', (code, signal) => {
    const tail = server.output().trim().split('\n').slice(-15).join('\n');
    ended = `server pid ${server.child.pid} exited with ${signal ? `signal ${signal}` : `code ${code}`} at ${new Date().toISOString()}; last output:\n${tail}`;
  });
  return () => ended;
}

/**
 * The screen as a wall kiosk opens it: the link `npm start` prints, with the server's admin key in the
 * fragment (every stack here starts with TEST_ADMIN_KEY, see server-process.ts).
 */
export function kioskLink(url: string, key = TEST_ADMIN_KEY): string {
  return `${url}/#key=${key}`;
}

export interface DemoStackOptions {
  /**
   * The server's own demo traffic (`--demo`, SIMULATOR_RATE) instead of none (`--demo --no-simulate`):
   * for tests that need figures moving but never pause ingestion.
   */
  inProcessTraffic?: boolean;
}

/**
 * `npm start`-like server with the demo data on a fresh database and, by default, no in-process traffic
 * (`--demo --no-simulate`): the tests drive traffic with the simulator CLI, so they can pause it.
 */
export async function startDemoStack(backend: Backend, env: Record<string, string> = {}, options: DemoStackOptions = {}): Promise<DemoStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'peakops-e2e-'));
  let pg: PostgresServer | null = null;
  let server: ServerProcess | null = null;
  const cleanup = async () => {
    if (server) await stopServer(server).catch(() => {});
    pg?.stop();
    pg = null;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const backendEnv: Record<string, string> = { DATA_DIR: dataDir };
    if (backend === 'postgres') {
      const bin = findPostgresBin();
      if (!bin) throw new Error('no PostgreSQL binaries (initdb) for the postgres backend');
      pg = await startPostgres(bin);
      const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
      await admin.unsafe('create database peakops_e2e');
      await admin.end();
      backendEnv.DATABASE_URL = pg.url('peakops_e2e');
    }
    const serverEnv = { LOG_LEVEL: 'info', ...backendEnv, ...env };
    const args = options.inProcessTraffic ? ['--demo'] : ['--demo', '--no-simulate'];
    server = await startServerProcess(serverEnv, args);
    let exitOf = watchExit(server);
    let stopping = false;
    const port = Number(new URL(server.url).port);
    const url = server.url;
    return {
      backend,
      url,
      port,
      server: () => {
        if (!server) throw new Error('server is not running');
        return server;
      },
      async historyLoaded(timeoutMs = 150_000) {
        const first = server;
        if (!first) throw new Error('server is not running');
        await until('"demo history loaded" in the server log', timeoutMs, () => {
          if (first.child.exitCode !== null) throw new Error(`server exited with ${first.child.exitCode}:\n${first.output()}`);
          return first.output().includes('demo history loaded');
        }, 250);
      },
      async stopServer() {
        stopping = true;
        if (server) await stopServer(server);
        server = null;
      },
      async startServer() {
        if (server) throw new Error('server is already running');
        server = await startServerProcess(serverEnv, args, { port });
        exitOf = watchExit(server);
        stopping = false;
      },
      unexpectedExit: () => (stopping ? null : exitOf()),
      dispose: async () => {
        stopping = true;
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export interface Campaign {
  id: string;
  name: string;
  status: string;
  startsAt: string;
  endsAt: string;
}

export async function campaigns(url: string): Promise<Campaign[]> {
  const result = await gqlAt(url, '{ campaigns(first: 50) { edges { node { id name status startsAt endsAt } } } }');
  if (!result.data) throw new Error(`campaigns query failed: ${JSON.stringify(result.errors)}`);
  return (result.data.campaigns.edges as { node: Campaign }[]).map((e) => e.node);
}

/** The demo's live campaign (双11全球狂欢节), the one the screen opens on. */
export async function activeCampaign(url: string): Promise<Campaign> {
  const active = (await campaigns(url)).filter((c) => c.status === 'ACTIVE');
  if (active.length !== 1) throw new Error(`expected one ACTIVE demo campaign, got ${JSON.stringify(active)}`);
  return active[0]!;
}

export interface Figures {
  gmv: string;
  orders: number;
  buyers: number;
}

/** The `metrics` query over HTTP: what the screen must agree with. */
export async function metricsOver(url: string, campaignId: string, from: string, to: string): Promise<Figures> {
  const result = await gqlAt(
    url,
    'query($id: ID!, $from: DateTime!, $to: DateTime!) { metrics(scope: { campaignId: $id }, from: $from, to: $to) { gmv orders buyers } }',
    { id: campaignId, from, to },
  );
  if (!result.data) throw new Error(`metrics query failed: ${JSON.stringify(result.errors)}`);
  return result.data.metrics as Figures;
}

export interface SkuStock {
  id: string;
  code: string;
  stock: number;
  lowStockThreshold: number;
}

/** Every SKU of the products on sale (the ones the LOW_STOCK rule watches), with stock and low-stock line. */
export async function skusOnSale(url: string): Promise<SkuStock[]> {
  const result = await gqlAt(url, '{ products(first: 100, filter: { status: ON_SALE }) { edges { node { skus { id code stock lowStockThreshold } } } } }');
  if (!result.data) throw new Error(`products query failed: ${JSON.stringify(result.errors)}`);
  return (result.data.products.edges as { node: { skus: SkuStock[] } }[]).flatMap((e) => e.node.skus);
}

/**
 * The subjects of the unresolved alerts (OPEN or ACKNOWLEDGED). LOW_STOCK also fires on hours of
 * cover, so at a busy hour a best seller far above its line may already have one.
 */
export async function unresolvedAlertSubjects(url: string): Promise<string[]> {
  const result = await gqlAt(url, '{ alerts(filter: { statuses: [OPEN, ACKNOWLEDGED] }, first: 100) { edges { node { subject } } } }');
  if (!result.data) throw new Error(`alerts query failed: ${JSON.stringify(result.errors)}`);
  return (result.data.alerts.edges as { node: { subject: string } }[]).map((e) => e.node.subject);
}

/**
 * Acknowledges, as the admin key, every open incident (an alert on the 10-minute clock, such as the demo's sold-out
 * best seller): the room has claimed them, so an incident raised after this ranks first on the wall.
 */
export async function claimOpenIncidents(url: string): Promise<number> {
  const result = await gqlAt(url, '{ alerts(filter: { statuses: [OPEN] }, first: 100) { edges { node { id incident { respondBy } } } } }');
  if (!result.data) throw new Error(`alerts query failed: ${JSON.stringify(result.errors)}`);
  const open = (result.data.alerts.edges as { node: { id: string; incident: unknown } }[]).filter((e) => e.node.incident !== null);
  for (const { node } of open) {
    const ack = await gqlAt(url, 'mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } userErrors { message } } }', { id: node.id });
    if (!ack.data?.acknowledgeAlert) throw new Error(`acknowledgeAlert failed: ${JSON.stringify(ack)}`);
  }
  return open.length;
}

/** Rule evaluations the alert engine has finished, from the server's /metrics. */
export async function alertEvaluations(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('peakops_alert_evaluations_total '));
  if (!line) throw new Error('/metrics has no peakops_alert_evaluations_total');
  return Number(line.split(' ')[1]);
}

/** `updateSku` as the admin key: the warehouse corrects a SKU's stock. */
export async function setStock(url: string, skuId: string, stock: number): Promise<void> {
  const result = await gqlAt(url, 'mutation($id: ID!, $stock: Int!) { updateSku(input: { id: $id, stock: $stock }) { sku { stock } userErrors { message } } }', {
    id: skuId,
    stock,
  });
  const payload = result.data?.updateSku as { sku: { stock: number } | null; userErrors: { message: string }[] } | undefined;
  if (payload?.sku?.stock !== stock) throw new Error(`updateSku failed: ${JSON.stringify(result)}`);
}

export interface Simulator {
  child: ChildProcess;
  output(): string;
  /** Resolves once it has read the catalog and started sending (its first line). */
  started(timeoutMs?: number): Promise<void>;
  /** Ctrl-C (it waits for requests in flight), then SIGKILL of the whole group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `count` simulators on one campaign, `rate` events/s each, out of phase so most ticks see a change. Each
 * has its own seed: distinct event ids, no duplicates between them.
 */
export function startSimulators(url: string, campaignId: string, count: number, rate: number): Simulator[] {
  const seed = Date.now() % 1_000_000_000;
  return Array.from({ length: count }, (_, i) => startSimulator(url, campaignId, rate, ['--seed', String(seed + i)]));
}

/**
 * `npm run simulate` as its own process group, its traffic attributed to `campaignId`, sent with the
 * stack's admin key (PEAKOPS_API_KEY; a `--key` in extraArgs wins).
 */
export function startSimulator(url: string, campaignId: string, rate: number, extraArgs: string[] = []): Simulator {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/simulator/simulate.ts', '--url', `${url}/graphql`, '--rate', String(rate), '--campaign', campaignId, ...extraArgs],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', PEAKOPS_API_KEY: TEST_ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    child,
    output: () => output,
    async started(timeoutMs = 30_000) {
      await until('the simulator to send its first batches', timeoutMs, () => {
        if (!running()) throw new Error(`simulator exited with ${child.exitCode}:\n${output}`);
        return /events\/s .*→/.test(output);
      }, 200);
    },
    async stop(graceMs = 15_000) {
      if (running()) signalGroup('SIGINT');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup('SIGKILL'); // anything it left behind in its group (tsx's esbuild)
    },
  };
}

/**
 * The demo's live campaign closes at the next Asia/Shanghai midnight (16:00 UTC), and today's window
 * rolls over then. A run that straddles it would watch the campaign end mid-test, so one that starts
 * within `marginMs` of midnight waits until just after it (at most a few minutes, once a day).
 */
export async function clearOfShanghaiMidnight(marginMs = 4 * 60_000): Promise<void> {
  const untilMidnight = Date.parse(shanghaiDay().to) - Date.now();
  if (untilMidnight > marginMs) return;
  console.log(`[e2e] ${Math.ceil(untilMidnight / 1000)} s to midnight in Asia/Shanghai: waiting for the new day's demo campaign`);
  await new Promise((resolve) => setTimeout(resolve, untilMidnight + 5_000));
}

/**
 * What every e2e suite starts with: clear of Shanghai midnight (clearOfShanghaiMidnight), the demo stack
 * and Chromium started side by side (each takes seconds), and the demo's history loaded. When any step
 * fails, what did start is closed (after saying how the server died, if it did) and the failure thrown,
 * so a suite's afterAll has nothing left to clean up.
 */
export async function startStackAndChromium(start: () => Promise<DemoStack>): Promise<{ stack: DemoStack; browser: Browser }> {
  await clearOfShanghaiMidnight();
  const [started, launched] = await Promise.allSettled([start(), launchChromium()]);
  const close = async (failure: unknown): Promise<never> => {
    if (started.status === 'fulfilled') {
      const died = started.value.unexpectedExit();
      if (died) console.error(`[e2e] ${died}`);
      await started.value.dispose().catch(() => {});
    }
    if (launched.status === 'fulfilled') await launched.value.close().catch(() => {});
    throw failure;
  };
  if (started.status === 'rejected') return close(started.reason);
  if (launched.status === 'rejected') return close(launched.reason);
  try {
    await started.value.historyLoaded();
  } catch (failure) {
    return close(failure);
  }
  return { stack: started.value, browser: launched.value };
}
