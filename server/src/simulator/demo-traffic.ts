import type { Logger } from 'pino';
import { SYSTEM } from '../auth/viewer.js';
import type { Db } from '../db/client.js';
import { fenToYuan } from '../lib/money.js';
import { ingestEvents, MAX_BATCH } from '../modules/event/event.service.js';
import { loadCatalog } from './catalog.db.js';
import { TrafficGenerator } from './traffic.generator.js';
import { countBatch, emptyTotals, PaidTally } from './traffic.options.js';

/** Shoppers already browsing when the server starts: orders flow from the first second. */
const WARM_UP_MS = 15 * 60_000;

export interface DemoTrafficOptions {
  db: Db;
  logger: Logger;
  /** Average events per second; the Double 11 curve makes midnight busier and 4 am quieter. */
  rate: number;
  now?: () => Date;
  tickMs?: number;
  logEveryMs?: number;
  /** Called after each committed batch that accepted something: the server's change notice. */
  onCommitted?: (accepted: number) => void;
}

export interface DemoTraffic {
  /** Stops ticking and resolves once the batch in flight is committed: call it before closing the database. */
  stop(): Promise<void>;
}


/**
 * Keeps the demo alive: once a second, the traffic of the second just past goes through the ingest
 * service — the same validation and transaction as the ingestEvents mutation — so the war room
 * moves. Ids are tagged with the start time, so every boot's traffic is new to ingestion.
 */
export async function startDemoTraffic(options: DemoTrafficOptions): Promise<DemoTraffic> {
  const { db, logger, rate } = options;
  const now = options.now ?? (() => new Date());
  const tickMs = options.tickMs ?? 1_000;
  const logEveryMs = options.logEveryMs ?? 10_000;
  const started = now().getTime();
  const catalog = await loadCatalog(db, new Date(started));
  if (!catalog.shops.some((s) => s.skus.length > 0)) {
    logger.warn('simulator: no shop has a SKU on sale; no demo traffic');
    return { stop: async () => {} };
  }
  const generator = new TrafficGenerator({ catalog, seed: started % 2 ** 32, tag: `live-${started.toString(36)}` });
  const warmFrom = new Date(started - WARM_UP_MS);
  generator.warmUp(new Date(started), WARM_UP_MS, ((rate * WARM_UP_MS) / 1000) * generator.curveFactor(warmFrom, new Date(started)));
  const window = emptyTotals();
  const tally = new PaidTally();
  let last = started;
  let lastLog = started;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  async function tick() {
    const t = now().getTime();
    if (t <= last) return;
    const from = new Date(last);
    const to = new Date(t);
    const events = generator.slice(from, to, ((rate * (t - last)) / 1000) * generator.curveFactor(from, to));
    last = t;
    for (let i = 0; i < events.length && !stopped; i += MAX_BATCH) {
      const batch = events.slice(i, i + MAX_BATCH);
      const result = await ingestEvents(db, SYSTEM, batch, now());
      if (result.accepted > 0) options.onCommitted?.(result.accepted);
      countBatch(window, batch, result, tally);
      if (result.userErrors.length > 0) logger.warn({ firstErrors: result.userErrors.slice(0, 3) }, 'simulator: ingestion rejected events');
    }
    if (t - lastLog >= logEveryMs) {
      const seconds = (t - lastLog) / 1000;
      logger.info(
        { ...window, seconds },
        `simulator: ${window.accepted} events accepted in ${Math.round(seconds)} s (${(window.accepted / seconds).toFixed(1)}/s, ` +
          `${window.duplicates} duplicates, ${window.rejected} rejected), ${window.ordersPaid} orders paid, GMV sent ¥${fenToYuan(window.gmvFen)}`,
      );
      Object.assign(window, emptyTotals());
      lastLog = t;
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick()
        .catch((error: unknown) => logger.warn({ err: error }, 'simulator: a tick failed; continuing'))
        .finally(schedule);
    }, tickMs);
  };
  schedule();
  logger.info({ rate, shops: catalog.shops.length, campaigns: catalog.campaigns.length }, `simulator: sending about ${rate} events/s through ingestion`);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
