import { bigint, index, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from '../../db/columns.js';

export const EVENT_TYPES = [
  'VISIT',
  'PRODUCT_VIEW',
  'ADD_TO_CART',
  'ORDER_PLACED',
  'ORDER_PAID',
  'ORDER_REFUNDED',
  'ORDER_SHIPPED',
  'ORDER_DELIVERED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** What visitors do; every other type is an order's event (ORDER_*). */
export const TRAFFIC_EVENT_TYPES: readonly EventType[] = ['VISIT', 'PRODUCT_VIEW', 'ADD_TO_CART'];
export const eventTypeEnum = pgEnum('event_type', EVENT_TYPES);

/**
 * The raw event log, append-only.
 *
 * Partitioned by month of occurred_at (UTC) in the database: migration 0017 converts it to
 * `PARTITION BY RANGE (occurred_at)` with monthly partitions `events_pYYYYMM` and `events_default`,
 * so retention drops whole months (modules/history). drizzle-kit's snapshot cannot express
 * partitioning, so it is not shown here; the columns and indexes below are the table's. A partitioned
 * table's unique keys must contain the partition key, hence the primary key (seq, occurred_at), and the
 * idempotency key lives in event_keys instead.
 */
export const events = pgTable(
  'events',
  {
    seq: bigint({ mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    /**
     * No foreign key to shops, deliberately (migration 0015): the ingest pipeline checks every event's
     * shop against the catalog (and the caller's grant) in the same call before it appends, and shops
     * are never deleted. The key cost a lookup and a KEY SHARE row lock on the shop for every appended
     * row — ~4 ms of a 1,000-event batch, and concurrent producers of one shop queued on that row.
     */
    shopId: uuid().notNull(),
    eventId: text().notNull(),
    type: eventTypeEnum().notNull(),
    occurredAt: instant().notNull(),
    receivedAt: instant().notNull().defaultNow(),
    /** The validated event as accepted, normalised (money in fen). */
    payload: jsonb().notNull(),
    /** Hash of the normalised payload: a reused id with a different payload is a conflict, not a duplicate. */
    payloadHash: text().notNull(),
  },
  (t) => [primaryKey({ name: 'events_pkey', columns: [t.seq, t.occurredAt] }), index('events_occurred_idx').on(t.occurredAt)],
);

/**
 * The idempotency key of the log: (shop, producer event id) is unique here, so a replayed event hits
 * the key and changes nothing. It cannot live on the partitioned events table (its unique keys would
 * have to contain occurred_at, and a replay may carry another occurred_at). Ingestion inserts here
 * first and appends to events only the keys it inserted. Rows older than the events retention are
 * deleted with their events (modules/history), and ingestion refuses events that old.
 */
export const eventKeys = pgTable(
  'event_keys',
  {
    shopId: uuid().notNull(),
    eventId: text().notNull(),
    occurredAt: instant().notNull(),
    payloadHash: text().notNull(),
  },
  // BRIN, not btree: keys arrive roughly in time order, so a few pages of summary serve the retention
  // delete without a second btree to maintain on every ingested event.
  (t) => [primaryKey({ name: 'event_keys_pkey', columns: [t.shopId, t.eventId] }), index('event_keys_occurred_idx').using('brin', t.occurredAt)],
);

export type EventRow = typeof events.$inferSelect;
