import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildStream, chunks, shuffled } from '../../../test/event-stream.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { startServerProcess, TEST_ADMIN_KEY, type ServerProcess } from '../../../test/server-process.js';
import { openDatabase, type Database } from '../../db/client.js';
import { rows } from '../../db/rows.js';

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates userErrors { code } } }`;
const adminUrl = inject('postgresUrl');

/** Crash safety needs a server process to kill and a database that outlives it: real PostgreSQL only. */
describe.skipIf(!adminUrl)('ingestion survives SIGKILL [postgres]', () => {
  const name = `peakops_crash_${Date.now()}`;
  const url = adminUrl ? adminUrl.replace(/\/[^/]*$/, `/${name}`) : '';
  let admin: postgres.Sql;
  let database: Database;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await database?.close();
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end();
  });

  it('loses nothing acknowledged and double-counts nothing resent after a kill mid-ingestion', async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    server = await startServerProcess({ DATABASE_URL: url }, []);
    database = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
    const shop = await insertShop(database.db, '天猫店');
    const skus = await Promise.all(
      [990, 12_900, 45_000].map(async (priceFen, i) => ({ gid: gid('Sku', (await insertSku(database.db, shop.id, `S${i}`, priceFen)).sku.id), priceFen })),
    );
    const stream = buildStream({ seed: 1111, sessions: 8_000, start: new Date('2026-11-10T16:00:00Z'), hours: 4, shops: [{ gid: gid('Shop', shop.id), skus, campaignGid: null }] });
    const batches = chunks(shuffled(stream.events, 5), 400);
    const acknowledged = new Set<number>();

    // Four producers; the server is killed once a quarter of the batches are acknowledged.
    let next = 0;
    let killed = false;
    const producer = async (target: ServerProcess) => {
      while (next < batches.length && !killed) {
        const index = next++;
        try {
          const response = await fetch(`${target.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
            body: JSON.stringify({ query: INGEST, variables: { events: batches[index] } }),
          });
          const body = (await response.json()) as { data?: { ingestEvents: unknown } };
          if (body.data?.ingestEvents) acknowledged.add(index);
        } catch {
          // connection dropped by the kill: this batch is unacknowledged
        }
        if (!killed && acknowledged.size >= batches.length / 4) {
          killed = true;
          target.child.kill('SIGKILL');
        }
      }
    };
    const first = server;
    await Promise.all(Array.from({ length: 4 }, () => producer(first)));
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeLessThan(batches.length);

    // Restart and resend everything not acknowledged (some of it may have committed before the kill). A
    // producer that gets no answer sends the batch again, as at-least-once producers do (CI once saw one
    // ECONNRESET here); a server that stays down still fails the test, with its output.
    const restarted = await startServerProcess({ DATABASE_URL: url }, []);
    server = restarted;
    const resend = async (batch: unknown[]): Promise<Response> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fetch(`${restarted.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
            body: JSON.stringify({ query: INGEST, variables: { events: batch } }),
          });
        } catch (error) {
          if (attempt === 3) throw new Error(`no answer to a resent batch after 3 tries; the server said:\n${restarted.output()}`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };
    for (const [index, batch] of batches.entries()) {
      if (acknowledged.has(index)) continue;
      const response = await resend(batch);
      const body = (await response.json()) as { data: { ingestEvents: { userErrors: unknown[] } } };
      expect(body.data.ingestEvents.userErrors).toEqual([]);
    }

    const [totals] = await rows<Record<string, string>>(
      database.db,
      sql`select sum(gmv_fen) as gmv, sum(orders_paid) as orders, sum(orders_placed) as placed, sum(visits) as visits,
            sum(refunded_fen) as refunded, sum(refunded_orders) as refunded_orders, sum(units_sold) as units
          from metric_rollups where granularity = 'DAY'`,
    );
    expect(Object.fromEntries(Object.entries(totals!).map(([k, v]) => [k, Number(v)]))).toEqual({
      gmv: stream.expected.gmvFen,
      orders: stream.expected.orders,
      placed: stream.expected.ordersPlaced,
      visits: stream.expected.visits,
      refunded: stream.expected.refundedFen,
      refunded_orders: stream.expected.refundedOrders,
      units: stream.expected.unitsSold,
    });
    const [events] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from events`);
    expect(events!.n).toBe(stream.events.length);
    expect(await server.stop()).toBe(0);
  }, 240_000);
});
