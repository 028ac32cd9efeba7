/**
 * Ingest throughput: events/s through the ingestEvents mutation (HTTP, batches of 1,000) against a
 * raw COPY of the same event rows into the same PostgreSQL, measured side by side in one run.
 * Target: ingest ≥ 35% of raw COPY (issue 12). Also times the ingest service called directly (no HTTP,
 * no GraphQL) on the same rows, so the API layer's share is visible.
 * The mutation is served as production runs it: the compiled server in its own process
 * (bench/peakops-server.mjs); `--server tsx` serves it from this process through tsx, as rounds 1–2 did.
 * `--batch` sets the events per call (the API takes up to 5,000). `--producers N` sends the batches from N
 * concurrent producers (each takes the next batch in order), as a platform's shops' producers do; the
 * baselines stay one COPY stream, and the service alone one caller.
 * The compiled server runs with production's node flags (`npm run start:prod`); `--server-flags "FLAGS"` adds
 * more after them (a later flag overrides an earlier one);
 * `--ab-server-flags "FLAGS"` also starts a second compiled server with them and sends it the same batches
 * each round, on emptied tables, A and B taking turns going first (the second of a pair tends to run
 * faster): an A/B of one run. Each timed run starts from a checkpoint. `--ab-dir DIR` builds B from
 * another checkout (e.g. `git worktree add /tmp/old <commit>`, node_modules linked), with or without flags.
 * With the compiled server it also prints, per 1,000 events over HTTP, the wall time beside the CPU the client,
 * the server and PostgreSQL spent in it, and their quotient: how many of the machine's cores were busy on
 * average (1.0 when the server and PostgreSQL take turns, as with one producer waiting for each answer), and
 * the wall time 35 % of COPY of rows and keys would allow.
 * `--waits` samples pg_stat_activity every few milliseconds while the batches go over HTTP and prints, per
 * server, how many of the database's sessions were on average running a statement, waiting on another
 * batch's row lock, or idle in a transaction waiting for the server's next statement (its event loop).
 * `--new-products` creates the stream's products just before its events, so that every product view and
 * add-to-cart is also counted into its product's 7-day trial (the new-product rule, docs/METRICS.md): its
 * worst case. Without it the products are created after the stream, as most of a catalogue is old.
 * Run: npm run bench:ingest [-- --events 100000 --rounds 3 --batch 1000 --producers 1 --server compiled|tsx --server-flags FLAGS --ab-server-flags FLAGS --ab-dir DIR --ab-without-index NAME --profile DIR --waits --new-products]
 */
import './node-env-production.js';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type App } from '../server/src/app.js';
import { SYSTEM } from '../server/src/auth/viewer.js';
import { canonicalPayload, parseEvent, type EventInput } from '../server/src/modules/ingest/ingest.parse.js';
import { ingestEvents } from '../server/src/modules/ingest/ingest.service.js';
import { chunks } from '../server/test/event-stream.js';
import { truncateAll } from '../server/test/backends.js';
import { abServer, arg, benchAdminKey, benchApp, buildServer, graphqlHeaders, ingestBenchStream, median, PEAKOPS_SERVER, postgresPids, processCpuMs, report, roundRatios, startBenchDatabase, startPeakOps } from './bench-util.js';

const EVENTS = Number(arg('events', '100000'));
const ROUNDS = Number(arg('rounds', '3'));
const BATCH = Number(arg('batch', '1000'));
const PRODUCERS = Number(arg('producers', '1'));
if (!Number.isInteger(PRODUCERS) || PRODUCERS < 1) throw new Error('--producers is a whole number of at least 1');
const SERVER = arg('server', 'compiled');
if (SERVER !== 'compiled' && SERVER !== 'tsx') throw new Error('--server is compiled or tsx');
const NOW = '2026-11-12T00:00:00Z';
/** Writes the compiled server's CPU profile (`node --cpu-prof`, whole run) into this folder. */
const PROFILE_DIR = arg('profile', '');
const SERVER_FLAGS = arg('server-flags', '').split(' ').filter(Boolean);
const AB_SERVER_FLAGS = arg('ab-server-flags', '').split(' ').filter(Boolean);
const WAITS = process.argv.includes('--waits');
const NEW_PRODUCTS = process.argv.includes('--new-products');
/** Issue 12's target: ingestEvents at least this share of COPY's events/s. */
const TARGET = 0.35;
const batchLabel = BATCH.toLocaleString('en');

if (SERVER === 'compiled') buildServer();
const AB = abServer(arg('ab-dir', ''), AB_SERVER_FLAGS);
/**
 * `--ab-without-index NAME`: B is A's own server with index NAME dropped for B's turns and made again
 * after them (on emptied tables, so at once): what one index costs ingestion, on the same code and data.
 */
const WITHOUT_INDEX = arg('ab-without-index', '');
if (WITHOUT_INDEX && AB) throw new Error('--ab-without-index compares A with itself: not with --ab-dir or --ab-server-flags');
const bLabel = WITHOUT_INDEX ? `without index ${WITHOUT_INDEX}` : AB?.named;
const { url, database, stop } = await startBenchDatabase(10);
let child: ChildProcess | undefined;
let childB: ChildProcess | undefined;
try {
  const adminKey = benchAdminKey();
  let app: App | undefined;
  let port: number;
  if (SERVER === 'compiled') {
    const started = await startPeakOps('PeakOps', PEAKOPS_SERVER, [url, '10', adminKey, NOW], [...SERVER_FLAGS, ...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(PROFILE_DIR)] : [])]);
    child = started.child;
    port = started.port;
  } else {
    app = benchApp(database, adminKey, { now: new Date(NOW) });
    port = await app.start(0, '127.0.0.1');
  }
  let portB: number | undefined;
  if (AB) {
    const started = await startPeakOps('PeakOps B', AB.script, [url, '10', adminKey, NOW], AB_SERVER_FLAGS);
    childB = started.child;
    portB = started.port;
  }
  const copySql = postgres(url, { max: 1, onnotice: () => {} });
  let indexDefinition: string | null = null;
  if (WITHOUT_INDEX) {
    const [found] = await copySql<{ def: string | null }[]>`select pg_get_indexdef(to_regclass(${WITHOUT_INDEX})) as def`;
    if (!found?.def) throw new Error(`no index ${WITHOUT_INDEX}`);
    indexDefinition = found.def;
    portB = port;
  }
  // The copies are never vacuumed: autovacuum, woken by COPY's 100,000 rows, could run while the next
  // run is timed and be charged to it (docs/BENCHMARKS.md, Ingest round 12).
  await copySql.unsafe('create table events_copy (like events including all) with (autovacuum_enabled = false)');
  // Since issue 13 the log's idempotency key lives in event_keys, not in an index of events: a raw COPY
  // of the log as it is stored writes both tables (the baseline the target was set against carried the key).
  await copySql.unsafe('create table event_keys_copy (like event_keys including all) with (autovacuum_enabled = false)');

  const results = {
    ingest: [] as number[],
    ingestB: [] as number[],
    copy: [] as number[],
    copyLog: [] as number[],
    direct: [] as number[],
    ratio: [] as number[],
    ratioLog: [] as number[],
    cpu: { ingest: [] as number[], ingestB: [] as number[], copy: [] as number[], copyLog: [] as number[], direct: [] as number[] },
  };
  // CPU (this process — client and ingest service, and the server under tsx —, the compiled server's
  // process, and every PostgreSQL process) per 1,000 events: on a shared machine wall-clock rates swing
  // with other people's load, CPU much less.
  const databasePids = await postgresPids(url);
  /** CPU ms so far, by where it was spent: this process, the compiled servers, PostgreSQL. */
  const cpuParts = () => {
    const own = process.cpuUsage();
    return {
      here: (own.user + own.system) / 1000,
      server: (child ? processCpuMs(child.pid!) : 0) + (childB ? processCpuMs(childB.pid!) : 0),
      database: databasePids().reduce((sum, pid) => sum + processCpuMs(pid), 0),
    };
  };
  const cpuMs = () => {
    const { here, server, database } = cpuParts();
    return here + server + database;
  };
  const cpuPer1000 = (since: number) => ((cpuMs() - since) / EVENTS) * 1000;
  /** Each part's CPU per 1,000 events since `since` (cpuParts). */
  const partsPer1000 = (since: ReturnType<typeof cpuParts>) => {
    const now = cpuParts();
    const per1000 = (ms: number) => (ms / EVENTS) * 1000;
    return { here: per1000(now.here - since.here), server: per1000(now.server - since.server), database: per1000(now.database - since.database) };
  };
  const split = { ingest: [] as ReturnType<typeof partsPer1000>[], direct: [] as ReturnType<typeof partsPer1000>[] };
  const waitSql = WAITS ? postgres(url, { max: 1, onnotice: () => {} }) : null;
  const waits = { A: [] as SessionStates[], B: [] as SessionStates[] };
  for (let round = 0; round < ROUNDS; round++) {
    await truncateAll(database.db);
    await copySql.unsafe('truncate events_copy, event_keys_copy');
    // A live stream: events arrive roughly in time order (15 minutes of Double 11 traffic),
    // shuffled within each batch as producers' clocks and retries make them.
    const { shop, events } = await ingestBenchStream(database.db, EVENTS, BATCH, round, { newProducts: NEW_PRODUCTS });

    // Raw COPY of the same rows the ingest path stores in the log (normalised payload and hash included).
    const rowsTsv = events.map((input, i) => {
      const parsed = parseEvent({ ...(input as unknown as EventInput), occurredAt: new Date(input.occurredAt as string) }, i, new Date('2026-11-12T00:00:00Z'));
      if ('issues' in parsed) throw new Error('stream event failed validation');
      const payload = JSON.stringify(canonicalPayload({ ...parsed.event, channel: 'TMALL' })).replace(/\\/g, '\\\\');
      return `${shop.id}\t${parsed.event.eventId}\t${parsed.event.type}\t${parsed.event.occurredAt.toISOString()}\t${payload}\t${i.toString(16).padStart(40, '0')}\n`;
    });
    // Each timed run starts from a checkpoint, so none pays for writing out the one before it.
    await copySql.unsafe('checkpoint');
    const copyStart = performance.now();
    const copyCpu = cpuMs();
    const writable = await copySql`copy events_copy (shop_id, event_id, type, occurred_at, payload, payload_hash) from stdin`.writable();
    await pipeline(Readable.from(rowsTsv), writable);
    results.copy.push(events.length / ((performance.now() - copyStart) / 1000));
    results.cpu.copy.push(cpuPer1000(copyCpu));
    // The log as stored: the rows again, and their keys.
    await copySql.unsafe('truncate events_copy');
    await copySql.unsafe('checkpoint');
    const keysTsv = rowsTsv.map((row) => {
      const [shopId, eventId, , occurredAt, , hash] = row.slice(0, -1).split('\t');
      return `${shopId}\t${eventId}\t${occurredAt}\t${hash}\n`;
    });
    const logStart = performance.now();
    const logCpu = cpuMs();
    await pipeline(Readable.from(rowsTsv), await copySql`copy events_copy (shop_id, event_id, type, occurred_at, payload, payload_hash) from stdin`.writable());
    await pipeline(Readable.from(keysTsv), await copySql`copy event_keys_copy (shop_id, event_id, occurred_at, payload_hash) from stdin`.writable());
    results.copyLog.push(events.length / ((performance.now() - logStart) / 1000));
    results.cpu.copyLog.push(cpuPer1000(logCpu));

    const batches = chunks(events, BATCH);
    // Each request body is made before the clock starts, as COPY's rows are above: what a producer
    // spends serialising its own events is not ingestion's cost (until round 8 it was counted, ~8–12 ms
    // of this process's CPU per 1,000 events, serially with the server's work).
    const bodies = batches.map((batch) =>
      JSON.stringify({ query: 'mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted userErrors { code } } }', variables: { e: batch } }),
    );
    const httpIngest = async (to: number, label: 'A' | 'B') => {
      await copySql.unsafe('checkpoint');
      const start = performance.now();
      const parts = cpuParts();
      let next = 0;
      const produce = async () => {
        for (let i = next++; i < batches.length; i = next++) await send(to, bodies[i]!, batches[i]!.length);
      };
      const sampling = waitSql ? sampleSessions(waitSql) : null;
      await Promise.all(Array.from({ length: PRODUCERS }, produce));
      if (sampling) waits[label].push(await sampling.stop());
      const spent = partsPer1000(parts);
      return { rate: events.length / ((performance.now() - start) / 1000), cpu: spent.here + spent.server + spent.database, parts: spent };
    };
    const send = async (to: number, requestBody: string, expected: number) => {
      const response = await fetch(`http://127.0.0.1:${to}/graphql`, { method: 'POST', headers: graphqlHeaders(adminKey), body: requestBody });
      const body = (await response.json()) as { data?: { ingestEvents: { accepted: number } }; errors?: unknown };
      if (!body.data || body.data.ingestEvents.accepted !== expected) throw new Error(`ingest failed: ${JSON.stringify(body).slice(0, 300)}`);
    };
    // Everything ingestion wrote (the catalog stays): the event log's key table too, where it has one.
    const [keys] = (await database.db.execute(sql`select to_regclass('event_keys') is not null as present`)) as unknown as { present: boolean }[];
    const emptyIngestTables = () => database.db.execute(sql.raw(`truncate events, ${keys?.present ? 'event_keys, ' : ''}orders, order_items, refunds, customers, points_ledger, metric_rollups, sku_rollups`));
    let check: { n: number } | undefined;
    const runA = async () => {
      const http = await httpIngest(port, 'A');
      results.ingest.push(http.rate);
      results.cpu.ingest.push(http.cpu);
      split.ingest.push(http.parts);
      [check] = (await database.db.execute(sql`select count(*)::int as n from events`)) as unknown as { n: number }[];
      await emptyIngestTables();
    };
    const runB = async (to: number) => {
      if (indexDefinition) await copySql.unsafe(`drop index ${WITHOUT_INDEX}`);
      const b = await httpIngest(to, 'B');
      results.ingestB.push(b.rate);
      results.cpu.ingestB.push(b.cpu);
      await emptyIngestTables();
      if (indexDefinition) await copySql.unsafe(indexDefinition);
    };
    // With a B, the two take turns going first, so neither is always the one that runs right after COPY
    // (or after the other) and the rounds' median of B / A is not tilted by its place in the round.
    if (portB !== undefined && round % 2 === 1) {
      await runB(portB);
      await runA();
    } else {
      await runA();
      if (portB !== undefined) await runB(portB);
    }

    // The same batches through the service alone, on emptied tables with the same catalog.
    const inputs = events.map((e) => ({ ...(e as unknown as EventInput), occurredAt: new Date(e.occurredAt as string) }));
    await copySql.unsafe('checkpoint');
    const directStart = performance.now();
    const directParts = cpuParts();
    for (const batch of chunks(inputs, BATCH)) {
      const result = await ingestEvents(database.db, SYSTEM, batch, new Date(NOW), { announce: null });
      if (result.accepted !== batch.length) throw new Error(`direct ingest failed: ${JSON.stringify(result.userErrors.slice(0, 3))}`);
    }
    results.direct.push(events.length / ((performance.now() - directStart) / 1000));
    const direct = partsPer1000(directParts);
    results.cpu.direct.push(direct.here + direct.server + direct.database);
    split.direct.push(direct);
    // Each round's ratio is of two runs a few seconds apart: on a shared machine it drifts less than either figure.
    results.ratio.push(results.ingest.at(-1)! / results.copy.at(-1)!);
    results.ratioLog.push(results.ingest.at(-1)! / results.copyLog.at(-1)!);
    console.log(`round ${round + 1}: ingest ${results.ingest.at(-1)!.toFixed(0)} ev/s, service alone ${results.direct.at(-1)!.toFixed(0)} ev/s, COPY ${results.copy.at(-1)!.toFixed(0)} ev/s, COPY with keys ${results.copyLog.at(-1)!.toFixed(0)} ev/s (${check?.n} events stored)${portB ? `, ingest B ${results.ingestB.at(-1)!.toFixed(0)} ev/s` : ''}; CPU ms per 1,000 events: ingest ${results.cpu.ingest.at(-1)!.toFixed(0)},${portB ? ` ingest B ${results.cpu.ingestB.at(-1)!.toFixed(0)},` : ''} service ${results.cpu.direct.at(-1)!.toFixed(0)}, COPY ${results.cpu.copy.at(-1)!.toFixed(0)}, with keys ${results.cpu.copyLog.at(-1)!.toFixed(0)}`);
  }
  const ingest = median(results.ingest);
  const copy = median(results.copy);
  report('ingest', [
    ['events per round', EVENTS],
    ['stream', '15 minutes of traffic, time-ordered across batches, shuffled within'],
    ['rounds', ROUNDS],
    ['server', SERVER === 'compiled' ? `compiled, its own process (as npm run start:prod)${SERVER_FLAGS.length ? `, node ${SERVER_FLAGS.join(' ')}` : ''}` : 'tsx, in this process'],
    [`ingestEvents over HTTP, batches of ${batchLabel}, ${PRODUCERS} producer${PRODUCERS === 1 ? '' : 's'} (median ev/s)`, ingest.toFixed(0)],
    ['ingest service called directly, same batches (median ev/s)', median(results.direct).toFixed(0)],
    ['raw COPY of the same rows (median ev/s)', copy.toFixed(0)],
    ['ratio ingest / COPY (of the medians)', `${((ingest / copy) * 100).toFixed(1)}% (target ≥ ${TARGET * 100}%)`],
    ['ratio ingest / COPY (median of the rounds\' ratios)', `${(median(results.ratio) * 100).toFixed(1)}%`],
    ['ratio service alone / COPY', `${((median(results.direct) / copy) * 100).toFixed(1)}%`],
    ['CPU ms per 1,000 events (this process, the server, PostgreSQL): ingestEvents / service / COPY', `${median(results.cpu.ingest).toFixed(0)} / ${median(results.cpu.direct).toFixed(0)} / ${median(results.cpu.copy).toFixed(0)}`],
    // Where it goes: over HTTP the server's process holds the service and the HTTP/GraphQL layer in front of
    // it; called directly the service runs in this process. Their difference is that layer's cost.
    ...(SERVER === 'compiled'
      ? ([
          [
            'CPU ms per 1,000 events over HTTP: client (this process) / server / PostgreSQL',
            `${median(split.ingest.map((p) => p.here)).toFixed(1)} / ${median(split.ingest.map((p) => p.server)).toFixed(1)} / ${median(split.ingest.map((p) => p.database)).toFixed(1)}`,
          ],
          ['CPU ms per 1,000 events, service called directly: this process / PostgreSQL', `${median(split.direct.map((p) => p.here)).toFixed(1)} / ${median(split.direct.map((p) => p.database)).toFixed(1)}`],
          // Whether the server and PostgreSQL work side by side: a producer that waits for each answer makes
          // them take turns, so a batch's wall time is the sum of their CPU (~1 core busy of 2).
          [
            'over HTTP, per 1,000 events: wall ms / CPU ms of client + server + PostgreSQL / cores busy on average',
            `${median(results.ingest.map((rate) => 1e6 / rate)).toFixed(1)} / ${median(results.cpu.ingest).toFixed(1)} / ${median(results.cpu.ingest.map((cpu, i) => cpu / (1e6 / results.ingest[i]!))).toFixed(2)}`,
          ],
          [`wall ms per 1,000 events that ${TARGET * 100} % of COPY of rows and keys allows`, (1e6 / (TARGET * median(results.copyLog))).toFixed(1)],
        ] as [string, string][])
      : []),
    ['ratio by CPU: COPY CPU / ingestEvents CPU', `${((median(results.cpu.copy) / median(results.cpu.ingest)) * 100).toFixed(1)}%`],
    ['raw COPY of the log as stored, rows and keys (event_keys) (median ev/s)', median(results.copyLog).toFixed(0)],
    ['ratio ingest / COPY of rows and keys', `${((ingest / median(results.copyLog)) * 100).toFixed(1)}% (target ≥ ${TARGET * 100}%)`],
    ["ratio ingest / COPY of rows and keys (median of the rounds' ratios)", `${(median(results.ratioLog) * 100).toFixed(1)}%`],
    ['ratio by CPU: COPY of rows and keys / ingestEvents', `${((median(results.cpu.copyLog) / median(results.cpu.ingest)) * 100).toFixed(1)}% (COPY of rows and keys: ${median(results.cpu.copyLog).toFixed(0)} ms per 1,000)`],
    ...(portB !== undefined
      ? ([
          [`B: ingestEvents over HTTP, ${bLabel} (median ev/s)`, median(results.ingestB).toFixed(0)],
          ['B: CPU ms per 1,000 events', median(results.cpu.ingestB).toFixed(0)],
          ['B / A, round by round: ev/s', roundRatios(results.ingestB.map((rate) => ({ rate })), results.ingest.map((rate) => ({ rate })), 'rate')],
          ['B / A, round by round: CPU per event', roundRatios(results.cpu.ingestB.map((cpu) => ({ cpu })), results.cpu.ingest.map((cpu) => ({ cpu })), 'cpu')],
        ] as [string, string][])
      : []),
  ]);
  if (waitSql) {
    for (const [label, samples] of Object.entries(waits)) {
      if (samples.length === 0) continue;
      const mean = (pick: (s: SessionStates) => number) => median(samples.map(pick)).toFixed(2);
      report(`sessions over HTTP${portB !== undefined ? `, ${label}` : ''} (mean per sample, median of the rounds)`, [
        ['samples per round', median(samples.map((s) => s.samples)).toFixed(0)],
        ['running a statement', mean((s) => s.running)],
        ["waiting on another batch's row lock", mean((s) => s.lock)],
        ["idle in transaction, waiting for the server's next statement", mean((s) => s.server)],
        ['of which row-lock waits by statement', [...new Set(samples.flatMap((s) => [...s.lockBy.keys()]))].map((k) => `${k}: ${median(samples.map((s) => (s.lockBy.get(k) ?? 0) / s.samples)).toFixed(2)}`).join('; ') || '—'],
      ]);
    }
    await waitSql.end();
  }
  await app?.stop();
  await copySql.end();
} finally {
  child?.kill('SIGTERM');
  childB?.kill('SIGTERM');
  await stop();
}

interface SessionStates {
  samples: number;
  running: number;
  lock: number;
  server: number;
  /** Row-lock wait samples by the statement's first words. */
  lockBy: Map<string, number>;
}

/** Samples the bench database's other sessions until stopped; means per sample (SessionStates). */
function sampleSessions(client: postgres.Sql) {
  const counts: SessionStates = { samples: 0, running: 0, lock: 0, server: 0, lockBy: new Map() };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const sessions = await client<{ state: string; wait_event_type: string | null; wait_event: string | null; query: string }[]>`
        select state, wait_event_type, wait_event, left(query, 40) as query from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`;
      counts.samples++;
      for (const s of sessions) {
        if (s.wait_event_type === 'Lock') {
          counts.lock++;
          const words = s.query.replace(/\s+/g, ' ').trim().split(' ').slice(0, 3).join(' ');
          counts.lockBy.set(words, (counts.lockBy.get(words) ?? 0) + 1);
        } else if (s.state === 'active') counts.running++;
        else if (s.state === 'idle in transaction' && s.wait_event === 'ClientRead') counts.server++;
      }
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  })();
  return {
    async stop(): Promise<SessionStates> {
      stopped = true;
      await loop;
      const n = Math.max(counts.samples, 1);
      return { samples: counts.samples, running: counts.running / n, lock: counts.lock / n, server: counts.server / n, lockBy: counts.lockBy };
    },
  };
}
