import { hash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { Viewer } from '../../auth/viewer.js';
import type { Db } from '../../db/client.js';
import { GENERIC_PLANS_IN_TRANSACTION } from '../../db/generic-plans.js';
import { executePrepared, pipelined } from '../../db/rows.js';
import { DomainError } from '../../errors.js';
import type { AnnounceCounted } from '../../realtime/pubsub.js';
import { customerPurchases } from '../customer/customer.ingest.js';
import { orderPoints, reversePoints, type PendingReversal } from '../customer/points.ledger.js';
import { appendEvents, appendHint, logTexts, orderEventRows, releasedKeys } from '../event/event.log.js';
import { TRAFFIC_EVENT_TYPES } from '../event/event.table.js';
import { eventsHorizon } from '../history/history.retention.js';
import type { TrafficSource } from '../../db/enums.js';
import type { Counters } from '../metrics/metrics.formulas.js';
import { RollupBatch } from '../metrics/rollup.writer.js';
import { materialiseOrders, orderWrites, ordersWithPointChanges } from '../order/order.ingest.js';
import { LaunchTally, LaunchTrials } from '../product/launch.js';
import { stockSales } from '../product/product.stock.js';
import type { ItemIssue } from '../../lib/validate.js';
import { canonicalPayload, parseEvent, type EventInput, type ParsedEvent } from './ingest.parse.js';
import { validateAgainstCatalog, type ValidEvent } from './ingest.validate.js';

/** An id no event may have (over 128 characters) is echoed cut, as the first 128 and an ellipsis: a 10,000-character id comes back once per problem otherwise. */
const ECHOED_ID_CHARS = 128;
function echoedId(id: string | null | undefined): string | null {
  if (id == null) return null;
  return id.length > ECHOED_ID_CHARS ? `${id.slice(0, ECHOED_ID_CHARS)}…` : id;
}

export const MAX_BATCH = 5_000;
/**
 * The per-event loops before the transaction give the event loop back this often: a 1,000-event batch's
 * parse is several milliseconds of JavaScript, and other batches' transactions, holding row locks, wait
 * on their next statement behind it.
 */
const YIELD_EVERY = 200;

export interface IngestError {
  index: number;
  eventId: string | null;
  field: string[];
  message: string;
  /** The same refusal in Chinese (`message(locale: ZH_CN)`). */
  messageZh: string;
  code: string;
}

export interface IngestOptions {
  /** Told after the commit when the batch counted something; required so that no caller forgets it. */
  announce: AnnounceCounted | null;
  /** RETENTION_EVENTS_DAYS; null or absent: events are kept forever and none is too old. */
  eventsRetentionDays?: number | null;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  userErrors: IngestError[];
}

/**
 * Ingests a batch of producer events: the write path of PeakOps, one pipeline.
 * 1. parse     each event on its own (zod; ids decoded, money in fen) — no database;
 * 2. validate  the batch against the catalog (shops, SKUs, campaigns, the caller's grant) at once;
 * 3. materialise, in ONE transaction: the raw event log's keys first (replays stop there), then the
 *    orders under their row locks, then the other modules' batch writes — customers, order rows, stock,
 *    points — sent together;
 * 4. roll up   the counted contributions into the minute/hour/day rollups, with those writes.
 * Each step runs a fixed number of statements for the whole batch, never one per event. Invalid events are
 * reported by index and skipped; once this resolves the accepted ones are durable, and a resend after
 * a crash finds them by (shop, event id) and counts nothing twice. Once committed, a batch that counted
 * something is announced (`options.announce`), so every instance's live topics recompute.
 */
export async function ingestEvents(db: Db, viewer: Viewer, inputs: EventInput[], now: Date, options: IngestOptions): Promise<IngestResult> {
  if (inputs.length > MAX_BATCH) {
    throw new DomainError(
      'INVALID_INPUT',
      { en: `send at most ${MAX_BATCH} events per call (got ${inputs.length})`, zh: `每次最多发送 ${MAX_BATCH} 个事件（本次 ${inputs.length} 个）` },
      ['input', 'events'],
    );
  }
  const userErrors: IngestError[] = [];
  const reject = (index: number, issues: ItemIssue[]) => {
    for (const issue of issues) {
      userErrors.push({ index, eventId: echoedId(inputs[index]?.id), field: ['input', 'events', String(index), ...issue.path], message: issue.message, messageZh: issue.messageZh, code: issue.code });
    }
  };

  // 1. parse
  const parsed: ParsedEvent[] = [];
  const oldest = eventsHorizon(now, { eventsDays: options.eventsRetentionDays ?? null });
  for (let index = 0; index < inputs.length; index++) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
    const result = parseEvent(inputs[index]!, index, now);
    if ('issues' in result) reject(index, result.issues);
    else if (oldest && result.event.occurredAt < oldest) reject(index, [tooOld(options.eventsRetentionDays!)]);
    else parsed.push(result.event);
  }
  // 2. validate
  const { valid, rejected } = await validateAgainstCatalog(db, viewer, parsed);
  for (const r of rejected) reject(r.index, r.issues);
  // The canonical JSON is built once: it is both what the log stores and what the hash covers.
  const texts = logTexts(inputs.length);
  for (let i = 0; i < valid.length; i++) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await setImmediate();
    const e = valid[i]!;
    const occurredAt = e.occurredAt.toISOString();
    const payload = JSON.stringify(canonicalPayload(e, occurredAt));
    texts.occurredAt[e.index] = occurredAt;
    texts.payload[e.index] = payload;
    texts.hash[e.index] = hash('sha1', payload);
  }
  const { unique, duplicates: repeatedInBatch, conflicts } = firstOccurrences(valid, texts.hash);
  for (const c of conflicts) reject(c.index, [c.issue]);
  // New products' trials (the new-product rule): the viewed products' creation looked up before the transaction opens.
  const trials = await LaunchTrials.ofTraffic(db, unique);
  const outcome = await db.transaction(async (tx) => {
    const rollups = new RollupBatch();
    const launches = new LaunchTally(trials);
    // 3a. The log first: every key of the batch claimed, in key order, before any row another batch also
    // needs; the traffic events' rows go in with them. A taken key is a replay or a conflict.
    // Every statement of this transaction on generic plans (db/generic-plans.ts): sent ahead of the log's
    // savepoint, whose undoing would take the setting with it, without waiting for its answer (a
    // connection runs its statements in the order they were sent): one round trip less per batch.
    const [, log] = await Promise.all([executePrepared(tx, GENERIC_PLANS_IN_TRANSACTION), appendEvents(tx, unique, texts, appendHint(db))]);
    const orderEvents: ValidEvent[] = [];
    for (const e of log.inserted) {
      if (TRAFFIC_EVENT_TYPES.includes(e.type)) {
        countTraffic(e as TrafficEvent, rollups);
        launches.count(e);
      } else orderEvents.push(e);
    }
    // 3b. From here to the commit other batches may wait on this one's rows — orders, customers, SKUs,
    // rollups, each class locked in key order and in this order by every batch — so the rest goes in as
    // few round trips as the data allows: the orders in one, every write after them in one more.
    const orders = await materialiseOrders(tx, orderEvents, rollups);
    await launches.countSales(tx, orders.changes.sales);
    const refused = new Set(orders.rejected.map((r) => r.index));
    const points = orderPoints(ordersWithPointChanges(orders));
    const reversals = points?.reversals ?? null;
    const writes = [
      customerPurchases([...orders.changes.customers.values()]),
      orderWrites(orders),
      stockSales(orders.changes.unitsSold),
      orderEventRows(orders.accepted, texts),
      releasedKeys(refused.size === 0 ? [] : orderEvents.filter((e) => refused.has(e.index))),
      points?.earn ?? null,
      reversals,
      // 4. roll up, in the same round trip (order events were counted while they were applied).
      ...rollups.statements(),
      // After the rollups, as every batch does: the products' rows are locked in one order everywhere.
      ...launches.statements(),
    ];
    const answers = await pipelined(tx, writes);
    await reversePoints(tx, (reversals ? answers[writes.indexOf(reversals)] : []) as PendingReversal[]);
    return {
      accepted: log.inserted.length - orders.rejected.length,
      duplicates: log.duplicates,
      rejected: [...orders.rejected, ...log.rejected],
    };
  });
  // After the commit, never inside the transaction: no instance recomputes for a batch that rolled back.
  if (outcome.accepted > 0) options.announce?.(outcome.accepted, now);
  for (const r of outcome.rejected) reject(r.index, r.issues);
  userErrors.sort((a, b) => a.index - b.index);
  return { accepted: outcome.accepted, duplicates: outcome.duplicates + repeatedInBatch, userErrors };
}

/**
 * Past the events retention the log's months are dropped with their idempotency keys: accepting such
 * an event could count a replay twice, so it is refused, whether new or a replay.
 */
function tooOld(days: number): ItemIssue {
  return {
    path: ['occurredAt'],
    message: `occurredAt is older than the ${days}-day event retention: the log can no longer tell a replay from a new event`,
    messageZh: `occurredAt 早于 ${days} 天的事件保留期：事件日志已无法区分重放与新事件`,
    code: 'INVALID_INPUT',
  };
}

/** The same (shop, id) twice in one batch: the second is a replay if identical, else a conflict. */
function firstOccurrences(events: ValidEvent[], hashes: readonly string[]) {
  const seen = new Map<string, string>();
  const unique: ValidEvent[] = [];
  const conflicts: { index: number; issue: ItemIssue }[] = [];
  let duplicates = 0;
  for (const e of events) {
    const key = `${e.shopId}|${e.eventId}`;
    const digest = hashes[e.index]!;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, digest);
      unique.push(e);
    } else if (earlier === digest) duplicates++;
    else conflicts.push({ index: e.index, issue: { path: ['id'], message: `event id ${e.eventId} appears twice in this batch with different content`, messageZh: `事件 id ${e.eventId} 在本批中出现两次且内容不同`, code: 'CONFLICT' } });
  }
  return { unique, duplicates, conflicts };
}

/** A traffic event: parseEvent refuses one without its source (only an order event may take its order's). */
type TrafficEvent = ValidEvent & { source: TrafficSource };

/** What each kind of traffic event adds: made once, not per event (a batch has thousands). */
const VISIT_COUNTS: Readonly<Partial<Counters>> = Object.freeze({ visits: 1, pageViews: 1 });
const VIEW_COUNTS: Readonly<Partial<Counters>> = Object.freeze({ pageViews: 1 });
const CART_COUNTS: Readonly<Partial<Counters>> = Object.freeze({ addToCarts: 1 });

function countTraffic(e: TrafficEvent, rollups: RollupBatch) {
  // Visitor ids are per shop: "v1" on Tmall and "v1" on JD are different people.
  const visitor = `${e.shopId}:${e.visitorId}`;
  // The event carries its rollup dimensions (shop, channel, source, campaign) itself: no copy per event.
  if (e.type === 'VISIT') rollups.add(e.occurredAt, e, VISIT_COUNTS, { visitors: visitor });
  else if (e.type === 'PRODUCT_VIEW') rollups.add(e.occurredAt, e, VIEW_COUNTS, { visitors: visitor });
  else rollups.add(e.occurredAt, e, CART_COUNTS, { visitors: visitor, carters: visitor });
}
