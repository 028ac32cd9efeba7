import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { executePrepared, jsonRecords, preparedRows } from '../../db/rows.js';
import { perDatabase } from '../../lib/facts-cache.js';
import type { ItemIssue } from '../../lib/validate.js';
import type { ValidEvent } from '../ingest/ingest.validate.js';
import { TRAFFIC_EVENT_TYPES } from './event.table.js';

/**
 * Claims the batch's keys in event_keys, in key order (so concurrent batches lock keys in the same
 * order), before any other row of the batch is locked, and appends the traffic events' rows to the
 * partitioned events table in the same statement: all at once when every key is new, else key by key,
 * replays becoming no-ops (appendNewKeys). The events whose key was taken are classified as duplicates or
 * conflicts by their stored hash; `inserted` are the others, traffic and order events. An order event's
 * row waits for its order's verdict (orderEventRows), and the key of one its order refuses is released
 * (releasedKeys). The caller passes each (shop, event id) once per batch.
 */
export async function appendEvents(tx: Tx, events: ValidEvent[], texts: LogTexts, hint: AppendHint) {
  const sorted = inKeyOrder(events);
  const skipped = sorted.length === 0 ? [] : await append(tx, batchColumns(sorted, texts), hint);
  const skippedKeys = new Set(skipped.map((r) => `${r.shop}|${r.id}`));
  const wasSkipped = (e: ValidEvent) => skippedKeys.size > 0 && skippedKeys.has(`${e.shopId}|${e.eventId}`);
  const replayed = sorted.filter(wasSkipped);
  let duplicates = 0;
  const rejected: { index: number; issues: ItemIssue[] }[] = [];
  if (replayed.length > 0) {
    const stored = await preparedRows<{ shop_id: string; event_id: string; payload_hash: string }>(
      tx,
      sql`select e.shop_id, e.event_id, e.payload_hash from event_keys e
          join jsonb_to_recordset(${keyRecords(replayed)}::jsonb) as k(shop uuid, id text)
          on e.shop_id = k.shop and e.event_id = k.id`,
    );
    const hashOf = new Map(stored.map((r) => [`${r.shop_id}|${r.event_id}`, r.payload_hash]));
    for (const e of replayed) {
      if (hashOf.get(`${e.shopId}|${e.eventId}`) === texts.hash[e.index]) duplicates++;
      else rejected.push({ index: e.index, issues: [{ path: ['id'], message: `event id ${e.eventId} was already used for a different event`, messageZh: `事件 id ${e.eventId} 已被另一个不同的事件使用`, code: 'CONFLICT' }] });
    }
  }
  return { inserted: sorted.filter((e) => !wasSkipped(e)), duplicates, rejected };
}

/**
 * The statement that appends the rows of order events whose keys appendEvents claimed and whose orders
 * accepted them (null for none). In any order: events has no unique key, the keys hold the locks.
 */
export function orderEventRows(events: ValidEvent[], texts: LogTexts): SQL | null {
  if (events.length === 0) return null;
  return sql`insert into events (shop_id, event_id, type, occurred_at, payload, payload_hash)
             select shop, id, type, at, payload::jsonb, hash from (${batchColumns(events, texts)}) r`;
}

/** The statement that releases the keys appendEvents claimed for events the batch then refused (null for none). */
export function releasedKeys(events: ValidEvent[]): SQL | null {
  if (events.length === 0) return null;
  return sql`delete from event_keys e using jsonb_to_recordset(${keyRecords(events)}::jsonb) as k(shop uuid, id text)
             where e.shop_id = k.shop and e.event_id = k.id`;
}

/** The events' log keys as one jsonb parameter, read as k(shop uuid, id text). */
const keyRecords = (events: ValidEvent[]) => jsonRecords(events.map((e) => ({ shop: e.shopId, id: e.eventId })));

function inKeyOrder(events: ValidEvent[]): ValidEvent[] {
  return [...events].sort((a, b) => (a.shopId < b.shopId ? -1 : a.shopId > b.shopId ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

/**
 * What the log stores of each event beside its keys, by the event's index in its batch: its instant as
 * ISO text, its canonical payload (JSON) and that payload's SHA-1. Made once per event, before the
 * transaction; arrays rather than maps, for batches of up to 5,000 events.
 */
export interface LogTexts {
  occurredAt: string[];
  payload: string[];
  hash: string[];
}

/** Empty LogTexts for a batch of `size` events. */
export function logTexts(size: number): LogTexts {
  return { occurredAt: new Array<string>(size), payload: new Array<string>(size), hash: new Array<string>(size) };
}

/** How a database's next batches go into the log (appendHint). */
export interface AppendHint {
  /** Batches still to append key by key after the last one that met a taken key. */
  keyByKey: number;
}

/** One per database: a replayed batch says nothing about another database's producers. */
export const appendHint = perDatabase((): AppendHint => ({ keyByKey: 0 }));

/**
 * A replayed batch makes its producer's next batches likely replays too (a producer resending after a
 * timeout or a restart): that many go key by key straight away.
 */
const KEY_BY_KEY_AFTER_REPLAY = 50;

/**
 * A live batch is all new events: it is appended with plain inserts first. Only when a key is already
 * taken (a replay, a reused id, a concurrent producer's copy) is that undone and the batch appended key
 * by key with ON CONFLICT, which costs PostgreSQL ~40 % more for the same batch (docs/BENCHMARKS.md,
 * Ingest round 10). The undone attempt leaves one "duplicate key" ERROR in PostgreSQL's own log; the
 * next KEY_BY_KEY_AFTER_REPLAY batches go key by key at once, so a producer replaying an hour of batches
 * leaves one such line per KEY_BY_KEY_AFTER_REPLAY + 1 batches, not one per batch.
 */
async function append(tx: Tx, batch: BatchColumns, hint: AppendHint) {
  if (hint.keyByKey > 0) {
    hint.keyByKey--;
    return appendNewKeys(tx, batch);
  }
  if (await appendAllNew(tx, batch)) return [];
  hint.keyByKey = KEY_BY_KEY_AFTER_REPLAY;
  return appendNewKeys(tx, batch);
}

type BatchColumns = ReturnType<typeof batchColumns>;

/**
 * The batch as the columns of one `unnest`, in the order given (key order where keys are claimed).
 * Columns that never hold a comma (uuids, type names, ISO instants, hex hashes) travel as one
 * comma-joined text each, split in PostgreSQL, rather than
 * as arrays whose every element the driver quotes and PostgreSQL unquotes: the statement's bind went from
 * 1.3–1.7 to 0.9–1.1 ms per 1,000 events (docs/BENCHMARKS.md, Ingest round 10). Producer ids can hold any
 * character, so they stay an array the driver escapes; the payloads are joined as PAYLOAD_SEPARATOR explains.
 */
function batchColumns(events: ValidEvent[], texts: LogTexts) {
  const n = events.length;
  const [shops, ids, types, instants, payloads, digests] = [new Array<string>(n), new Array<string>(n), new Array<string>(n), new Array<string>(n), new Array<string>(n), new Array<string>(n)];
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    shops[i] = e.shopId;
    ids[i] = e.eventId;
    types[i] = e.type;
    instants[i] = texts.occurredAt[e.index]!;
    payloads[i] = texts.payload[e.index]!;
    digests[i] = texts.hash[e.index]!;
  }
  return sql`select * from unnest(string_to_array(${shops.join(',')}::text, ',')::uuid[], ${sql.param(ids)}::text[],
                    string_to_array(${types.join(',')}::text, ',')::event_type[], string_to_array(${instants.join(',')}::text, ',')::timestamptz[],
                    string_to_array(${payloads.join(PAYLOAD_SEPARATOR)}::text, ${PAYLOAD_SEPARATOR}), string_to_array(${digests.join(',')}::text, ','))
             as r(shop, id, type, at, payload, hash)`;
}

/** The rows appended with the keys: traffic events' (an order event's waits for its order, orderEventRows). */
const TRAFFIC_ONLY = sql.raw(`r.type in (${TRAFFIC_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`);

/**
 * Every key and row with plain inserts, inside a savepoint: false, with nothing appended, if a key is
 * already in event_keys. No speculative insertion per key and no join of the rows with the keys inserted.
 */
async function appendAllNew(tx: Tx, batch: BatchColumns): Promise<boolean> {
  try {
    await tx.transaction((savepoint) =>
      executePrepared(
        savepoint,
        sql`with r as (${batch}), k as (
              insert into event_keys (shop_id, event_id, occurred_at, payload_hash) select shop, id, at, hash from r
            )
            insert into events (shop_id, event_id, type, occurred_at, payload, payload_hash)
            select shop, id, type, at, payload::jsonb, hash from r where ${TRAFFIC_ONLY}`,
      ),
    );
    return true;
  } catch (error) {
    if (isUniqueViolation(error, 'event_keys_pkey')) return false;
    throw error;
  }
}

/**
 * The keys go in with ON CONFLICT DO NOTHING, replays becoming no-ops, and only the keys inserted are
 * appended to events, in the same statement. Only the keys NOT inserted come back (replays and reused
 * ids): returning a batch's 1,000 keys cost PostgreSQL the rows and the driver their parsing for nothing.
 */
function appendNewKeys(tx: Tx, batch: BatchColumns) {
  return preparedRows<{ shop: string; id: string }>(
    tx,
    sql`with r as (${batch}), k as (
          insert into event_keys (shop_id, event_id, occurred_at, payload_hash)
          select shop, id, at, hash from r
          on conflict (shop_id, event_id) do nothing
          returning shop_id, event_id
        ), logged as (
          insert into events (shop_id, event_id, type, occurred_at, payload, payload_hash)
          select r.shop, r.id, r.type, r.at, r.payload::jsonb, r.hash from r join k on k.shop_id = r.shop and k.event_id = r.id
          where ${TRAFFIC_ONLY}
        )
        select r.shop, r.id from r where not exists (select from k where k.shop_id = r.shop and k.event_id = r.id)`,
  );
}

/**
 * The payloads travel as ONE text parameter, split in PostgreSQL; each is cast to jsonb once per row
 * (as COPY parses it). U+001E never occurs raw in them: they are JSON.stringify output, which escapes
 * every control character, so it separates them without any escaping. Columns split from text and
 * `unnest` cost ~20 % less than the batch as one jsonb document expanded by jsonb_to_recordset, whose
 * 400 KB were parsed while the statement was planned (docs/BENCHMARKS.md, Ingest).
 */
const PAYLOAD_SEPARATOR = '\u001e';
