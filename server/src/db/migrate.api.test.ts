import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sessionsWaitingOnLocks } from '../../test/backends.js';
import { runCli } from '../../test/cli.js';
import { insertOrder, insertShop } from '../../test/fixtures.js';
import { withinDeadline } from '../lib/deadline.js';
import { fromProjectRoot } from '../lib/project-root.js';
import { createLogger } from '../logger.js';
import { openDatabase, type Database } from './client.js';
import { MigrationBlockedError } from './migrate.js';
import { rows } from './rows.js';

/** Short figures through parameters: the production ones are 3 s, 10 s and 5 minutes (migrate.ts). */
const LOCK_TIMEOUT_MS = 400;
const RETRY_PAUSE_MS = 300;
/** Longer than any wait the migration may impose on a writer: what the writer waited before this change. */
const READ_HELD_MS = 4_000;
const adminUrl = inject('postgresUrl');

/**
 * A deploy whose migration alters `orders` while a long read holds it: a report, or pg_dump, which holds
 * ACCESS SHARE on every table for its whole run. The migration's ACCESS EXCLUSIVE request waits, and every
 * write to the table queues behind the request; before, both waited for as long as the read ran, unlogged.
 */
describe.skipIf(!adminUrl)('migrations that meet a long read [postgres]', () => {
  const name = `peakops_migrate_${randomBytes(6).toString('hex')}`;
  const url = adminUrl ? adminUrl.replace(/\/[^/]*$/, `/${name}`) : '';
  const folders: string[] = [];
  let admin: postgres.Sql;
  let report: postgres.Sql;
  let database: Database;
  let shopId: string;

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    database = await openDatabase({ kind: 'postgres', url });
    await database.migrate();
    shopId = (await insertShop(database.db, '天猫旗舰店')).id;
    report = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'monthly-report' } });
  });
  afterAll(async () => {
    await database?.close();
    await report?.end();
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  /** This version's migrations and a next version's, which adds `column` to orders (ACCESS EXCLUSIVE). */
  function nextVersionAddingToOrders(column: string): string {
    const folder = mkdtempSync(path.join(tmpdir(), 'peakops-migrations-'));
    folders.push(folder);
    cpSync(fromProjectRoot('migrations'), folder, { recursive: true, filter: (file) => !file.endsWith('_snapshot.json') });
    const journalFile = path.join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; when: number; tag: string }[] };
    const last = journal.entries.at(-1)!;
    // Each test's migration is later than the one before, as a real next version's would be.
    const tag = `${String(last.idx + 1).padStart(4, '0')}_orders_${column}`;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1_000 * folders.length, tag });
    writeFileSync(journalFile, JSON.stringify(journal));
    writeFileSync(path.join(folder, `${tag}.sql`), `-- A column, as an additive migration adds one.\nALTER TABLE "orders" ADD COLUMN "${column}" text;`);
    return folder;
  }

  /** The report: a transaction in another session that has read orders and stays open until released. */
  async function longReadOfOrders(): Promise<{ pid: number; release(): Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reading!: (pid: number) => void;
    const pid = new Promise<number>((resolve) => (reading = resolve));
    const done = report.begin(async (tx) => {
      const [self] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await tx`select count(*) from orders`;
      reading(self!.pid);
      await released;
    });
    return {
      pid: await pid,
      async release() {
        release();
        await done;
      },
    };
  }

  function capturedLog() {
    const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
    const logger = createLogger({ LOG_LEVEL: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { logger, lines, warnings: () => lines.filter((line) => line.level === 40) };
  }

  const columnsOfOrders = async () =>
    (await rows<{ name: string }>(database.db, sql`select column_name as name from information_schema.columns where table_name = 'orders'`)).map((c) => c.name);

  it('a write to the table waits at most about the lock timeout, each retry names the read it waited behind, and the column arrives once the read ends', async () => {
    const read = await longReadOfOrders();
    const log = capturedLog();
    const migrating = database.migrate({ migrationsFolder: nextVersionAddingToOrders('note'), logger: log.logger, lockTimeoutMs: LOCK_TIMEOUT_MS, retryPauseMs: RETRY_PAUSE_MS, deadlineMs: 30_000 });
    migrating.catch(() => {}); // awaited below, after the read ends
    try {
      // The migration queues for its lock; an ingest-like write to orders arrives behind it.
      await expect.poll(() => sessionsWaitingOnLocks(database.db), { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(1);
      const started = performance.now();
      const write = insertOrder(database.db, { shopId, externalId: 'paid-while-migrating', placedAt: new Date('2026-11-11T12:00:00+08:00') });
      await Promise.race([write, new Promise((resolve) => setTimeout(resolve, READ_HELD_MS))]);
      expect(performance.now() - started).toBeLessThan(LOCK_TIMEOUT_MS + 1_000);
      await write;

      await expect.poll(() => log.warnings().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      const [first, second] = log.warnings();
      for (const [i, warning] of [first!, second!].entries()) {
        expect(warning).toMatchObject({
          attempt: i + 1,
          lockTimeoutMs: LOCK_TIMEOUT_MS,
          retryInMs: RETRY_PAUSE_MS,
          waitedFor: { lock: 'AccessExclusiveLock', on: 'orders' },
          blockedBy: [{ pid: read.pid, application: 'monthly-report', state: 'idle in transaction', query: 'select count(*) from orders', transactionSeconds: expect.any(Number) }],
        });
        expect(warning.msg).toMatch(
          new RegExp(
            `^migration attempt ${i + 1} waited 0.4 s for AccessExclusiveLock on orders, behind pid ${read.pid} \\(monthly-report, idle in transaction, ` +
              `in a transaction for \\d+ s\\): select count\\(\\*\\) from orders, for the statement ALTER TABLE "orders" ADD COLUMN "note" text; ` +
              `rolled back, trying again in 0.3 s \\(gives up [\\d.]+ s from now\\)$`,
          ),
        );
      }
      expect(await columnsOfOrders()).not.toContain('note');
    } finally {
      await read.release();
      // Settled here too, so a failure above does not leave it holding the migration lock for the next test.
      await migrating.catch(() => {});
    }

    await migrating;
    expect(await columnsOfOrders()).toContain('note');
    expect(log.lines[0]).toMatchObject({ level: 30, msg: expect.stringMatching(/^applying 1 migration\(s\): \d{4}_orders_note$/) });
    expect(log.lines.at(-1)).toMatchObject({ level: 30, msg: expect.stringMatching(/^applied 1 migration\(s\) in [\d.]+ s, at attempt \d+$/), applied: 1 });
  });

  it('a read held past the deadline fails the migration with an error naming it and what to do, and nothing is applied', async () => {
    const read = await longReadOfOrders();
    const log = capturedLog();
    try {
      const migrating = database.migrate({ migrationsFolder: nextVersionAddingToOrders('gift_message'), logger: log.logger, lockTimeoutMs: LOCK_TIMEOUT_MS, retryPauseMs: RETRY_PAUSE_MS, deadlineMs: 1_500 });
      const failure = await withinDeadline(migrating, 10_000, 'the migration was still waiting for its lock 10 s after a 1.5 s deadline').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationBlockedError);
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^migrations not applied: in \\d attempts over [\\d.]+ s they could not get their locks within the 0.4 s lock timeout\\. ` +
            `The last attempt waited for AccessExclusiveLock on orders, behind pid ${read.pid} \\(monthly-report, idle in transaction, in a transaction for \\d+ s\\): ` +
            `select count\\(\\*\\) from orders, for the statement ALTER TABLE "orders" ADD COLUMN "gift_message" text\\. Nothing was applied\\. ` +
            `Let that session finish, or end it \\(select pg_terminate_backend\\(${read.pid}\\)\\), then run npm run migrate again`,
        ),
      );
      expect(log.warnings().length).toBeGreaterThanOrEqual(1);
      expect(await columnsOfOrders()).not.toContain('gift_message');
    } finally {
      await read.release();
    }
  });

  it('a second instance starting meanwhile waits for the first one\'s migrations, says so, and applies nothing twice', async () => {
    const read = await longReadOfOrders();
    const folder = nextVersionAddingToOrders('packed_at');
    const [firstLog, secondLog] = [capturedLog(), capturedLog()];
    const options = { migrationsFolder: folder, lockTimeoutMs: LOCK_TIMEOUT_MS, retryPauseMs: RETRY_PAUSE_MS, deadlineMs: 30_000 };
    const first = database.migrate({ ...options, logger: firstLog.logger });
    first.catch(() => {});
    let second: Promise<void> | undefined;
    try {
      await expect.poll(() => firstLog.warnings().length, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
      second = database.migrate({ ...options, logger: secondLog.logger });
      second.catch(() => {});
      await expect.poll(() => secondLog.lines.map((line) => line.msg), { timeout: 5_000 }).toContain('another instance is applying migrations: waiting for it to finish');
    } finally {
      await read.release();
      await Promise.allSettled([first, second]);
    }
    await Promise.all([first, second]);
    expect(secondLog.lines.at(-1)).toMatchObject({ msg: 'no migrations to apply' });
    expect(await columnsOfOrders()).toContain('packed_at');
  });

  it('npm run migrate applies the pending migrations to DATABASE_URL and exits; run again, it finds none', async () => {
    const fresh = `${name}_cli`;
    await admin.unsafe(`create database ${fresh}`);
    try {
      const env = { DATABASE_URL: url.replace(/\/[^/]*$/, `/${fresh}`), LOG_LEVEL: 'info' };
      const journal = JSON.parse(readFileSync(fromProjectRoot('migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const first = await runCli('server/src/db/migrate.cli.ts', [], env);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toContain(`"msg":"applied ${journal.entries.length} migration(s) in `);
      const again = await runCli('server/src/db/migrate.cli.ts', [], env);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).toContain('"msg":"no migrations to apply"');
    } finally {
      await admin.unsafe(`drop database if exists ${fresh} with (force)`);
    }
  });

  it('npm run migrate without DATABASE_URL says it is for PostgreSQL and exits 1', async () => {
    const run = await runCli('server/src/db/migrate.cli.ts', [], { DATABASE_URL: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('migrate: DATABASE_URL is not set: this applies migrations to PostgreSQL');
  });
});
