import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { dropExpiredHistory, ensureMonthlyPartitions, type Expired } from './history.partitions.js';
import type { RetentionSettings } from './history.retention.js';
import { HOUR_MS } from '../../lib/time.js';
import { forgetOldCreationRequests } from '../../db/create-once.js';

export interface HistoryJobOptions {
  db: Db;
  logger: Logger;
  now: () => Date;
  retention: RetentionSettings;
  /** Between runs; default one hour (partitions are made months ahead, retention is by the day). */
  everyMs?: number;
}

export interface HistoryRun extends Expired {
  created: string[];
  /** Creates' requestIds forgotten (db/create-once.ts). */
  creationRequests: number;
}

/**
 * Keeps the monthly partitions ahead of the clock and drops history past its retention: once at start-up,
 * then every hour, on every instance (the partition function's advisory lock and IF-missing checks make
 * concurrent runs harmless). A failed run is logged at error and turns /ready red until a run succeeds:
 * without it the month would turn over into the default partition and retention would silently stop.
 */
export class HistoryJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<HistoryRun | null> | null = null;
  private failed = false;
  private stopped = false;

  constructor(private readonly options: HistoryJobOptions) {}

  start() {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runInBackground(), this.options.everyMs ?? HOUR_MS);
    this.timer.unref();
    void this.runInBackground();
  }

  /** False since the last run failed, until one succeeds. */
  healthy(): boolean {
    return !this.failed;
  }

  /** One pass now (tests, the start-up run); runs never overlap. Rejects when the pass fails. */
  async run(): Promise<HistoryRun> {
    while (this.running) await this.running;
    const pass = this.pass();
    const settled = pass.catch(() => null);
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = null;
    });
    return pass;
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async pass(): Promise<HistoryRun> {
    const now = this.options.now();
    try {
      const created = await ensureMonthlyPartitions(this.options.db, now);
      // Stopping ends the key deletes between slices: a shutdown does not wait for a month of keys.
      const expired = await dropExpiredHistory(this.options.db, now, this.options.retention, () => this.stopped);
      const creationRequests = await forgetOldCreationRequests(this.options.db, now);
      this.failed = false;
      if (created.length > 0 || expired.dropped.length > 0 || expired.stragglers > 0 || expired.eventKeys > 0 || creationRequests > 0) {
        this.options.logger.info({ created, ...expired, creationRequests }, 'history partitions maintained');
      }
      return { created, ...expired, creationRequests };
    } catch (error) {
      this.failed = true;
      this.options.logger.error({ err: error }, 'history maintenance failed: partitions may not be ahead of the clock, retention not applied');
      throw error;
    }
  }

  private async runInBackground() {
    if (this.stopped) return;
    await this.run().catch(() => {}); // logged and shown on /ready by pass()
  }
}
