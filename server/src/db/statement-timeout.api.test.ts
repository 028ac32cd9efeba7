import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gid, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { dropExpiredEventKeys } from '../modules/history/history.partitions.js';
import { openDatabase, type Database } from './client.js';
import { rows } from './rows.js';
import { isStatementTimeout, liftStatementTimeout } from './statement-timeout.js';

const BOUND_MS = 400;
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates userErrors { code } } }`;
const adminUrl = inject('postgresUrl');

/**
 * PGlite has one connection inside the process and no timer to cancel a statement with: the bound is
 * PostgreSQL's. A lock held by another session is how a statement gets stuck in production (a partner's
 * query behind a migration, an ingest behind a month being dropped), and it makes the wait exact here.
 */
describe.skipIf(!adminUrl)('every statement is bounded by STATEMENT_TIMEOUT_MS [postgres]', () => {
  const name = `peakops_timeout_${Date.now()}`;
  const url = adminUrl ? adminUrl.replace(/\/[^/]*$/, `/${name}`) : '';
  let admin: postgres.Sql;
  let locker: postgres.Sql;
  let database: Database;
  let server: TestServer;
  let shop: string;
  let sku: string;

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    database = await openDatabase({ kind: 'postgres', url, statementTimeoutMs: BOUND_MS });
    await database.migrate();
    locker = postgres(url, { max: 1, onnotice: () => {} }); // another session, without the bound
    const s = await insertShop(database.db, '天猫店');
    shop = gid('Shop', s.id);
    sku = gid('Sku', (await insertSku(database.db, s.id, 'SKU-1', 19_900)).sku.id);
    server = await startTestServer({ kind: 'postgres', database, db: database.db }, { now: () => new Date('2026-11-11T12:00:00+08:00') });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await locker?.end();
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end();
  });

  /** Holds `table` exclusively in another session until the returned release is called. */
  async function holdLock(table: string): Promise<() => Promise<void>> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const done = locker.begin(async (tx) => {
      await tx.unsafe(`lock table ${table} in access exclusive mode`);
      locked();
      await released;
    });
    await isLocked;
    return async () => {
      release();
      await done;
    };
  }

  it('a query stuck behind a lock is stopped at the bound with TIMEOUT, and the next one is served', async () => {
    const release = await holdLock('shops');
    const started = performance.now();
    const stuck = await server.gql('{ shops { totalCount } }');
    const waited = performance.now() - started;
    await release();

    expect(stuck.errors).toEqual([expect.objectContaining({ path: ['shops'], extensions: { code: 'TIMEOUT', messageZh: '数据库中止了一条超过本服务器允许时长（STATEMENT_TIMEOUT_MS）的语句，其事务已回滚' } })]);
    expect(stuck.errors?.[0]?.message).toContain('STATEMENT_TIMEOUT_MS');
    expect(waited).toBeGreaterThanOrEqual(BOUND_MS * 0.9);
    expect(waited).toBeLessThan(BOUND_MS + 10_000); // not the lock's holder deciding when
    expect((await server.gql('{ shops { totalCount } }')).data).toEqual({ shops: { totalCount: 1 } });
  });

  it('an ingest batch stopped at the bound keeps nothing, and the same batch resent is accepted once', async () => {
    const batch = [
      { id: 'e1', type: 'ORDER_PLACED', occurredAt: '2026-11-11T10:00:00+08:00', shopId: shop, source: 'SEARCH', orderId: 'O1', items: [{ skuId: sku, quantity: 2, unitPrice: '199.00' }] },
      { id: 'e2', type: 'ORDER_PAID', occurredAt: '2026-11-11T10:05:00+08:00', shopId: shop, source: 'SEARCH', orderId: 'O1', amount: '398.00', customerId: 'c1' },
    ];
    const release = await holdLock('orders');
    const stuck = await server.gql(INGEST, { events: batch });
    await release();
    expect(stuck.errors).toEqual([expect.objectContaining({ extensions: { code: 'TIMEOUT', messageZh: expect.stringContaining('STATEMENT_TIMEOUT_MS') } })]);
    expect(await rows(database.db, sql`select event_id from event_keys`)).toEqual([]);

    expect((await server.gql(INGEST, { events: batch })).data.ingestEvents).toEqual({ accepted: 2, duplicates: 0, userErrors: [] });
    expect((await server.gql('{ orders { edges { node { amount items { sku { stock } } } } } }')).data.orders.edges).toEqual([
      { node: { amount: '398.00', items: [{ sku: { stock: 98 } }] } },
    ]);
  });

  it('an export stuck behind a lock answers 503 TIMEOUT, not a logged internal failure', async () => {
    const release = await holdLock('daily_reports');
    const response = await fetch(`${server.url}/export/daily-reports.csv?shopId=${encodeURIComponent(shop)}&from=2026-11-01&to=2026-11-11`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    await release();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringContaining('STATEMENT_TIMEOUT_MS'), extensions: { code: 'TIMEOUT', messageZh: '数据库中止了一条超过本服务器允许时长（STATEMENT_TIMEOUT_MS）的语句，其事务已回滚' } }] });
  });

  it('work that lifts the bound for its transaction runs past it; the connection is bounded again after', async () => {
    // One connection, so the statement after the transaction runs on the connection the transaction used.
    const single = await openDatabase({ kind: 'postgres', url, maxConnections: 1, genericPlanPool: false, statementTimeoutMs: BOUND_MS });
    try {
      const sleep = sql`select pg_sleep(${(BOUND_MS * 2) / 1000})`;
      await expect(single.db.transaction(async (tx) => tx.execute(sleep))).rejects.toSatisfy(isStatementTimeout);
      await single.db.transaction(async (tx) => {
        await liftStatementTimeout(tx);
        await tx.execute(sleep);
      });
      await expect(single.db.execute(sleep)).rejects.toSatisfy(isStatementTimeout);
    } finally {
      await single.close();
    }
  });

  it("the history job's key deletes wait out a lock longer than the bound instead of failing", async () => {
    await database.db.execute(sql`insert into event_keys (shop_id, event_id, occurred_at, payload_hash)
      values ('00000000-0000-4000-8000-000000000001', 'old', '2045-01-05T00:00:00Z', 'h')`);
    const [{ n }] = (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from event_keys`)) as [{ n: number }];
    const release = await holdLock('event_keys');
    const pass = dropExpiredEventKeys(database.db, new Date('2045-03-01T00:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, BOUND_MS * 2));
    await release();
    expect(await pass).toBe(n); // every key is older than the horizon
  });
});
