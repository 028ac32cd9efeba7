/**
 * Fan-out: N concurrent WebSocket (or SSE) subscribers (in separate client processes) on one campaign scope
 * while orders are ingested once a second. Reports p50/p99 latency from the ingest mutation returning
 * to each client receiving the update, server CPU, server memory per connection, and database queries
 * per tick; then the same with the naive design (every subscription polling the database itself).
 * Targets (2-core machine): 10,000 subscribers; p99 ≤ tick + 250 ms; ≤ 50 KB per connection; queries
 * per tick identical at 1,000 and 10,000. Issue 12 adds, in the same run: the same audience with every
 subscriber's message executed and serialised separately (`--unshared`, the design before shared
 execution; target p99 ≤ 1,250 ms at 10,000) and SSE against WebSocket at the same size (`--sse`;
 target: SSE delivers at ≥ 0.8× WebSocket, by p99 latency and by server CPU per message).
 `--document screen`: every subscriber takes the war room's own today stream (~4 KB a message) instead of four fields.
 The client processes share the machine's two cores with the server: each run also prints their CPU and the
 whole machine's. `--client light` has WebSocket subscribers speak graphql-ws themselves and read the two
 figures they time from the message's text instead of parsing it (fanout.client.ts), to show how much of a
 run's latency is the clients' own parsing on the server's cores; `--client both` runs each size of the shared
 design with both and prints the ratio of their p99s.
 Run: npm run bench:fanout [-- --sizes 1000,5000,10000 --unshared 10000 --sse 1000 --naive 1000 --document small|screen --client full|light|both]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gid, insertCampaign, insertShop, insertSku } from '../server/test/fixtures.js';
import { startServerProcess, type ServerProcess } from '../server/test/server-process.js';
import { arg, benchAdminKey, graphqlHeaders, percentile, processCpuMs, report, startBenchDatabase, UNMETERED } from './bench-util.js';

const SIZES = arg('sizes', '1000,5000,10000').split(',').map(Number);
const NAIVE = Number(arg('naive', '1000'));
const UNSHARED = Number(arg('unshared', '10000'));
const SSE = Number(arg('sse', '1000'));
const CLIENT_PROCESSES = 4;
const TICK_MS = 1_000;
const ROUNDS = Number(arg('rounds', '10'));
/** What each subscriber selects: `small` (orders and GMV) or `screen` (the war room's today stream, ~4 KB a message). */
const DOCUMENT = arg('document', 'small');
/**
 * How WebSocket subscribers read their messages: `full` (graphql-ws' client, each message parsed), `light`, or
 * `both`: each size of the shared design with full clients, then light ones, and the ratio of their p99s.
 */
const CLIENT = arg('client', 'full');
if (CLIENT !== 'full' && CLIENT !== 'light' && CLIENT !== 'both') throw new Error('--client is full, light or both');
type Reader = 'full' | 'light';

/** The whole machine's busy and total CPU time, in clock ticks since boot (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  return { busy: total - fields[3]! - fields[4]!, total }; // idle and iowait are not busy
}
function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}
async function serverMetrics(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { queries: value('peakops_db_queries_total'), ticks: value('peakops_live_ticks_total'), topics: value('peakops_live_topics') };
}

const adminKey = benchAdminKey();
const { url, database, stop } = await startBenchDatabase(2);
const results: [string, string][] = [];
try {
  const shop = await insertShop(database.db, '天猫店');
  const sku = gid('Sku', (await insertSku(database.db, shop.id, 'S1', 9_900)).sku.id);
  const campaign = await insertCampaign(database.db, [shop.id], '双11', { startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 86_400_000) });

  let orderSerial = 0;
  interface Mode {
    /** One topic per scope (false: every subscription polls the database itself). */
    topics: boolean;
    /** One execution and one serialisation per alike subscribers and tick (false: per subscriber). */
    executions: boolean;
    transport: 'ws' | 'sse';
    /** How the WebSocket subscribers read their messages (fanout.client.ts). */
    reader: Reader;
  }
  async function run(size: number, mode: Mode) {
    // One admin key for every subscriber: it is exempt from the per-key socket limits, and with an
    // unmetered bucket 10,000 subscribes at once are not throttled.
    const server: ServerProcess = await startServerProcess(
      {
        DATABASE_URL: url,
        TICK_MS: String(TICK_MS),
        LOG_LEVEL: 'warn',
        LIVE_SHARE_TOPICS: String(mode.topics),
        LIVE_SHARE_EXECUTIONS: String(mode.executions),
        PEAKOPS_ADMIN_KEY: adminKey,
        RATE_LIMIT_MAX: String(UNMETERED.maximumAvailable),
        RATE_LIMIT_RESTORE_PER_SECOND: String(UNMETERED.restoreRate),
      },
      [],
    );
    const pid = server.child.pid!;
    const baselineRss = rssKb(pid);
    const clients: ChildProcess[] = [];
    const perProcess = Math.ceil(size / CLIENT_PROCESSES);
    const readiness = [];
    for (let p = 0; p < CLIENT_PROCESSES; p++) {
      const child = fork(path.resolve(import.meta.dirname, 'fanout.client.ts'), [server.url.replace('http', 'ws') + '/graphql', String(perProcess), gid('Campaign', campaign.id), mode.transport, DOCUMENT, mode.reader], {
        execArgv: ['--import', 'tsx'],
        // The credential goes by environment, not argv, where `ps` would show it.
        env: { ...process.env, PEAKOPS_API_KEY: adminKey },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      clients.push(child);
      // A refused socket (4403) or subscription ends the run with its reason instead of waiting for ever.
      readiness.push(
        new Promise<void>((resolve, reject) =>
          child.on('message', (m: { type: string; error?: string }) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'error') reject(new Error(`fan-out client: ${m.error}`));
          }),
        ),
      );
    }
    try {
      await Promise.all(readiness);
    } catch (error) {
      // Say what the server saw (it may have died) before giving up, and leave no process behind.
      for (const child of clients) child.kill('SIGKILL');
      const exit = server.child.exitCode;
      await server.stop();
      throw new Error(`${(error as Error).message}; server exit code ${exit}; server output:\n${server.output().slice(0, 3000)}`);
    }
    const connections = perProcess * CLIENT_PROCESSES;
    await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS));
    const memoryPerConnectionKb = (rssKb(pid) - baselineRss) / connections;

    const ingested = new Map<number, number>();
    const clientCpu = () => clients.reduce((sum, child) => sum + processCpuMs(child.pid!), 0);
    const [cpuBefore, metricsBefore, wallBefore] = [processCpuMs(pid), await serverMetrics(server.url), Date.now()];
    const [clientCpuBefore, machineBefore] = [clientCpu(), machineTicks()];
    const { count: ordersBefore } = { count: orderSerial };
    // Each round's order lands at another point of the tick, spread evenly over it: ingest→client includes
    // the wait for the next tick (0 to TICK_MS), so rounds a whole tick apart would all wait about alike and
    // a run's p99 would be set by where its first order happened to fall.
    const start = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      const due = start + (round - 1) * (TICK_MS + TICK_MS / ROUNDS);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      const n = ++orderSerial;
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: graphqlHeaders(adminKey),
        body: JSON.stringify({
          query: 'mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }',
          variables: { e: [{ id: `o${n}`, type: 'ORDER_PAID', occurredAt: new Date().toISOString(), shopId: gid('Shop', shop.id), source: 'SEARCH', campaignId: gid('Campaign', campaign.id), orderId: `O${n}`, customerId: `c${n}`, amount: '99.00', items: [{ skuId: sku, quantity: 1, unitPrice: '99.00' }] }] },
        }),
      });
      const body = (await response.json()) as { data?: { ingestEvents: { accepted: number } }; errors?: unknown };
      // A refused order would only show up later as "updates not seen"; say why now.
      if (body.data?.ingestEvents.accepted !== 1) throw new Error(`ingest failed: ${JSON.stringify(body).slice(0, 300)}`);
      ingested.set(n, Date.now());
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS));
    const [cpuAfter, metricsAfter, wallAfter] = [processCpuMs(pid), await serverMetrics(server.url), Date.now()];
    const [clientCpuAfter, machineAfter] = [clientCpu(), machineTicks()];
    interface ClientReport {
      seen: [number, number[]][];
      sinceTick: [number, number[]][];
      messageBytes: number;
    }
    const reports = await Promise.all(
      clients.map((child) => new Promise<ClientReport>((resolve) => {
        child.once('message', (m: { type: string } & ClientReport) => resolve(m));
        child.send({ type: 'report' });
      })),
    );
    const latencies: number[] = [];
    const afterTick: number[] = [];
    let missing = 0;
    for (let n = ordersBefore + 1; n <= orderSerial; n++) {
      let got = 0;
      for (const { seen } of reports) for (const [orders, times] of seen) if (orders === n) for (const t of times) { latencies.push(t - ingested.get(n)!); got++; }
      for (const { sinceTick } of reports) for (const [orders, delays] of sinceTick) if (orders === n) afterTick.push(...delays);
      missing += connections - got; // a message may be skipped only if two orders fell in one tick
    }
    for (const child of clients) child.kill('SIGKILL');
    await server.stop();
    const ticks = metricsAfter.ticks - metricsBefore.ticks;
    return {
      connections,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      tickP50: percentile(afterTick, 50),
      tickP99: percentile(afterTick, 99),
      cpu: (cpuAfter - cpuBefore) / (wallAfter - wallBefore),
      /** The four client processes together, as a share of one core (2.0 would be both cores). */
      clientCpu: (clientCpuAfter - clientCpuBefore) / (wallAfter - wallBefore),
      /** The whole machine: every process, both cores (1.0 = both cores busy all the time). */
      machineBusy: (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total),
      memoryPerConnectionKb,
      queriesPerTick: (metricsAfter.queries - metricsBefore.queries) / Math.max(1, ticks),
      missing,
      deliveredPerCpuSecond: latencies.length / Math.max(1e-9, (cpuAfter - cpuBefore) / 1000),
      messageKb: Math.max(...reports.map((r) => r.messageBytes)) / 1024,
      /** How the clients read: SSE, or the WebSocket reader. */
      clients: mode.transport === 'sse' ? 'SSE' : mode.reader,
    };
  }

  const line = (label: string, r: Awaited<ReturnType<typeof run>>) => {
    console.log(`${label}: ${r.connections} subscribers, latency p50 ${r.p50} ms p99 ${r.p99} ms, from the tick p50 ${r.tickP50} ms p99 ${r.tickP99} ms, server CPU ${(r.cpu * 100).toFixed(0)}%, clients' CPU ${(r.clientCpu * 100).toFixed(0)}% (${r.clients} clients), machine busy ${(r.machineBusy * 100).toFixed(0)}% of both cores, ${r.memoryPerConnectionKb.toFixed(1)} KB/connection, ${r.queriesPerTick.toFixed(2)} DB queries/tick, ${r.missing} updates not seen, ${r.messageKb.toFixed(1)} KB a message`);
    results.push([`${label} ${r.connections}`, `p50 ${r.p50} ms, p99 ${r.p99} ms (from the tick: p50 ${r.tickP50}, p99 ${r.tickP99} ms; target ≤ 250), CPU ${(r.cpu * 100).toFixed(0)}% (clients ${(r.clientCpu * 100).toFixed(0)}%, machine ${(r.machineBusy * 100).toFixed(0)}% of both cores), ${r.memoryPerConnectionKb.toFixed(1)} KB/conn, ${r.queriesPerTick.toFixed(2)} queries/tick`]);
    return r;
  };
  const SHARED: Mode = { topics: true, executions: true, transport: 'ws', reader: CLIENT === 'light' ? 'light' : 'full' };
  const shared: Awaited<ReturnType<typeof run>>[] = [];
  for (const size of SIZES) {
    const full = line('shared topics', await run(size, SHARED));
    shared.push(full);
    if (CLIENT !== 'both') continue;
    const light = line('shared topics, light clients', await run(size, { ...SHARED, reader: 'light' }));
    results.push([`p99 light / full clients at ${size}`, `${light.p99} / ${full.p99} ms = ${(light.p99 / full.p99).toFixed(2)}× (from the tick ${light.tickP99} / ${full.tickP99} ms; clients' CPU ${(light.clientCpu * 100).toFixed(0)} / ${(full.clientCpu * 100).toFixed(0)} %)`]);
  }
  const sharedAt = (size: number) => shared.find((r) => r.connections === size) ?? shared.at(-1)!;
  if (UNSHARED > 0) {
    const unshared = line('shared topic, executed per subscriber', await run(UNSHARED, { ...SHARED, executions: false }));
    const after = sharedAt(unshared.connections);
    results.push([`p99 shared / per-subscriber execution at ${unshared.connections}`, `${after.p99} / ${unshared.p99} ms = ${(after.p99 / unshared.p99).toFixed(2)}`]);
    results.push([`server CPU shared / per-subscriber execution at ${unshared.connections}`, `${(after.cpu / unshared.cpu).toFixed(2)}`]);
  }
  if (SSE > 0) {
    const sse = line('shared topics over SSE', await run(SSE, { ...SHARED, transport: 'sse' }));
    const ws = sharedAt(sse.connections);
    results.push([`SSE vs WebSocket at ${sse.connections}: p99 (WS p99 / SSE p99)`, `${ws.p99} / ${sse.p99} ms = ${(ws.p99 / sse.p99).toFixed(2)}× (target ≥ 0.8)`]);
    results.push([`SSE vs WebSocket at ${sse.connections}: messages per server CPU second`, `${sse.deliveredPerCpuSecond.toFixed(0)} / ${ws.deliveredPerCpuSecond.toFixed(0)} = ${(sse.deliveredPerCpuSecond / ws.deliveredPerCpuSecond).toFixed(2)}× (target ≥ 0.8)`]);
  }
  if (NAIVE > 0) {
    const naive = line('naive (each polls)', await run(NAIVE, { topics: false, executions: false, transport: 'ws', reader: SHARED.reader }));
    const sharedAtNaive = sharedAt(naive.connections);
    results.push(['naive / shared DB queries per tick', `${(naive.queriesPerTick / sharedAtNaive.queriesPerTick).toFixed(0)}×`]);
    results.push(['naive / shared server CPU', `${(naive.cpu / sharedAtNaive.cpu).toFixed(1)}×`]);
  }
  report('fan-out', results);
} finally {
  await stop();
}
