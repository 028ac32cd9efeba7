import { bigint, uuid } from 'drizzle-orm/pg-core';
import { instantColumn } from './instant.js';

/** Primary key: a random UUID, so ids can be minted by the app before insert and never collide across shops. */
export const id = () => uuid().primaryKey().defaultRandom();

/** Money: integer fen (分). `number` mode is exact up to 2^53 fen (≈ ¥90 trillion), far beyond any shop. */
export const fen = () => bigint({ mode: 'number' });

/**
 * Instants are stored in UTC; bucketing into Asia/Shanghai days happens at query time. Millisecond
 * precision matches JavaScript's Date, so a value read, sent as a cursor and compared again is exact.
 * drizzle's `timestamp({ mode: 'date' })`, read back so that the years 0001–0099 stay themselves (instant.ts).
 */
export const instant = instantColumn;

export const timestamps = () => ({
  createdAt: instant().notNull().defaultNow(),
  updatedAt: instant().notNull().defaultNow(),
});
