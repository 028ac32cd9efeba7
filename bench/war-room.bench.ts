/**
 * War-room soak: the built screen in Debian's Chromium for N minutes against the demo server on
 * PGlite with fast ticks (TICK_MS = 1000 / rate, LIVE_HEARTBEAT_MS = 1000) and the simulator feeding
 * orders, so the screen receives about `rate` live updates a second. After a warm-up the page's JS
 * heap is read after a forced GC, again at the end; a screen that runs all of Double 11 must not grow.
 * Targets: heap end / start ≤ 1.10 after GC; DOM nodes flat; JS ≤ 200 KB gzip; first live numbers ≤ 1.5 s.
 *
 * Run: npx tsx bench/war-room.bench.ts [--minutes 10] [--rate 10] [--events 150] [--simulators 3] [--warmup 30]
 *   --rate        live updates per second the screen should get (sets TICK_MS)
 *   --events      simulator events per second in all (enough that most ticks see a change)
 *   --simulators  simulator processes sharing --events: one sends a batch every 250 ms, so it alone
 *                 changes at most 4 ticks a second; several, out of phase, change most of them
 */
import { readFileSync } from 'node:fs';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TodayMetricsSubscription } from '../client/src/features/war-room/war-room.documents.js';
import type { CDPSession } from 'playwright-core';
import { launchChromium, WarRoomPage } from '../e2e/support/browser.js';
import { budgetLine, FIRST_LIVE_NUMBERS_BUDGET_MS, JS_GZIP_BUDGET_BYTES, kb, shippedJs } from '../e2e/support/client-dist.js';
import { activeCampaign, clearOfShanghaiMidnight, kioskLink, startDemoStack, startSimulators, type Simulator } from '../e2e/support/stack.js';
import { TEST_ADMIN_KEY } from '../server/test/server-process.js';
import { arg, report } from './bench-util.js';

const MINUTES = Number(arg('minutes', '10'));
const RATE = Number(arg('rate', '10'));
const EVENTS = Number(arg('events', '150'));
const WARMUP_S = Number(arg('warmup', '30'));
const SIMULATORS = Number(arg('simulators', '3'));
const TICK_MS = Math.max(50, Math.round(1_000 / RATE));
/**
 * The demo stack's server starts with the harness's admin key (server-process.ts); activeCampaign, the
 * simulators and the kiosk link send it, and so does the payload probe.
 */
const ADMIN_KEY = TEST_ADMIN_KEY;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

interface PageMetrics {
  heap: number;
  nodes: number;
  listeners: number;
}

async function pageMetrics(cdp: CDPSession, gc: boolean): Promise<PageMetrics> {
  if (gc) {
    // Twice: the first pass can leave garbage that only the second finds (weak maps, finalizers).
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
  }
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
  return { heap: value('JSHeapUsedSize'), nodes: value('Nodes'), listeners: value('JSEventListeners') };
}

/** Server process CPU time (user + system), from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at 100 Hz
}
async function serverCounters(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { ticks: value('peakops_live_ticks_total'), queries: value('peakops_db_queries_total') };
}

/**
 * Side by side on one server and one traffic: the screen's today stream as shipped (the minute line's
 * last ten points) against the same stream carrying the whole day's line on every message.
 */
async function payloadSizes(url: string, campaignId: string, seconds = 15) {
  const tail = print(TodayMetricsSubscription);
  const whole = tail.replace(/series\(interval: MINUTE, last: 10\)/, 'series(interval: MINUTE)');
  if (whole === tail) throw new Error('the today stream no longer asks for a series tail: update this bench');
  const failures: string[] = [];
  const measure = (query: string) => {
    const sizes: number[] = [];
    const client = createClient({ url: url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN_KEY}` } });
    client.subscribe(
      { query, variables: { campaignId } },
      {
        next: (r) => void sizes.push(JSON.stringify(r).length),
        // A refused subscription would report 0-byte means; stop with the reason instead.
        error: (error: unknown) => void failures.push(error instanceof Error ? error.message : JSON.stringify(error)),
        complete: () => {},
      },
    );
    return { sizes, close: () => client.dispose() };
  };
  const [shipped, full] = [measure(tail), measure(whole)];
  await sleep(seconds * 1_000);
  await Promise.all([shipped.close(), full.close()]);
  if (failures.length > 0) throw new Error(`today stream refused: ${failures.join('; ')}`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { tailBytes: mean(shipped.sizes), wholeBytes: mean(full.sizes), messages: Math.min(shipped.sizes.length, full.sizes.length) };
}

const js = shippedJs();
const jsGzip = js.reduce((sum, f) => sum + f.gzipBytes, 0);
console.log(
  `war-room soak: ${MINUTES} min after ${WARMUP_S} s warm-up; TICK_MS ${TICK_MS}, LIVE_HEARTBEAT_MS 1000, ` +
    `${SIMULATORS} simulator(s) sending ${EVENTS} events/s in all`,
);

// The demo campaign closes at Shanghai midnight: a soak must not straddle it.
await clearOfShanghaiMidnight((MINUTES + 3) * 60_000 + WARMUP_S * 1_000);
const stack = await startDemoStack('pglite', { TICK_MS: String(TICK_MS), LIVE_HEARTBEAT_MS: '1000' });
const browser = await launchChromium();
const simulators: Simulator[] = [];
const stopSimulators = (graceMs?: number) => Promise.allSettled(simulators.map((s) => s.stop(graceMs)));
// The simulator runs in its own process group, out of reach of the terminal's Ctrl-C: stop it ourselves.
process.once('SIGINT', () => {
  console.log('interrupted: stopping the simulator, the server and Chromium');
  void Promise.allSettled([stopSimulators(2_000), browser.close(), stack.dispose()]).then(() => process.exit(130));
});
try {
  console.log(`server ${stack.url}; loading the demo history…`);
  await stack.historyLoaded();
  const campaign = await activeCampaign(stack.url);
  simulators.push(...startSimulators(stack.url, campaign.id, SIMULATORS, EVENTS / SIMULATORS));
  await Promise.all(simulators.map((s) => s.started()));

  const payload = await payloadSizes(stack.url, campaign.id);
  console.log(
    `today stream, bytes per message over ${payload.messages} messages: minute-line tail ${kb(payload.tailBytes)} vs whole day ${kb(payload.wholeBytes)} ` +
      `= ${(payload.wholeBytes / payload.tailBytes).toFixed(1)}× smaller`,
  );

  const room = await WarRoomPage.open(browser, kioskLink(stack.url));
  const first = await room.firstLive();
  await room.until('live', (s) => s.badge === 'live', 30_000);
  const cdp = await room.page.context().newCDPSession(room.page);
  await cdp.send('Performance.enable');
  console.log(`first live numbers after ${Math.round(first.frameMs)} ms (${first.text}); warming up ${WARMUP_S} s…`);
  await sleep(WARMUP_S * 1_000);

  const start = await pageMetrics(cdp, true);
  const startState = await room.state();
  const startMessages = room.liveMessages;
  const startByOperation = new Map(room.liveMessagesByOperation);
  const serverPid = stack.server().child.pid!;
  const startCpu = cpuMs(serverPid);
  const startCounters = await serverCounters(stack.url);
  const startedAt = performance.now();
  console.log(`start: heap ${mb(start.heap)} after GC, ${start.nodes} DOM nodes, ${start.listeners} listeners, GMV on screen ${startState.heroExact}`);

  let previousMessages = startMessages;
  let notLive = 0;
  for (let minute = 1; minute <= MINUTES; minute++) {
    const minuteEnds = startedAt + minute * 60_000;
    // Watch the badge through the minute: a soak that goes stale is not a soak.
    while (performance.now() < minuteEnds && !stack.unexpectedExit()) {
      await sleep(Math.min(1_000, Math.max(0, minuteEnds - performance.now())));
      if ((await room.state()).badge !== 'live') notLive++;
    }
    const died = stack.unexpectedExit();
    if (died) throw new Error(`the server went away during the soak, so the figures below would mean nothing:\n${died}`);
    const sample = await pageMetrics(cdp, false);
    const perSecond = (room.liveMessages - previousMessages) / 60;
    previousMessages = room.liveMessages;
    console.log(
      `[${String(minute).padStart(2)} min] ${perSecond.toFixed(1)} updates/s, heap ${mb(sample.heap)} (no GC), ${sample.nodes} DOM nodes, ${sample.listeners} listeners`,
    );
  }

  const seconds = (performance.now() - startedAt) / 1_000;
  const serverCpu = (cpuMs(serverPid) - startCpu) / (seconds * 1_000);
  const endCounters = await serverCounters(stack.url);
  const end = await pageMetrics(cdp, true);
  const endState = await room.state();
  const messages = room.liveMessages - startMessages;
  const perOperation = [...room.liveMessagesByOperation]
    .map(([name, count]) => `${name} ${((count - (startByOperation.get(name) ?? 0)) / seconds).toFixed(1)}/s`)
    .join(', ');
  const ratio = end.heap / start.heap;

  report(`war room in Chromium, ${MINUTES} min at ~${RATE} updates/s (PGlite, TICK_MS ${TICK_MS})`, [
    ['JS heap used after GC: start → end', `${mb(start.heap)} → ${mb(end.heap)}`],
    ['JS heap end / start', `${ratio.toFixed(3)}× (target ≤ 1.10×) ${ratio <= 1.1 ? 'OK' : 'OVER'}`],
    ['live updates received per second', `${(messages / seconds).toFixed(1)} (${perOperation}; target ~${RATE})`],
    [
      'server: ticks/s, DB queries/s, CPU',
      `${((endCounters.ticks - startCounters.ticks) / seconds).toFixed(1)} ticks/s (at most ${(1_000 / TICK_MS).toFixed(0)}), ` +
        `${((endCounters.queries - startCounters.queries) / seconds).toFixed(0)} queries/s, CPU ${(serverCpu * 100).toFixed(0)}% of a core`,
    ],
    ['DOM nodes start → end', `${start.nodes} → ${end.nodes}`],
    ['JS event listeners start → end', `${start.listeners} → ${end.listeners}`],
    ['seconds not live during the run (badge ≠ live)', String(notLive)],
    ['GMV on screen start → end', `${startState.heroExact} → ${endState.heroExact}`],
    ['uncaught page errors', String(room.pageErrors.length)],
    ['first live numbers (ms from navigation start)', `${Math.round(first.frameMs)} (budget ${FIRST_LIVE_NUMBERS_BUDGET_MS})`],
    ['JS shipped, gzip', `${kb(jsGzip)} (budget ${kb(JS_GZIP_BUDGET_BYTES)})`],
    ['today stream message: tail / whole-day line', `${kb(payload.tailBytes)} / ${kb(payload.wholeBytes)} (${(payload.wholeBytes / payload.tailBytes).toFixed(1)}× smaller)`],
  ]);
  console.log(budgetLine('js-gzip', kb(jsGzip), kb(JS_GZIP_BUDGET_BYTES)));
  console.log(budgetLine('first-live-numbers', `${Math.round(first.frameMs)} ms`, `${FIRST_LIVE_NUMBERS_BUDGET_MS} ms`));
  console.log(budgetLine('heap-growth', `${ratio.toFixed(3)}×`, '1.10×'));
  if (room.pageErrors.length) console.log(`page errors:\n  ${room.pageErrors.join('\n  ')}`);
} finally {
  await browser.close().catch(() => {});
  await stopSimulators();
  await stack.dispose();
}
