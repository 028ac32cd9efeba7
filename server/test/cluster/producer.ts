import { fenToYuan } from '../../src/lib/money.js';
import type { EventInput } from '../../src/modules/ingest/ingest.parse.js';
import { RateLimited, sendEvents, TransientError, type Endpoint } from '../../src/simulator/simulate.http.js';
import { TEST_ADMIN_KEY } from '../server-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ProducerOptions {
  /** The GraphQL endpoint: nginx's, or one instance's. */
  url: string;
  shopId: string;
  campaignId: string;
  /** Prefix of event and order ids, unique per producer so two never collide. */
  tag: string;
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** A batch not acknowledged after this long fails the producer (and the test). */
  giveUpAfterMs?: number;
}

export interface ProducerStats {
  /** Batches the server acknowledged (accepted + duplicates = the batch's size). */
  acknowledged: number;
  /** Calls that came back with an error or not at all, and were sent again. */
  failures: number;
  /** Events the server counted as replays of ones it had stored (a resent batch that had committed). */
  duplicates: number;
  lastFailure: string | null;
}

/**
 * A producer as a shop's order system is written against PeakOps: batches of paid orders, each sent
 * until acknowledged — resent as they were (same event ids) after a network error, a 5xx or a masked
 * error — so nothing is lost, and ingestion's idempotency per event id means nothing is doubled. It keeps
 * its own ledger of every event, the figures the metrics must show, computed without the server.
 */
export class Producer {
  readonly stats: ProducerStats = { acknowledged: 0, failures: 0, duplicates: 0, lastFailure: null };
  private readonly events: EventInput[] = [];
  private readonly fen: number[] = [];
  private readonly endpoint: Endpoint;
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly options: ProducerOptions) {
    this.endpoint = { url: `${options.url}/graphql`, key: TEST_ADMIN_KEY };
  }

  /** Paid orders of 1.01 to 97.97 yuan from 23 customers, stamped now (they land in today and the campaign). */
  private nextBatch(): EventInput[] {
    const batch: EventInput[] = [];
    for (let i = 0; i < (this.options.batchSize ?? 40); i++) {
      const n = this.events.length + 1;
      const fen = 101 * ((n % 97) + 1);
      const event: EventInput = {
        id: `${this.options.tag}-e${n}`,
        type: 'ORDER_PAID',
        occurredAt: new Date(),
        shopId: this.options.shopId,
        campaignId: this.options.campaignId,
        source: 'SEARCH',
        orderId: `${this.options.tag}-o${n}`,
        customerId: `${this.options.tag}-c${n % 23}`,
        amount: fenToYuan(fen),
      };
      this.events.push(event);
      this.fen.push(fen);
      batch.push(event);
    }
    return batch;
  }

  /** Sends one new batch until the server acknowledges it. */
  async sendBatch(): Promise<void> {
    const batch = this.nextBatch();
    const deadline = Date.now() + (this.options.giveUpAfterMs ?? 90_000);
    for (;;) {
      try {
        const reply = await sendEvents(this.endpoint, batch, AbortSignal.timeout(15_000));
        if (reply.userErrors.length > 0) throw new Error(`events refused: ${JSON.stringify(reply.userErrors)}`);
        if (reply.accepted + reply.duplicates !== batch.length) throw new Error(`acknowledged ${JSON.stringify(reply)} for ${batch.length} events`);
        this.stats.acknowledged++;
        this.stats.duplicates += reply.duplicates;
        return;
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        this.stats.failures++;
        this.stats.lastFailure = error.message;
        if (Date.now() > deadline) throw new Error(`batch ${batch[0]!.id} not acknowledged after ${this.stats.failures} failures: ${error.message}`);
        await sleep(error instanceof RateLimited ? error.retryAfterSeconds * 1000 : 250);
      }
    }
  }

  /** Keeps `concurrency` batches in flight, one after another, until stop(). */
  start(): void {
    const loop = async () => {
      while (!this.stopping) {
        await this.sendBatch();
        await sleep(50);
      }
    };
    this.running = Array.from({ length: this.options.concurrency ?? 2 }, loop);
    // A loop that throws is reported by stop(); meanwhile it must not be an unhandled rejection.
    for (const run of this.running) run.catch(() => {});
  }

  /** Lets the batches in flight be acknowledged, then stops; throws what a loop gave up on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** What the metrics must show for this producer's orders: every event sent, each once. */
  totals(): { gmv: string; orders: number } {
    return { gmv: fenToYuan(this.fen.reduce((sum, f) => sum + f, 0)), orders: this.events.length };
  }
}
