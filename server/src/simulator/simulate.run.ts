import { fenToYuan } from '../lib/money.js';
import { MINUTE_MS, shanghaiDateTime } from '../lib/time.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import type { SimulateOptions } from './simulate.args.js';
import { AccessRefused, MAX_RATE_LIMIT_WAITS, RateLimited, RequestRefused, sendEvents } from './simulate.http.js';
import type { TrafficCatalog } from './traffic.catalog.js';
import { TrafficGenerator } from './traffic.generator.js';
import { countBatch, PaidTally, type TrafficTotals } from './traffic.options.js';

/** Events per ingestEvents call over HTTP. */
export const HTTP_BATCH = 1_000;
const CONCURRENCY = 4;
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];
/** Shoppers already browsing when the run starts, so orders flow from the first seconds. */
const WARM_UP_MS = 15 * MINUTE_MS;

export interface RunOptions extends SimulateOptions {
  /** Stops the run: requests in flight finish, nothing new is sent. */
  signal?: AbortSignal;
  print?: (line: string) => void;
  tickMs?: number;
  reportEveryMs?: number;
}

export interface RunTotals extends TrafficTotals {
  /** Events whose request still failed after every retry. */
  failed: number;
  /** Generated but never sent (the run was interrupted). */
  unsent: number;
  seconds: number;
  /** Why the server refused the credential (401, FORBIDDEN): the run stopped there; null otherwise. */
  refusal: string | null;
}

const shanghai = (t: number) => `${shanghaiDateTime(new Date(t))} +08:00`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends simulated traffic until `duration` (or the signal). The simulated clock starts at `from`
 * and runs `speed` times faster than real time, but never ahead of now: occurredAt in the future
 * is refused by the server, so once caught up it keeps pace with real time. `rate` is events per
 * second of real time, following the day curve of the simulated clock.
 */
export async function runSimulation(options: RunOptions, catalog: TrafficCatalog): Promise<RunTotals> {
  const print = options.print ?? ((line: string) => console.log(line));
  const tickMs = options.tickMs ?? 250;
  const reportEveryMs = options.reportEveryMs ?? 5_000;
  const generator = new TrafficGenerator({ catalog, seed: options.seed, tag: `sim-${options.seed.toString(36)}` });
  const realStart = Date.now();
  let simNow = (options.from ?? new Date(realStart)).getTime();
  const warmFrom = new Date(simNow - WARM_UP_MS);
  // While replaying at `speed`, a simulated second holds rate/speed events.
  generator.warmUp(new Date(simNow), WARM_UP_MS, ((options.rate / options.speed) * WARM_UP_MS * generator.curveFactor(warmFrom, new Date(simNow))) / 1000);

  const totals: RunTotals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, unsent: 0, ordersPaid: 0, gmvFen: 0, seconds: 0, refusal: null };
  const window = { acknowledged: 0, since: realStart };
  const reported = new Set<string>();
  const tally = new PaidTally();
  const backlog: EventInput[] = [];
  const inFlight = new Set<Promise<void>>();
  let lastReal = realStart;
  let lastReport = realStart;
  let curve = generator.curveFactor(warmFrom, new Date(simNow));
  /** The simulated clock has reached now and keeps pace with it. */
  let live = options.from === null;
  /** Nothing new is sent after Ctrl-C, or once the server has refused the key (it would refuse every batch). */
  const halted = () => options.signal?.aborted === true || totals.refusal !== null;

  const tick = () => {
    const realNow = Date.now();
    const next = Math.min(simNow + options.speed * (realNow - lastReal), realNow);
    if (next === realNow) live = true;
    if (next > simNow) {
      const from = new Date(simNow);
      const to = new Date(next);
      curve = generator.curveFactor(from, to);
      backlog.push(...generator.slice(from, to, ((options.rate * (realNow - lastReal)) / 1000) * curve));
      simNow = next;
    }
    lastReal = realNow;
  };

  async function send(batch: EventInput[]) {
    let failures = 0;
    let waits = 0;
    for (;;) {
      try {
        // Resending the same events is safe: ingestion is idempotent on (shop, event id).
        const reply = await sendEvents(options.endpoint, batch);
        countBatch(totals, batch, reply, tally);
        window.acknowledged += batch.length;
        for (const e of reply.userErrors) report(`refused ${e.eventId}: ${e.code} ${e.message}`);
        return;
      } catch (error) {
        const message = (error as Error).message;
        if (error instanceof AccessRefused) {
          totals.refusal ??= message;
          totals.failed += batch.length;
          report(`the server refused the key, stopping: ${message}`);
          return;
        }
        // A 429 waits for the refill the server names and does not use up RETRY_DELAYS_MS.
        if (error instanceof RateLimited && waits < MAX_RATE_LIMIT_WAITS && !halted()) {
          waits++;
          report(`rate limited, resending ${batch.length} events in ${error.retryAfterSeconds} s: ${message}`);
          await sleep(error.retryAfterSeconds * 1000);
          continue;
        }
        const delay = RETRY_DELAYS_MS[failures++];
        if (error instanceof RequestRefused || delay === undefined || halted()) {
          totals.failed += batch.length;
          report(`gave up on ${batch.length} events: ${message}`);
          return;
        }
        report(`retrying ${batch.length} events: ${message}`);
        await sleep(delay);
      }
    }
  }

  /** Each kind of problem is printed once, so a systematic error does not flood the terminal. */
  function report(message: string) {
    const kind = message.replace(/\d+/g, '#');
    if (reported.has(kind) || reported.size >= 20) return;
    reported.add(kind);
    print(`  ! ${message}`);
  }

  function pump() {
    while (inFlight.size < CONCURRENCY && backlog.length > 0 && !halted()) {
      const request: Promise<void> = send(backlog.splice(0, HTTP_BATCH)).finally(() => {
        inFlight.delete(request);
        pump();
      });
      inFlight.add(request);
    }
  }

  function progress({ final }: { final: boolean }) {
    const now = Date.now();
    const seconds = (now - window.since) / 1000;
    const speed = live ? 'live' : `×${options.speed}`;
    print(
      `${final ? 'done' : `[${String(Math.round((now - realStart) / 1000)).padStart(4)}s]`} sim ${shanghai(simNow)} ${speed}, day curve ×${curve.toFixed(2)} | ` +
        `sent ${totals.sent} accepted ${totals.accepted} duplicates ${totals.duplicates} errors ${totals.rejected + totals.failed} | ` +
        `${(window.acknowledged / Math.max(seconds, 0.001)).toFixed(1)} events/s | ${totals.ordersPaid} orders paid, GMV ¥${fenToYuan(totals.gmvFen)}`,
    );
  }

  const deadline = options.duration === null ? Infinity : realStart + options.duration * 1000;
  while (Date.now() < deadline && !halted()) {
    tick();
    pump();
    if (Date.now() - lastReport >= reportEveryMs) {
      progress({ final: false });
      window.acknowledged = 0;
      window.since = lastReport = Date.now();
    }
    await sleep(Math.min(tickMs, Math.max(0, deadline - Date.now())));
  }
  // At the end of --duration the traffic generated so far is still delivered; after Ctrl-C (or a
  // refused key) only what is in flight.
  if (!halted()) tick();
  pump();
  while (inFlight.size > 0) await Promise.race(inFlight);
  totals.unsent = backlog.length;
  totals.seconds = (Date.now() - realStart) / 1000;
  window.acknowledged = totals.sent;
  window.since = realStart;
  progress({ final: true });
  return totals;
}
