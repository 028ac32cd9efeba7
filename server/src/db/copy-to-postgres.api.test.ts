import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../test/cli.js';
import { buildStream, chunks } from '../../test/event-stream.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../test/fixtures.js';
import { bearer, startTestServer } from '../../test/http.js';
import { openDatabase } from './client.js';
import { copyPgliteToPostgres } from './copy-to-postgres.js';

/**
 * The embedded default's data moved into PostgreSQL by the real command: every row of every table
 * equal, the war room's figures equal, a partner's key still working, new events still accepted —
 * and a second copy into the now non-empty database refused without touching it.
 */
const CLI = 'server/src/db/copy-to-postgres.cli.ts';
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { message } } }`;
const METRICS = `query ($scope: MetricScope!) { metrics(scope: $scope, from: "2026-11-11T00:00:00+08:00", to: "2026-11-12T00:00:00+08:00") {
  gmv netGmv orders buyers visitors conversionRate averageOrderValue refundRate addToCartRate
  bySource { source gmv orders visitors } series(interval: HOUR) { at gmv orders } topProducts(limit: 5) { sku { code } gmv unitsSold } } }`;
const NOW = () => new Date('2026-11-12T01:00:00+08:00');

const postgresUrl = inject('postgresUrl');

describe.skipIf(!postgresUrl)('copying a PGlite data directory into PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'peakops-copy-'));
  const name = `peakops_copy_${randomBytes(6).toString('hex')}`;
  const targetUrl = postgresUrl!.replace(/\/[^/]*$/, `/${name}`);
  let admin: postgres.Sql;
  let partnerKey: string;
  let campaignGid: string;
  let figuresBefore: unknown;
  let sent = 0;

  beforeAll(async () => {
    admin = postgres(postgresUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    // The source: a shop's day of traffic and orders ingested through the API, on a PGlite data directory.
    const source = await openDatabase({ kind: 'pglite', dataDir });
    await source.migrate();
    const shop = await insertShop(source.db, '天猫旗舰店');
    const skus = await Promise.all(
      [990, 12_900, 45_000].map(async (priceFen, i) => ({ gid: gid('Sku', (await insertSku(source.db, shop.id, `S${i}`, priceFen)).sku.id), priceFen })),
    );
    const campaign = await insertCampaign(source.db, [shop.id]);
    campaignGid = gid('Campaign', campaign.id);
    const server = await startTestServer({ kind: 'pglite', database: source, db: source.db }, { now: NOW });
    const stream = buildStream({ seed: 11, sessions: 600, start: new Date('2026-11-10T16:00:00Z'), hours: 24, shops: [{ gid: gid('Shop', shop.id), skus, campaignGid }] });
    sent = stream.events.length;
    for (const batch of chunks(stream.events, 500)) {
      const result = await server.gql(INGEST, { events: batch });
      expect(result.data).toMatchObject({ ingestEvents: { accepted: batch.length, userErrors: [] } });
    }
    partnerKey = await server.createKey({ shopIds: [shop.id], scopes: ['READ', 'INGEST'], name: 'partner' });
    figuresBefore = (await server.gql(METRICS, { scope: { campaignId: campaignGid } }, bearer(partnerKey))).data;
    await server.stop();
    await source.close();
  }, 120_000);

  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies every row of every table, and the war room, keys and ingestion carry on on PostgreSQL', async () => {
    const run = await runCli(CLI, ['--from', dataDir, '--to', targetUrl], {}, 120_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/copied \d+ rows in \d+ tables/);

    // Row for row: each table's rows as text, in one order, hashed on both sides.
    const source = new PGlite(dataDir);
    const target = postgres(targetUrl, { max: 1, onnotice: () => {} });
    try {
      const tables = (await target<{ table_name: string }[]>`
        select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`).map((r) => r.table_name);
      expect(tables).toContain('events');
      await expectSameRows(source, target, tables);
      const [events] = await target<{ n: number }[]>`select count(*)::int as n from events`;
      expect(events!.n).toBe(sent);
    } finally {
      await source.close();
      await target.end();
    }

    const database = await openDatabase({ kind: 'postgres', url: targetUrl });
    const server = await startTestServer({ kind: 'postgres', database, db: database.db }, { now: NOW });
    try {
      // The partner's key, made on PGlite, opens the same figures on PostgreSQL.
      const figures = await server.gql(METRICS, { scope: { campaignId: campaignGid } }, bearer(partnerKey));
      expect(figures.data).toEqual(figuresBefore);
      // The log's identity continues after the copied rows: a new event is accepted and counted.
      const shops = await server.gql('{ shops { edges { node { id } } } }', undefined, bearer(partnerKey));
      const shopId = (shops.data as { shops: { edges: { node: { id: string } }[] } }).shops.edges[0]!.node.id;
      const more = await server.gql(
        INGEST,
        { events: [{ id: 'after-copy-1', type: 'VISIT', occurredAt: '2026-11-11T23:00:00+08:00', shopId, source: 'SEARCH', visitorId: 'new-visitor', campaignId: campaignGid }] },
        bearer(partnerKey),
      );
      expect(more.data).toEqual({ ingestEvents: { accepted: 1, userErrors: [] } });
    } finally {
      await server.stop();
      await database.close();
    }
  }, 180_000);

  it('refuses a target that already holds PeakOps rows, and leaves it as it was', async () => {
    const target = postgres(targetUrl, { max: 1, onnotice: () => {} });
    try {
      const count = async () => (await target<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      const run = await runCli(CLI, ['--from', dataDir, '--to', targetUrl], {}, 120_000);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the target database is not empty \(.*events: \d+ rows/);
      expect(await count()).toBe(before);
    } finally {
      await target.end();
    }
  }, 180_000);

  it('copies a table larger than one chunk in several chunks, row for row', async () => {
    const chunked = `${name}_chunked`;
    await admin.unsafe(`create database ${chunked}`);
    const url = postgresUrl!.replace(/\/[^/]*$/, `/${chunked}`);
    try {
      // One heap page per chunk: the log and the rollups span many pages, so each is copied in many COPYs.
      const copied = await copyPgliteToPostgres({ dataDir, url, pagesPerChunk: 1 });
      expect(copied.find((t) => t.table === 'events')?.rows).toBe(sent);
      const source = new PGlite(dataDir);
      const target = postgres(url, { max: 1, onnotice: () => {} });
      try {
        // The log is partitioned by month: its pages are its partitions'.
        const [pages] = (await source.query<{ n: number }>(`select (max(pg_relation_size(relid)) / 8192)::int as n from pg_partition_tree('events') where isleaf`)).rows;
        expect(pages!.n).toBeGreaterThan(3);
        await expectSameRows(source, target, ['events', 'metric_rollups', 'orders', 'order_items', 'customers']);
      } finally {
        await source.close();
        await target.end();
      }
    } finally {
      await admin.unsafe(`drop database if exists ${chunked} with (force)`);
    }
  }, 180_000);

  it('answers a missing or malformed target with usage, before opening anything', async () => {
    const missing = await runCli(CLI, ['--from', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to is required');
    const malformed = await runCli(CLI, ['--from', dataDir, '--to', 'mysql://localhost/x']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--to must be a postgres:// or postgresql:// URL');
  });
});

/** Each table's rows as text, in one order, hashed on both sides (times printed in UTC on both). */
async function expectSameRows(source: PGlite, target: postgres.Sql, tables: string[]) {
  await source.exec(`set timezone = 'UTC'`);
  await target`set timezone = 'UTC'`;
  const digest = `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from `;
  for (const table of tables) {
    const [fromPglite] = (await source.query<{ n: number; h: string }>(`${digest}"${table}" t`)).rows;
    const [fromPostgres] = await target.unsafe<{ n: number; h: string }[]>(`${digest}"${table}" t`);
    expect({ table, ...fromPostgres }).toEqual({ table, ...fromPglite });
  }
}
