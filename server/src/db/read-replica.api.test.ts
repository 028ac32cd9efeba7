import { sql } from 'drizzle-orm';
import { createClient, type Client } from 'graphql-ws';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gid, insertCampaign, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { startReplica, type PostgresReplica } from '../../test/postgres-replica.js';
import { findPostgresBin, startPostgres, type PostgresServer } from '../../test/postgres-server.js';
import { openDatabase, type Database } from './client.js';
import { rows } from './rows.js';
import { openReadReplica, replicaDataTime, type ReadReplica } from './read-replica.js';

/**
 * DATABASE_READ_URL against a real streaming replica (pg_basebackup -R): `metrics` and live topics
 * read the replica's figures, and while its replay is behind, live messages carry its data time as
 * `asOf` — the instant the war room's freshness badge compares with the clock.
 */
const bin = findPostgresBin();
if (!bin && process.env.PEAKOPS_REQUIRE_POSTGRES === '1') throw new Error('PEAKOPS_REQUIRE_POSTGRES=1 but no PostgreSQL binaries (initdb) were found');

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { message } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) { gmv orders } }`;
const LIVE = `subscription ($scope: MetricScope!) { liveMetrics(scope: $scope) { asOf metrics { gmv orders } } }`;

interface LiveMessage {
  asOf: string;
  metrics: { gmv: string; orders: number };
}

describe.skipIf(!bin)('a read replica (DATABASE_READ_URL)', () => {
  let primary: PostgresServer;
  let replica: PostgresReplica;
  let database: Database;
  let readReplica: ReadReplica;
  let server: TestServer;
  let shopGid: string;
  let skuGid: string;
  let scope: { campaignId: string };
  const window = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };

  beforeAll(async () => {
    primary = await startPostgres(bin!);
    const admin = postgres(primary.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database peakops');
    await admin.end();
    database = await openDatabase({ kind: 'postgres', url: primary.url('peakops') });
    await database.migrate();
    const shop = await insertShop(database.db, '天猫旗舰店');
    shopGid = gid('Shop', shop.id);
    skuGid = gid('Sku', (await insertSku(database.db, shop.id, 'S1', 19_900)).sku.id);
    const campaign = await insertCampaign(database.db, [shop.id], '双12', { startsAt: new Date(window.from), endsAt: new Date(window.to) });
    scope = { campaignId: gid('Campaign', campaign.id) };
    // The replica is cloned after the schema and catalog exist, as one added to a running deployment is.
    replica = await startReplica(bin!, primary.port);
    readReplica = openReadReplica(replica.url('peakops'));
    // A short heartbeat: an unchanged topic re-sends with a fresh asOf, which is where lag shows.
    server = await startTestServer({ kind: 'postgres', database, db: database.db }, { readReplica, heartbeatMs: 200 });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await readReplica?.close();
    await database?.close();
    replica?.stop();
    primary?.stop();
  });

  const paidOrder = async (orderId: string, yuan: string) => {
    const occurredAt = new Date().toISOString();
    const base = { shopId: shopGid, source: 'SEARCH', orderId, campaignId: scope.campaignId, occurredAt };
    const result = await server.gql(INGEST, {
      events: [
        { ...base, id: `${orderId}-placed`, type: 'ORDER_PLACED', items: [{ skuId: skuGid, quantity: 1, unitPrice: yuan }] },
        { ...base, id: `${orderId}-paid`, type: 'ORDER_PAID', amount: yuan, customerId: `c-${orderId}` },
      ],
    });
    expect(result).toMatchObject({ data: { ingestEvents: { accepted: 2, userErrors: [] } } });
  };
  const metrics = async () => (await server.gql(METRICS, { scope, ...window })).data as { metrics: { gmv: string; orders: number } };
  const primaryGmvFen = async () => {
    const [row] = await rows<{ fen: number }>(database.db, sql`select coalesce(sum(amount_fen), 0)::int as fen from orders where status = 'PAID'`);
    return row!.fen;
  };

  it('reads metrics and live figures from the replica, and shows its lag in asOf until replay catches up', async () => {
    const client: Client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: server.wsParams });
    const messages: LiveMessage[] = [];
    let wake = () => {};
    const stop = client.subscribe<{ liveMetrics: LiveMessage }>(
      { query: LIVE, variables: { scope } },
      { next: (r) => { if (r.data) messages.push(r.data.liveMetrics); wake(); }, error: (e) => { throw e; }, complete: () => {} },
    );
    const next = async () => {
      const seen = messages.length;
      const deadline = Date.now() + 15_000;
      while (messages.length === seen) {
        if (Date.now() > deadline) throw new Error('no live message within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
        await server.app.ticker.tick();
      }
      return messages.at(-1)!;
    };
    try {
      await paidOrder('R1', '199.00');
      await replica.caughtUp(primary.url('peakops'));
      await server.app.ticker.tick();
      while (messages.at(-1)?.metrics.gmv !== '199.00') await next();
      expect(await metrics()).toEqual({ metrics: { gmv: '199.00', orders: 1 } });

      // Replay paused: the primary takes an order the replica has not replayed.
      await replica.pauseReplay();
      const pausedAt = Date.now();
      await paidOrder('R2', '100.00');
      expect(await primaryGmvFen()).toBe(29_900);
      // What partners and screens read is the replica's state, not the primary's...
      expect(await metrics()).toEqual({ metrics: { gmv: '199.00', orders: 1 } });
      // ...and the live stream says how old it is: asOf stays at the last replayed commit.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const lagging = await next();
      expect(lagging.metrics.gmv).toBe('199.00');
      expect(new Date(lagging.asOf).getTime()).toBeLessThanOrEqual(pausedAt);
      expect(Date.now() - new Date(lagging.asOf).getTime()).toBeGreaterThanOrEqual(1_500);

      // Replay resumed: the figures arrive, and asOf is the clock again.
      await replica.resumeReplay();
      const resumedAt = Date.now();
      await replica.caughtUp(primary.url('peakops'));
      let caughtUp = await next();
      while (caughtUp.metrics.gmv !== '299.00') caughtUp = await next();
      expect(caughtUp.metrics.orders).toBe(2);
      // The clock again (not a replayed commit from before the resume), whatever the machine's load.
      expect(new Date(caughtUp.asOf).getTime()).toBeGreaterThanOrEqual(resumedAt);
      expect(await metrics()).toEqual({ metrics: { gmv: '299.00', orders: 2 } });
    } finally {
      stop();
      await client.dispose();
    }
  }, 120_000);

  it('is not ready while the replica does not answer, naming it', async () => {
    const ready = async () => {
      const response = await fetch(`${server.url}/ready`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
    replica.stop();
    expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', stopped: ['read replica'] } });
  }, 60_000);
});

describe('the data time of a read replica', () => {
  const now = new Date('2026-11-11T12:00:00Z');
  const earlier = new Date('2026-11-11T11:59:50Z');
  it('is the clock on a primary, on a standby that replayed all it received, or before any replay', () => {
    expect(replicaDataTime({ standby: false, caught_up: null, replayed_ms: null }, now)).toEqual(now);
    expect(replicaDataTime({ standby: true, caught_up: true, replayed_ms: earlier.getTime() }, now)).toEqual(now);
    expect(replicaDataTime({ standby: true, caught_up: false, replayed_ms: null }, now)).toEqual(now);
  });
  it('is the last replayed commit on a standby behind what it received, never later than the clock', () => {
    expect(replicaDataTime({ standby: true, caught_up: false, replayed_ms: earlier.getTime() }, now)).toEqual(earlier);
    expect(replicaDataTime({ standby: true, caught_up: null, replayed_ms: earlier.getTime() }, now)).toEqual(earlier);
    expect(replicaDataTime({ standby: true, caught_up: false, replayed_ms: Date.parse('2026-11-11T12:00:05Z') }, now)).toEqual(now);
  });
});
