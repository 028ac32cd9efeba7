import { randomBytes } from 'node:crypto';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { forgetExactBuyers } from '../src/modules/metrics/exact-buyers.js';
import { afterAll, beforeAll, beforeEach, describe, expect, inject } from 'vitest';
import { openDatabase, type Database, type DatabaseKind, type Db, type DbOrTx } from '../src/db/client.js';
import { rows } from '../src/db/rows.js';
import * as tables from '../src/db/tables.js';

export interface TestBackend {
  kind: DatabaseKind;
  database: Database;
  db: Db;
}

/** The backends this run covers: PGlite always, real PostgreSQL when the global setup started one. */
export function availableBackends(): DatabaseKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Declares the suite once per backend. Each file gets its own database (an in-memory PGlite, or a
 * fresh database on the shared PostgreSQL server), migrated once; tables are emptied before each test.
 */
export function describeEachBackend(name: string, body: (backend: () => TestBackend) => void) {
  for (const kind of availableBackends()) {
    describe(`${name} [${kind}]`, () => {
      let backend: (TestBackend & { dispose(): Promise<void> }) | undefined;
      beforeAll(async () => {
        backend = await openTestBackend(kind);
      });
      afterAll(async () => {
        await backend?.dispose();
      });
      beforeEach(async () => {
        await truncateAll(backend!.db);
      });
      body(() => {
        if (!backend) throw new Error('backend not ready');
        return backend;
      });
    });
  }
}

export async function openTestBackend(kind: DatabaseKind): Promise<TestBackend & { dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.migrate();
    return { kind, database, db: database.db, dispose: () => database.close() };
  }
  const adminUrl = inject('postgresUrl');
  if (!adminUrl) throw new Error('no PostgreSQL server for this run');
  const name = `peakops_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const database = await openDatabase({ kind: 'postgres', url: adminUrl.replace(/\/[^/]*$/, `/${name}`) });
  await database.migrate();
  return {
    kind,
    database,
    db: database.db,
    async dispose() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const tableNames = Object.values(tables).flatMap((value: unknown) =>
  is(value, PgTable) ? [`"${getTableName(value)}"`] : [],
);

export async function truncateAll(db: Db) {
  forgetExactBuyers(db);
  await db.execute(sql.raw(`truncate table ${tableNames.join(', ')} restart identity cascade`));
}

/**
 * PostgreSQL sessions of this database waiting on a lock: how a test knows that the concurrent
 * transactions it started have met at a row or an advisory lock another session holds.
 */
export async function sessionsWaitingOnLocks(db: DbOrTx): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
  return row!.n;
}

/**
 * Makes concurrent transactions meet (PostgreSQL; PGlite has one connection): a session of its own takes
 * a lock (`take`), `concurrently` starts the transactions under test, and once `waiters` sessions wait on
 * a lock the held one is let go. `concurrently` gets `waitFor(n)` to order its own starts.
 */
export async function meetingAtALock<T>(
  db: Db,
  take: (tx: DbOrTx) => Promise<unknown>,
  waiters: number,
  concurrently: (waitFor: (n: number) => Promise<void>) => Promise<T>,
): Promise<T> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = db.transaction(async (tx) => {
    await take(tx);
    locked();
    await held;
  });
  await isLocked;
  const waitFor = (n: number) => expect.poll(() => sessionsWaitingOnLocks(db), { timeout: 10_000 }).toBe(n);
  const work = concurrently(waitFor);
  work.catch(() => {}); // awaited below, after the release; a rejection meanwhile is not unhandled
  await waitFor(waiters);
  release();
  await holder;
  return work;
}

/**
 * Two creates racing for the last slot under a cap: on PostgreSQL `table` is held in SHARE mode (reads
 * pass, inserts wait) until both creates wait at it, so each would have counted before either inserted
 * unless the creates queue for one another. PGlite has one connection: they run one after the other.
 */
export async function twoCreatesAtOnce<A>(backend: TestBackend, table: string, first: () => Promise<A>, second: () => Promise<A>): Promise<A[]> {
  const both = () => Promise.all([first(), second()]);
  if (backend.kind === 'pglite') return both();
  return meetingAtALock(backend.db, (tx) => tx.execute(sql.raw(`lock table ${table} in share mode`)), 2, both);
}

/**
 * Two edits of one row saved at the same moment, `first` ahead of `second` in the queue for it. On
 * PostgreSQL a session of its own holds the row (`lock`) until both wait on it: whatever either does
 * before it needs the row, an unlocked read of it included, happens before either writes. PGlite has
 * one connection, so there they run one after the other.
 */
export async function twoEditsAtOnce<A, B>(
  backend: TestBackend,
  lock: (tx: DbOrTx) => Promise<unknown>,
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<[A, B]> {
  if (backend.kind === 'pglite') return [await first(), await second()];
  return meetingAtALock(backend.db, lock, 2, async (waitFor) => {
    const a = first();
    a.catch(() => {}); // awaited below; a rejection while the second is queued is not unhandled
    await waitFor(1);
    return Promise.all([a, second()]);
  });
}
