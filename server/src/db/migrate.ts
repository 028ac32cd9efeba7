import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { Logger } from 'pino';
import postgres from 'postgres';
import { createLogger } from '../logger.js';
import { errorChain, isLockTimeout } from './errors.js';

/**
 * Migrations on PostgreSQL, applied while the old version's instances keep serving.
 *
 * drizzle's migrator (pg-core `dialect.migrate`) applies every pending migration in one transaction: a
 * table one of them alters stays locked until the last has run, and a failure anywhere rolls them all
 * back. `ALTER TABLE` asks for ACCESS EXCLUSIVE. While a long read holds the table (a report, or pg_dump,
 * which holds ACCESS SHARE on every table for its whole run) the request waits, and every later statement
 * on the table queues behind the request, ingest batches included: without a bound they waited as long as
 * the read did (40 s in the SRE's review, and producers' requests timed out).
 *
 * So an attempt waits at most `lockTimeoutMs` for any one lock. Then PostgreSQL cancels the statement
 * (55P03), the transaction rolls back, the queue behind it drains, and after `retryPauseMs` the next
 * attempt starts, until one gets its locks or `deadlineMs` has passed. There is no statement timeout:
 * once it holds its locks a migration takes what it takes (0017 copies the event log).
 */

/** Arbitrary constant shared by every PeakOps instance so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 4_242_618_1111;

/**
 * The longest a statement waits behind a migration that cannot get its lock. An ingest batch commits in
 * tens of milliseconds and the screens' reads take well under a second, so on a busy but healthy cluster
 * the first attempt gets its locks; 3 s more on a producer's batch stays far inside its request timeout
 * and STATEMENT_TIMEOUT_MS (30 s), which would otherwise cancel the queued batches with TIMEOUT.
 */
export const MIGRATION_LOCK_TIMEOUT_MS = 3_000;
/** Between attempts: the queued statements drain, and writes run freely for 10 s of every 13 at worst. */
export const MIGRATION_RETRY_PAUSE_MS = 10_000;
/**
 * Outlasts an ordinary long read (the 45 s report) several times over; a backup that runs longer fails the
 * start within minutes, naming it, instead of slowing ingestion for as long as the backup runs.
 */
export const MIGRATION_DEADLINE_MS = 300_000;

export type MigrationLogger = Pick<Logger, 'info' | 'warn'>;

export interface MigrateOptions {
  /** Where retries and what was applied are logged. Without one: warnings only, JSON lines on stdout. */
  logger?: MigrationLogger;
  /** drizzle-kit's output folder; the project's `migrations/` unless a test brings its own. */
  migrationsFolder?: string;
  /** PostgreSQL only, as are the two below (PGlite is one connection: there is nobody to wait for). */
  lockTimeoutMs?: number;
  retryPauseMs?: number;
  /** Counted from the first attempt; the wait for another instance's migrations does not count. */
  deadlineMs?: number;
}

/**
 * The migrations could not get their locks within the deadline. Its own class because its message is
 * what an operator reads in the failed start's one log line: what blocked them, and what to do. Nothing
 * was applied.
 */
export class MigrationBlockedError extends Error {
  override name = 'MigrationBlockedError';
}

/** A session the migration's was queued behind, as pg_stat_activity showed it. */
export interface LockHolder {
  pid: number;
  application: string | null;
  state: string | null;
  /** Null when this role may not see the session's details (it lacks pg_read_all_stats). */
  transactionSeconds: number | null;
  /** The start of its current (or, idle, its last) statement. */
  query: string | null;
}

/** What the migration's session was seen waiting for. */
export interface LockWait {
  lock: string;
  /** The table, or the kind of lock when it is not a table's (`transactionid`: a row another transaction holds). */
  on: string;
  behind: LockHolder[];
}

export async function migratePostgres(url: string, options: MigrateOptions & { migrationsFolder: string }): Promise<void> {
  const logger = options.logger ?? createLogger({ LOG_LEVEL: 'warn' });
  const lockTimeoutMs = options.lockTimeoutMs ?? MIGRATION_LOCK_TIMEOUT_MS;
  const retryPauseMs = options.retryPauseMs ?? MIGRATION_RETRY_PAUSE_MS;
  const deadlineMs = options.deadlineMs ?? MIGRATION_DEADLINE_MS;
  // The advisory lock is per connection, so lock and migrate on one dedicated connection.
  const session = postgres(url, { max: 1, onnotice: () => {} });
  // Connects at its first sample, which a migration that gets its locks within a sampling interval never takes.
  const observer = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await takeMigrationLock(session, logger);
    // Only now: the advisory lock must wait out another instance's migrations, however long they take.
    await session`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, false)`;
    const [self] = await session<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const pending = await pendingMigrations(session, options.migrationsFolder);
    if (pending.length > 0) logger.info({ migrations: pending }, `applying ${pending.length} migration(s): ${pending.length > 3 ? `${pending[0]} … ${pending.at(-1)}` : pending.join(', ')}`);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      const watch = watchLockWaits(observer, self!.pid, Math.max(50, lockTimeoutMs / 4));
      const failure = await migrate(drizzle({ client: session, casing: 'snake_case' }), { migrationsFolder: options.migrationsFolder }).then(
        () => null,
        (error: unknown) => ({ error }),
      );
      const seen = await watch.stop();
      const elapsedMs = performance.now() - started;
      if (!failure) {
        const summary = pending.length > 0 ? `applied ${pending.length} migration(s) in ${seconds(elapsedMs)}` : 'no migrations to apply';
        logger.info({ applied: pending.length, attempts: attempt }, attempt > 1 ? `${summary}, at attempt ${attempt}` : summary);
        return;
      }
      if (!isLockTimeout(failure.error)) throw failure.error;
      const waited = `${describeWait(seen)}, for the statement ${firstWords(failedStatement(failure.error)) ?? '(unknown)'}`;
      if (elapsedMs + retryPauseMs > deadlineMs) {
        throw new MigrationBlockedError(
          `migrations not applied: in ${attempt} attempts over ${seconds(elapsedMs)} they could not get their locks within the ` +
            `${seconds(lockTimeoutMs)} lock timeout. The last attempt waited for ${waited}. Nothing was applied. ` +
            `${whatToDo(seen)}, then run npm run migrate again (or start the instance again); do not migrate while ` +
            `pg_dump or long reports run (docs/OPERATIONS.md, "Deploying a new version").`,
        );
      }
      logger.warn(
        { attempt, lockTimeoutMs, retryInMs: retryPauseMs, waitedFor: seen && { lock: seen.lock, on: seen.on }, blockedBy: seen?.behind ?? [] },
        `migration attempt ${attempt} waited ${seconds(lockTimeoutMs)} for ${waited}; rolled back, trying again in ` +
          `${seconds(retryPauseMs)} (gives up ${seconds(Math.max(0, deadlineMs - elapsedMs))} from now)`,
      );
      await sleep(retryPauseMs);
    }
  } finally {
    await Promise.all([session.end({ timeout: 5 }), observer.end({ timeout: 5 })]);
  }
}

async function takeMigrationLock(session: postgres.Sql, logger: MigrationLogger): Promise<void> {
  const [lock] = await session<{ taken: boolean }[]>`select pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) as taken`;
  if (lock?.taken) return;
  logger.info('another instance is applying migrations: waiting for it to finish');
  await session`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
}

/** The journal's tags newer than the last applied, by drizzle's own rule (a `when` after the newest `created_at`). */
async function pendingMigrations(session: postgres.Sql, folder: string): Promise<string[]> {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const [table] = await session<{ exists: boolean }[]>`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`;
  const [applied] = table?.exists ? await session<{ last: string | null }[]>`select max(created_at) as last from drizzle.__drizzle_migrations` : [];
  const last = Number(applied?.last ?? 0);
  return journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag);
}

/**
 * Samples what the migration's session waits for, on a connection of its own: once PostgreSQL has given
 * up the wait (55P03), nothing shows any more what held it. Keeps the last wait seen; a sample that fails
 * is as good as none (the warning then says nothing was seen).
 */
function watchLockWaits(observer: postgres.Sql, pid: number, everyMs: number): { stop(): Promise<LockWait | null> } {
  const stopped = new AbortController();
  let seen: LockWait | null = null;
  const sampling = (async () => {
    while (!stopped.signal.aborted) {
      try {
        await sleep(everyMs, undefined, { signal: stopped.signal });
        seen = (await lockWaitOf(observer, pid)) ?? seen;
      } catch {
        // Stopped mid-sleep, or a failed sample: the attempt's own outcome is what counts.
      }
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await sampling;
      return seen;
    },
  };
}

async function lockWaitOf(observer: postgres.Sql, pid: number): Promise<LockWait | null> {
  // pg_blocking_pids names the sessions holding a conflicting lock and those queued ahead for one.
  const rows = await observer<{ mode: string; target: string; pid: number; application: string | null; state: string | null; transactionSeconds: number | null; query: string | null }[]>`
    select w.mode, coalesce(w.relation::regclass::text, w.locktype) as target, blocker.pid,
           nullif(b.application_name, '') as application, b.state,
           floor(extract(epoch from clock_timestamp() - b.xact_start))::int as "transactionSeconds", b.query
    from pg_locks w
    cross join lateral unnest(pg_blocking_pids(w.pid)) as blocker(pid)
    left join pg_stat_activity b on b.pid = blocker.pid
    where w.pid = ${pid} and not w.granted`;
  const [first] = rows;
  if (!first) return null;
  return {
    lock: first.mode,
    on: first.target,
    behind: rows.map(({ pid, application, state, transactionSeconds, query }) => ({ pid, application, state, transactionSeconds, query: firstWords(query) })),
  };
}

function describeWait(wait: LockWait | null): string {
  if (!wait) return 'a lock (what held it was not seen: its holder may have just ended)';
  const holders = wait.behind.map((h) => {
    const facts = [h.application, h.state, h.transactionSeconds === null ? null : `in a transaction for ${h.transactionSeconds} s`].filter(Boolean);
    return `pid ${h.pid}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${h.query ? `: ${h.query}` : ''}`;
  });
  return `${wait.lock} on ${wait.on}, behind ${holders.join('; ')}`;
}

function whatToDo(wait: LockWait | null): string {
  const pids = wait?.behind.map((h) => h.pid) ?? [];
  if (pids.length === 0) return 'Find what holds the tables the pending migrations change (pg_locks, pg_stat_activity) and let it finish';
  const ends = pids.map((p) => `select pg_terminate_backend(${p})`).join('; ');
  return pids.length === 1 ? `Let that session finish, or end it (${ends})` : `Let those sessions finish, or end them (${ends})`;
}

/** The statement drizzle reports as failed (DrizzleQueryError's `query`, or the driver's). */
function failedStatement(error: unknown): string | null {
  for (const { query } of errorChain(error)) if (typeof query === 'string') return query;
  return null;
}

/** A statement's start, on one line, without leading `--` comments: enough to recognise it, not its values. */
function firstWords(statement: string | null, max = 80): string | null {
  if (!statement) return null;
  const text = statement.replace(/^(\s*--[^\n]*\n)+/, '').replace(/\s+/g, ' ').trim().replace(/;$/, '');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
