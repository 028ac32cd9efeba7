import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import { liftStatementTimeout } from '../../db/statement-timeout.js';
import { eventsHorizon, horizon, type RetentionSettings } from './history.retention.js';

/**
 * The tables partitioned by UTC month (migration 0017): each has monthly partitions `<parent>_pYYYYMM`
 * and a DEFAULT partition `<parent>_default` that takes any row no month was created for, so an event
 * from any time is always accepted. UTC months, because retention horizons are instants: a month is
 * dropped once its last instant is older than the horizon, whatever the time zone of the screens.
 */
export const MONTHLY_TABLES = [
  { parent: 'events', key: 'occurred_at', kept: 'events' },
  { parent: 'metric_rollups_minute', key: 'bucket', kept: 'minuteRollups' },
  { parent: 'sku_rollups_minute', key: 'bucket', kept: 'minuteRollups' },
] as const;

/** Months created ahead of the current one, so the month turning over never sends rows to the default. */
export const MONTHS_AHEAD = 2;

export interface MonthlyPartition {
  name: string;
  from: Date;
  to: Date;
}

/**
 * The advisory lock peakops_month_partition takes (migration 0017, which spells these numbers out): one
 * lock over the set of monthly partitions, held until the transaction ends. Creating and dropping both
 * take it first, before touching any table. Two instances dropping at once would otherwise both list a
 * month and the slower fail on it; and dropping a month locks the parent and its DEFAULT partition
 * exclusively, so a creating transaction that had already read a default before waiting for this lock
 * would deadlock against it (as creating against an unlocked drop did whenever a month was made).
 */
export const PARTITION_SET_LOCK = { classId: 4242618, objectId: 13 } as const;

function lockPartitionSet(tx: DbOrTx) {
  return tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_SET_LOCK.classId}::int, ${PARTITION_SET_LOCK.objectId}::int)`);
}

export const monthStart = (t: Date, monthsLater = 0) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + monthsLater, 1));

/**
 * Creates the partitions of the current UTC month and the next MONTHS_AHEAD for every monthly table,
 * and of every month the DEFAULT partition holds rows of (late or back-filled events, a month before
 * this version was installed), those missing. peakops_month_partition (migration 0017) first moves a
 * month's rows out of the default (PostgreSQL refuses a partition whose rows the default already holds)
 * and back in through the parent, in this transaction, so the default stays a place rows pass through.
 * Returns the partitions created.
 */
export async function ensureMonthlyPartitions(db: DbOrTx, now: Date): Promise<string[]> {
  const created: string[] = [];
  await db.transaction(async (tx) => {
    await liftStatementTimeout(tx); // moving a month's rows out of the default can take minutes
    await lockPartitionSet(tx);
    for (const table of MONTHLY_TABLES) {
      const stranded = await rows<{ month: string }>(
        tx,
        sql`select distinct to_char(date_trunc('month', ${sql.identifier(table.key)} at time zone 'UTC'), 'YYYY-MM-DD"T00:00:00Z"') as month
            from ${sql.identifier(`${table.parent}_default`)}`,
      );
      const ahead = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => monthStart(now, i));
      for (const month of [...stranded.map((r) => new Date(r.month)), ...ahead]) {
        if (await createMonthPartition(tx, table, month)) created.push(partitionName(table.parent, month));
      }
    }
  });
  return created;
}

/** The partition of the UTC month holding `month`, unless it exists (then false). Run it in a transaction. */
export async function createMonthPartition(db: DbOrTx, table: (typeof MONTHLY_TABLES)[number], month: Date): Promise<boolean> {
  const [made] = await rows<{ made: boolean }>(db, sql`select peakops_month_partition(${table.parent}, ${table.key}, ${month.toISOString()}::timestamptz) as made`);
  return made!.made;
}

/** The monthly partitions of a parent, oldest first (the default is not one of them). */
export async function monthlyPartitions(db: DbOrTx, parent: string): Promise<MonthlyPartition[]> {
  const children = await rows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass(${parent})`,
  );
  const pattern = new RegExp(`^${parent}_p(\\d{4})(\\d{2})$`);
  return children
    .flatMap(({ name }) => {
      const match = pattern.exec(name);
      if (!match) return [];
      const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
      return [{ name, from, to: monthStart(from, 1) }];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

export interface Expired {
  /** Monthly partitions dropped whole. */
  dropped: string[];
  /** Rows past a horizon deleted from the DEFAULT partitions: stragglers that arrived for a month with no partition. */
  stragglers: number;
  /** Idempotency keys deleted with the events past the events horizon. */
  eventKeys: number;
}

/**
 * Applies retention: in one transaction, drops every monthly partition entirely older than its horizon
 * (never deleting row by row in the months) and deletes the few rows past the horizon that sit in a
 * default partition; then, in transactions of their own, the events' idempotency keys past the events
 * horizon (dropExpiredEventKeys).
 */
export async function dropExpiredHistory(db: DbOrTx, now: Date, settings: RetentionSettings, stopping: () => boolean = () => false): Promise<Expired> {
  const horizons = { minuteRollups: horizon(now, settings.minuteRollupsDays), events: eventsHorizon(now, settings) };
  const expired: Expired = { dropped: [], stragglers: 0, eventKeys: 0 };
  await db.transaction(async (tx) => {
    await liftStatementTimeout(tx); // the drops wait for every ingest batch under way on the log
    // Before listing the months: a pass that waited here sees the months another instance just dropped as gone.
    await lockPartitionSet(tx);
    for (const table of MONTHLY_TABLES) {
      const before = horizons[table.kept];
      if (!before) continue;
      for (const partition of await monthlyPartitions(tx, table.parent)) {
        if (partition.to > before) continue;
        // IF EXISTS for an instance still on a version that drops without the lock, during a rolling deploy.
        await tx.execute(sql`drop table if exists ${sql.identifier(partition.name)}`);
        expired.dropped.push(partition.name);
      }
      const stragglers = await rows<{ n: number }>(
        tx,
        sql`with gone as (delete from ${sql.identifier(`${table.parent}_default`)} where ${sql.identifier(table.key)} < ${before.toISOString()}::timestamptz returning 1)
            select count(*)::int as n from gone`,
      );
      expired.stragglers += stragglers[0]!.n;
    }
  });
  // After the commit: dropping a month holds its parent (the event log) exclusively until then, and a
  // month of keys takes long to delete, so ingestion would wait on the whole delete.
  if (horizons.events) expired.eventKeys = await dropExpiredEventKeys(db, horizons.events, stopping);
  return expired;
}

/** How many hours of idempotency keys one statement deletes: a Double 11 hour is a few million keys. */
export const EVENT_KEY_SLICE_MS = 3_600_000;

/**
 * Deletes the idempotency keys of events older than `before` (ingestion refuses events that old, so no
 * replay can need them), an hour of keys per statement, each committed on its own: no statement holds
 * many locks or much WAL for long, and a pass cut short (`stopping`, a failure) leaves the rest for the next.
 * Hours without keys are skipped: one stray key from years back costs a statement, not one per hour since.
 */
export async function dropExpiredEventKeys(db: DbOrTx, before: Date, stopping: () => boolean = () => false): Promise<number> {
  // The lower bound lets the BRIN index skip the ranges earlier slices emptied.
  const since = (from: Date | null) => (from ? sql`occurred_at >= ${from.toISOString()}::timestamptz and ` : sql``);
  const oldestFrom = async (tx: Tx, from: Date | null) => {
    const [oldest] = await rows<{ ms: number | null }>(
      tx,
      sql`select (extract(epoch from min(occurred_at)) * 1000)::float8 as ms from event_keys where ${since(from)}occurred_at < ${before.toISOString()}::timestamptz`,
    );
    return oldest?.ms ?? null;
  };
  // Each step its own transaction, the only way to lift the statement bound for a Double 11 hour of keys.
  const lifted = <T>(work: (tx: Tx) => Promise<T>) =>
    db.transaction(async (tx) => {
      await liftStatementTimeout(tx);
      return work(tx);
    });
  let deleted = 0;
  let from: Date | null = null; // the first slice has no lower bound: nothing older is left after it
  let next = await lifted((tx) => oldestFrom(tx, null));
  while (next !== null && !stopping()) {
    const to = new Date(Math.min(Math.floor(next / EVENT_KEY_SLICE_MS) * EVENT_KEY_SLICE_MS + EVENT_KEY_SLICE_MS, before.getTime()));
    const sliceFrom: Date | null = from;
    const done = to.getTime() >= before.getTime();
    // The slice's delete commits with the next oldest read: one transaction per slice.
    [deleted, next] = await lifted(async (tx) => {
      const gone = await rows<{ n: number }>(
        tx,
        sql`with gone as (delete from event_keys where ${since(sliceFrom)}occurred_at < ${to.toISOString()}::timestamptz returning 1) select count(*)::int as n from gone`,
      );
      return [deleted + gone[0]!.n, done ? null : await oldestFrom(tx, to)] as const;
    });
    from = to;
  }
  return deleted;
}

function partitionName(parent: string, month: Date): string {
  return `${parent}_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}
