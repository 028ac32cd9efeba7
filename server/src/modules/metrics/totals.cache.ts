import type { DbOrTx } from '../../db/client.js';
import { COUNTER_NAMES } from './metrics.formulas.js';
import type { Totals, TotalsRow } from './metrics.totals.js';

/**
 * The last totals of each rollup statement, with the decoded sketches of the row versions they were
 * computed from, so a window asked again neither carries its sketches over the wire again nor merges
 * them again while its rows stand still.
 *
 * Why it is exact: a row version — (partition, ctid, xmin) — is immutable in PostgreSQL. Every
 * UPDATE or upsert writes a new version with its own ctid and xmin, and a slot is reused only after
 * the old version's deleting transaction is over, so a reused slot never carries the same xmin. The
 * query sends the versions it already holds; PostgreSQL returns every row's counters and version, but
 * sketches only for versions it did not name. Totals are a function of the rows alone, so the same
 * set of versions gives the same totals. A closed campaign day (28 rows of three 4 KB sketches at
 * 10M orders) is then a few hundred bytes per request instead of 450 KB of base64, and no merge.
 *
 * Transaction ids are reused only if the database goes back in time under a running server (a
 * point-in-time restore, or failover to a replica that had not received the last commits). A held row
 * is therefore used only while the counters and dimensions read with it match its own (`heldRow`);
 * otherwise the caller reads again without naming any version.
 */

export interface CachedTotals {
  totals: Totals;
  /** Every row version the totals were computed from, as it was read, sketches included. */
  rows: ReadonlyMap<string, TotalsRow>;
  bytes: number;
}

/**
 * Bound on what the held totals take per database handle (sketches, rows and keys: heldEntryBytes). A today-window of the war room at 10M
 * orders holds ~8 MB (24 hour rows × 28 dimension combinations × 12 KB), a closed day 0.3 MB.
 */
export const TOTALS_CACHE_BYTES = 64 * 1024 * 1024;

/** The totals object, its maps and the entry itself, whatever the window holds (measured: ~3.6 KB for one shop). */
const ENTRY_BYTES = 4_096;
/** A held row's version string, counters and map slot, besides its sketches. */
const ROW_BYTES = 512;

/**
 * What an entry holds on the heap: its sketches, and what counting only those left out — the key (a
 * credential over 1,000 shops names each of them: ~36 KB per key), the rows' counters and the totals.
 * Counted as sketch bytes alone, a window with no rows cost 0 and a poller's moving windows filled the
 * heap without ever reaching the bound.
 */
export function heldEntryBytes(key: string, rows: number, sketchBytes: number): number {
  return ENTRY_BYTES + key.length * 2 + rows * ROW_BYTES + sketchBytes;
}

/** Least recently used first: a Map iterates in insertion order, and a hit re-inserts its entry. */
export class TotalsCache {
  private readonly entries = new Map<string, CachedTotals>();
  private bytes = 0;

  constructor(private readonly maxBytes: number = TOTALS_CACHE_BYTES) {}

  get(key: string): CachedTotals | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedTotals): void {
    this.delete(key);
    if (this.maxBytes <= 0 || entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry (benchmarks reading cold). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  private delete(key: string) {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
  }
}

/**
 * One cache per database handle: row versions mean nothing across databases (two fresh databases
 * built by the same migrations share partition oids, slots and transaction ids). A transaction's
 * handle gets its own, which ends with it; rows it wrote are visible to it alone.
 */
const caches = new WeakMap<DbOrTx, TotalsCache>();

export function totalsCacheOf(db: DbOrTx): TotalsCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new TotalsCache()));
  return cache;
}

/**
 * The held row for a row read without its sketches, or undefined when the version is not held. Throws
 * StaleVersion when the version is held with other counters or dimensions (see above).
 */
export function heldRow(entry: CachedTotals | undefined, version: string, read: TotalsRow): TotalsRow | undefined {
  const held = entry?.rows.get(version);
  if (!held) return undefined;
  if (held.channel !== read.channel || held.source !== read.source || COUNTER_NAMES.some((name) => held[name] !== read[name])) {
    throw new StaleVersion(version);
  }
  return held;
}

export class StaleVersion extends Error {
  constructor(version: string) {
    super(`rollup row version ${version} is held with other contents`);
  }
}

/** Replaces the handle's cache with one of `maxBytes` (0: nothing is held, every read is in full), for benchmarks' A/B. */
export function setTotalsCacheBytes(db: DbOrTx, maxBytes: number): void {
  caches.set(db, new TotalsCache(maxBytes));
}

/** True when the rows read are exactly the rows the entry was computed from (a version appears once per result). */
export function sameRows(read: readonly (TotalsRow & { version: string })[], entry: CachedTotals): boolean {
  return read.length === entry.rows.size && read.every((row) => heldRow(entry, row.version, row) !== undefined);
}

export const sketchBytes = (row: TotalsRow) => (row.visitors?.length ?? 0) + (row.carters?.length ?? 0) + (row.buyers?.length ?? 0);

/** Freezes the totals a cache hands to every later caller, so none can change another's answer. */
export function frozenTotals(totals: Totals): Totals {
  Object.freeze(totals.all);
  for (const row of totals.byChannel) Object.freeze(row);
  for (const row of totals.bySource) Object.freeze(row);
  Object.freeze(totals.byChannel);
  Object.freeze(totals.bySource);
  return Object.freeze(totals);
}
