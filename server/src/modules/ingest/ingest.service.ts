import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer.js';
import type { Db, Tx } from '../../db/client.js';
import { jsonRecords, rows } from '../../db/rows.js';
import { DomainError } from '../../errors.js';
import { RollupBatch } from '../metrics/rollup.writer.js';
import { applyOrderEvents } from '../order/order.ingest.js';
import { canonicalPayload, parseEvent, type EventInput, type EventIssue, type ParsedEvent } from './event.input.js';
import { validateAgainstCatalog, type ValidEvent } from './event.validate.js';

export const MAX_BATCH = 5_000;

export interface IngestError {
  index: number;
  eventId: string | null;
  field: string[];
  message: string;
  code: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  userErrors: IngestError[];
}

/**
 * Ingests a batch of producer events. Invalid events are reported by index and skipped; the rest
 * are appended to the raw log, materialised into orders and counted into the rollups in ONE
 * transaction, so once this resolves they are durable, and a resend after a crash finds them by
 * (shop, event id) and counts nothing twice.
 */
export async function ingestEvents(db: Db, viewer: Viewer, inputs: EventInput[], now: Date): Promise<IngestResult> {
  if (inputs.length > MAX_BATCH) {
    throw new DomainError('INVALID_INPUT', `send at most ${MAX_BATCH} events per call (got ${inputs.length})`, ['input', 'events']);
  }
  const userErrors: IngestError[] = [];
  const reject = (index: number, issues: EventIssue[]) => {
    for (const issue of issues) {
      userErrors.push({ index, eventId: inputs[index]?.id ?? null, field: ['input', 'events', String(index), ...issue.path], message: issue.message, code: issue.code });
    }
  };

  const parsed: ParsedEvent[] = [];
  inputs.forEach((input, index) => {
    const result = parseEvent(input, index, now);
    if ('issues' in result) reject(index, result.issues);
    else parsed.push(result.event);
  });
  const { valid, rejected } = await validateAgainstCatalog(db, viewer, parsed);
  for (const r of rejected) reject(r.index, r.issues);

  // The canonical JSON is built once: it is both what the log stores and what the hash covers.
  const payloads = new Map(valid.map((e) => [e.index, JSON.stringify(canonicalPayload(e))]));
  const hashes = new Map(valid.map((e) => [e.index, createHash('sha1').update(payloads.get(e.index)!).digest('hex')]));
  const { unique, duplicates: repeatedInBatch, conflicts } = firstOccurrences(valid, hashes);
  for (const c of conflicts) reject(c.index, [c.issue]);

  const outcome = await db.transaction(async (tx) => {
    const rollups = new RollupBatch();
    const orderEvents = unique.filter((e) => e.orderId !== null && e.type.startsWith('ORDER_'));
    const trafficEvents = unique.filter((e) => !e.type.startsWith('ORDER_'));
    const orders = await applyOrderEvents(tx, orderEvents, hashes, rollups);
    const traffic = await appendToLog(tx, [...orders.accepted, ...trafficEvents], payloads, hashes, new Set(trafficEvents.map((e) => e.index)));
    for (const e of traffic.inserted) countTraffic(e, rollups);
    await rollups.write(tx);
    return {
      accepted: orders.accepted.length + traffic.inserted.length,
      duplicates: orders.duplicates + traffic.duplicates,
      rejected: [...orders.rejected, ...traffic.rejected],
    };
  });
  for (const r of outcome.rejected) reject(r.index, r.issues);
  userErrors.sort((a, b) => a.index - b.index);
  return { accepted: outcome.accepted, duplicates: outcome.duplicates + repeatedInBatch, userErrors };
}

/** The same (shop, id) twice in one batch: the second is a replay if identical, else a conflict. */
function firstOccurrences(events: ValidEvent[], hashes: Map<number, string>) {
  const seen = new Map<string, string>();
  const unique: ValidEvent[] = [];
  const conflicts: { index: number; issue: EventIssue }[] = [];
  let duplicates = 0;
  for (const e of events) {
    const key = `${e.shopId}|${e.eventId}`;
    const hash = hashes.get(e.index)!;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, hash);
      unique.push(e);
    } else if (earlier === hash) duplicates++;
    else conflicts.push({ index: e.index, issue: { path: ['id'], message: `event id ${e.eventId} appears twice in this batch with different content`, code: 'CONFLICT' } });
  }
  return { unique, duplicates, conflicts };
}

/**
 * Appends to the raw log in key order (so concurrent batches lock keys in the same order).
 * ON CONFLICT DO NOTHING turns replays into no-ops; for traffic events the keys not inserted are
 * then classified as duplicates or conflicts by their stored hash. (Order events were classified
 * earlier, under their order's lock, and always insert.)
 */
async function appendToLog(
  tx: Tx,
  events: ValidEvent[],
  payloads: Map<number, string>,
  hashes: Map<number, string>,
  trafficIndexes: Set<number>,
) {
  const sorted = [...events].sort((a, b) => (a.shopId + a.eventId < b.shopId + b.eventId ? -1 : 1));
  const records = sorted.map((e) => ({
    shop: e.shopId,
    id: e.eventId,
    type: e.type,
    at: e.occurredAt.toISOString(),
    payload: payloads.get(e.index),
    hash: hashes.get(e.index),
  }));
  const inserted =
    records.length === 0
      ? []
      : await rows<{ shop_id: string; event_id: string }>(
          tx,
          sql`insert into events (shop_id, event_id, type, occurred_at, payload, payload_hash)
              select shop, id, type::event_type, at, payload::jsonb, hash
              from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(shop uuid, id text, type text, at timestamptz, payload text, hash text)
              on conflict (shop_id, event_id) do nothing
              returning shop_id, event_id`,
        );
  const insertedKeys = new Set(inserted.map((r) => `${r.shop_id}|${r.event_id}`));
  const fresh = sorted.filter((e) => insertedKeys.has(`${e.shopId}|${e.eventId}`));
  const replayed = sorted.filter((e) => !insertedKeys.has(`${e.shopId}|${e.eventId}`) && trafficIndexes.has(e.index));
  let duplicates = 0;
  const rejected: { index: number; issues: EventIssue[] }[] = [];
  if (replayed.length > 0) {
    const stored = await rows<{ shop_id: string; event_id: string; payload_hash: string }>(
      tx,
      sql`select e.shop_id, e.event_id, e.payload_hash from events e
          join jsonb_to_recordset(${jsonRecords(replayed.map((e) => ({ shop: e.shopId, id: e.eventId })))}::jsonb) as k(shop uuid, id text)
          on e.shop_id = k.shop and e.event_id = k.id`,
    );
    const hashOf = new Map(stored.map((r) => [`${r.shop_id}|${r.event_id}`, r.payload_hash]));
    for (const e of replayed) {
      if (hashOf.get(`${e.shopId}|${e.eventId}`) === hashes.get(e.index)) duplicates++;
      else rejected.push({ index: e.index, issues: [{ path: ['id'], message: `event id ${e.eventId} was already used for a different event`, code: 'CONFLICT' }] });
    }
  }
  return { inserted: fresh.filter((e) => trafficIndexes.has(e.index)), duplicates, rejected };
}

function countTraffic(e: ValidEvent, rollups: RollupBatch) {
  const dims = { shopId: e.shopId, channel: e.channel, source: e.source, campaignId: e.campaignId };
  // Visitor ids are per shop: "v1" on Tmall and "v1" on JD are different people.
  const visitor = `${e.shopId}:${e.visitorId}`;
  if (e.type === 'VISIT') rollups.add(e.occurredAt, dims, { visits: 1, pageViews: 1 }, { visitors: visitor });
  else if (e.type === 'PRODUCT_VIEW') rollups.add(e.occurredAt, dims, { pageViews: 1 }, { visitors: visitor });
  else rollups.add(e.occurredAt, dims, { addToCarts: 1 }, { visitors: visitor, carters: visitor });
}
