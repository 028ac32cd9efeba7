import { decodeGlobalID } from '@pothos/plugin-relay';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { SYSTEM } from '../auth/viewer.js';
import type { Db } from '../db/client.js';
import { jsonRecords, rows } from '../db/rows.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { ingestEvents, MAX_BATCH, type IngestError } from '../modules/ingest/ingest.service.js';
import type { AnnounceCounted } from '../realtime/pubsub.js';

export interface IngestProgress {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Batches found already ingested when resuming, and not sent again. */
  skippedBatches: number;
}

export interface IngestHistoryOptions {
  logger: Logger;
  /** Told after each batch commits that counted something; null where no server listens. */
  announce: AnnounceCounted | null;
  /** The clock ingestion checks `occurredAt` against. */
  now: () => Date;
  /** An earlier load was interrupted: skip the batches it already committed. */
  resume: boolean;
  /** Stops between batches (shutdown); every committed batch stays, and a later start resends the rest. */
  signal?: AbortSignal;
}

/**
 * Sends the history through the ingest service in batches of MAX_BATCH, exactly as a producer
 * would, so orders, customers, stock and rollups come out of the same code path as live traffic.
 * Each batch is one transaction; resending one is harmless (ingestion is idempotent).
 */
export async function ingestHistory(db: Db, events: readonly EventInput[], options: IngestHistoryOptions): Promise<IngestProgress> {
  const progress: IngestProgress = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, skippedBatches: 0 };
  const firstErrors: IngestError[] = [];
  for (let start = 0; start < events.length; start += MAX_BATCH) {
    options.signal?.throwIfAborted();
    const batch = events.slice(start, start + MAX_BATCH);
    if (options.resume && (await alreadyIngested(db, batch))) {
      progress.skippedBatches++;
      continue;
    }
    const result = await ingestEvents(db, SYSTEM, batch, options.now(), { announce: options.announce });
    progress.sent += batch.length;
    progress.accepted += result.accepted;
    progress.duplicates += result.duplicates;
    progress.rejected += result.userErrors.length;
    firstErrors.push(...result.userErrors.slice(0, 5 - firstErrors.length));
  }
  // The generator only makes valid events; a rejection here means ingestion and generator disagree.
  if (progress.rejected > 0) options.logger.warn({ rejected: progress.rejected, firstErrors }, 'ingestion rejected demo history events');
  return progress;
}

/** Every distinct event of the batch is already in the raw log (its keys are indexed in event_keys): its transaction committed before. */
async function alreadyIngested(db: Db, batch: readonly EventInput[]): Promise<boolean> {
  const keys = new Map(batch.map((e) => [`${e.shopId}|${e.id}`, { shop: decodeGlobalID(e.shopId).id, id: e.id }]));
  const [found] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from event_keys e
        join jsonb_to_recordset(${jsonRecords([...keys.values()])}::jsonb) as k(shop uuid, id text)
          on e.shop_id = k.shop and e.event_id = k.id`,
  );
  return found?.n === keys.size;
}
