import { bigint, index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
export const eventTypeEnum = pgEnum('event_type', EVENT_TYPES);

/**
 * The raw event log, append-only. (shop, producer event id) is unique: a replayed event hits the
 * key and changes nothing, which is what makes ingestion idempotent.
 */
export const events = pgTable(
  'events',
  {
    seq: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
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
  (t) => [
    uniqueIndex('events_shop_event_id_key').on(t.shopId, t.eventId),
    index('events_occurred_idx').on(t.occurredAt),
  ],
);

export type EventRow = typeof events.$inferSelect;
