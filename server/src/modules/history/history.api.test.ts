import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, meetingAtALock, sessionsWaitingOnLocks } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';
import { dropExpiredEventKeys, dropExpiredHistory, ensureMonthlyPartitions, PARTITION_SET_LOCK, type Expired } from './history.partitions.js';

const INGEST = `mutation ($events: [EventInput!]!) {
  ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index field message code } }
}`;
const VISITS = `query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) { visits } }`;

// Every test works in months of its own, years apart: partitions outlive the truncation between tests.
describeEachBackend('history partitioned by month, and its retention', (backend) => {
  let server: TestServer;
  let started = false;
  let shop: string;
  let clock: Date;
  const visit = (id: string, occurredAt: string, visitorId = 'v1') => ({ id, type: 'VISIT', shopId: shop, source: 'SEARCH', visitorId, occurredAt });
  const ingest = (...events: object[]) => server.gql(INGEST, { events });
  const visits = async (from: string, to: string) => (await server.gql(VISITS, { from, to })).data.metrics.visits as number;
  const counted = async (from: string, to: string) =>
    (await server.gql(`query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) { from to visits } }`, { from, to })).data.metrics;
  /** Which partition holds each row, by event id (events) or minute (rollups). */
  const eventHomes = async () => rows<{ event_id: string; home: string }>(backend().db, sql`select event_id, tableoid::regclass::text as home from events order by event_id`);
  const minuteHomes = async () =>
    rows<{ bucket: string; home: string }>(backend().db, sql`select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as bucket, tableoid::regclass::text as home from metric_rollups where granularity = 'MINUTE' order by bucket`);
  const partitionsOf = async (parent: string) =>
    (await rows<{ name: string }>(backend().db, sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = to_regclass(${parent}) order by 1`)).map((r) => r.name);

  beforeEach(async () => {
    shop = gid('Shop', (await insertShop(backend().db, '天猫店')).id);
  });
  afterEach(async () => {
    if (started) await server.stop();
    started = false;
  });

  const start = async (at: string, retention = { minuteRollupsDays: 90, eventsDays: null as number | null }) => {
    clock = new Date(at);
    server = await startTestServer(backend(), { now: () => clock, retention, history: { everyMs: 3_600_000 } });
    started = true;
    // The run the job starts with; run() waits for it.
    await server.app.history!.run();
  };

  it('partitions the log and the minute rollups by month after migration, with a default for any time', async () => {
    for (const parent of ['events', 'metric_rollups_minute', 'sku_rollups_minute']) {
      const parts = await partitionsOf(parent);
      expect(parts).toContain(`${parent}_default`);
      expect(parts.filter((p) => /_p\d{6}$/.test(p)).length).toBeGreaterThanOrEqual(3);
    }
    expect(await partitionsOf('metric_rollups')).toEqual(['metric_rollups_day', 'metric_rollups_hour', 'metric_rollups_minute']);
    expect(await partitionsOf('sku_rollups')).toEqual(['sku_rollups_day', 'sku_rollups_hour', 'sku_rollups_minute']);
  });

  it('creates this month and the next two at start, and an event of a new month lands in its partition', async () => {
    await start('2031-03-15T12:00:00Z');
    expect(await partitionsOf('events')).toEqual(expect.arrayContaining(['events_p203103', 'events_p203104', 'events_p203105']));
    expect(await partitionsOf('sku_rollups_minute')).toEqual(expect.arrayContaining(['sku_rollups_minute_p203103', 'sku_rollups_minute_p203105']));
    expect((await ingest(visit('e1', '2031-03-15T11:59:30Z'))).data.ingestEvents.accepted).toBe(1);
    expect(await eventHomes()).toEqual([{ event_id: 'e1', home: 'events_p203103' }]);
    expect(await minuteHomes()).toEqual([{ bucket: '2031-03-15 11:59', home: 'metric_rollups_minute_p203103' }]);
  });

  it('moves events that arrived before their month had a partition into it when the month is created', async () => {
    await start('2032-06-20T00:00:00Z');
    clock = new Date('2032-09-02T00:00:00Z');
    expect((await ingest(visit('early', '2032-09-01T08:00:00Z'))).data.ingestEvents.accepted).toBe(1);
    expect(await eventHomes()).toEqual([{ event_id: 'early', home: 'events_default' }]);
    const run = await server.app.history!.run();
    expect(run.created).toContain('events_p203209');
    expect(await eventHomes()).toEqual([{ event_id: 'early', home: 'events_p203209' }]);
    expect(await minuteHomes()).toEqual([{ bucket: '2032-09-01 08:00', home: 'metric_rollups_minute_p203209' }]);
    // Its key came along: a replay is still a duplicate, counted once.
    expect((await ingest(visit('early', '2032-09-01T08:00:00Z'))).data.ingestEvents).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await visits('2032-09-01T00:00:00Z', '2032-09-02T00:00:00Z')).toBe(1);
  });

  it('gives a past month its partition when late events land in the default, and drops its minutes if past the horizon', async () => {
    await start('2039-11-20T00:00:00Z');
    clock = new Date('2039-11-21T00:00:00Z');
    // A producer back-fills October and July: months the job never made, so their rows land in the defaults.
    await ingest(visit('oct', '2039-10-05T08:00:00Z'), visit('jul', '2039-07-05T08:00:00Z', 'v2'));
    expect((await eventHomes()).map((e) => e.home)).toEqual(['events_default', 'events_default']);
    const run = await server.app.history!.run();
    expect(run.created).toEqual(expect.arrayContaining(['events_p203910', 'events_p203907', 'metric_rollups_minute_p203910']));
    expect(await eventHomes()).toEqual([
      { event_id: 'jul', home: 'events_p203907' },
      { event_id: 'oct', home: 'events_p203910' },
    ]);
    // July's minutes are past 90 days (horizon 2039-08-23): made, then dropped in the same run.
    expect(run.dropped).toContain('metric_rollups_minute_p203907');
    expect(await minuteHomes()).toEqual([{ bucket: '2039-10-05 08:00', home: 'metric_rollups_minute_p203910' }]);
    expect(await visits('2039-07-05T00:00:00+08:00', '2039-07-06T00:00:00+08:00')).toBe(1);
  });

  it('still recognises replays and reused ids across months', async () => {
    await start('2033-04-30T23:59:30Z');
    expect((await ingest(visit('m1', '2033-04-30T23:59:00Z'), visit('m2', '2033-04-30T22:00:00Z'))).data.ingestEvents.accepted).toBe(2);
    clock = new Date('2033-05-01T00:30:00Z');
    const replay = await ingest(
      visit('m1', '2033-04-30T23:59:00Z'),
      // Same id, a time in the next month: a different event under a used id.
      visit('m2', '2033-05-01T00:10:00Z'),
      visit('m3', '2033-05-01T00:10:00Z'),
    );
    expect(replay.data.ingestEvents).toEqual({
      accepted: 1,
      duplicates: 1,
      userErrors: [{ index: 1, field: ['input', 'events', '1', 'id'], message: 'event id m2 was already used for a different event', code: 'CONFLICT' }],
    });
    expect(await eventHomes()).toEqual([
      { event_id: 'm1', home: 'events_p203304' },
      { event_id: 'm2', home: 'events_p203304' },
      { event_id: 'm3', home: 'events_p203305' },
    ]);
    expect(await visits('2033-04-30T00:00:00Z', '2033-05-02T00:00:00Z')).toBe(3);
  });

  it('drops minute months past 90 days: recent windows stay exact, old windows count their whole hours and days', async () => {
    await start('2034-09-16T00:00:00Z');
    const oldWindow = { from: '2034-09-15T10:15:00Z', to: '2034-09-15T12:45:00Z' };
    // A flash sale over exactly that window, whose visits are attributed to it.
    const flash = await insertCampaign(backend().db, [Buffer.from(shop, 'base64').toString().split(':')[1]!], '秒杀', { startsAt: new Date(oldWindow.from), endsAt: new Date(oldWindow.to) });
    const campaignVisits = async () =>
      (await server.gql(`query ($id: ID!) { node(id: $id) { ... on Campaign { metrics { from to visits } } } }`, { id: gid('Campaign', flash.id) })).data.node.metrics;
    const inFlash = (e: object) => ({ ...e, campaignId: gid('Campaign', flash.id) });
    // 2034-09-15 is a Friday in Shanghai; three visits around 11:00 UTC, one inside a whole hour.
    await ingest(...[visit('old-edge-1', '2034-09-15T10:30:00Z'), visit('old-hour', '2034-09-15T11:30:00Z', 'v2'), visit('old-edge-2', '2034-09-15T12:30:00Z', 'v3')].map(inFlash));
    expect(await visits(oldWindow.from, oldWindow.to)).toBe(3);
    expect(await campaignVisits()).toEqual({ from: '2034-09-15T10:15:00.000Z', to: '2034-09-15T12:45:00.000Z', visits: 3 });

    clock = new Date('2035-01-10T00:00:00Z'); // 90 days back is 2034-10-12: September is entirely older
    // Before the job drops September's minutes, the answer is already the one it will be after, and says
    // which window it counted.
    expect(await counted(oldWindow.from, oldWindow.to)).toEqual({ from: '2034-09-15T11:00:00.000Z', to: '2034-09-15T12:00:00.000Z', visits: 1 });
    await ingest(visit('recent-1', '2035-01-09T10:30:00Z'), visit('recent-2', '2035-01-09T10:44:00Z', 'v2'));
    const run = await server.app.history!.run();
    expect(run.dropped).toEqual(expect.arrayContaining(['metric_rollups_minute_p203409', 'sku_rollups_minute_p203409']));
    expect(run.dropped).not.toContain('metric_rollups_minute_p203410');
    expect(run.dropped.filter((p) => p.startsWith('events'))).toEqual([]); // events are kept forever by default

    expect(await visits('2035-01-09T10:15:00Z', '2035-01-09T10:45:00Z')).toBe(2);
    // The minute edges 10:15–11:00 and 12:00–12:45 are gone; the whole hour 11:00–12:00 remains.
    expect(await counted(oldWindow.from, oldWindow.to)).toEqual({ from: '2034-09-15T11:00:00.000Z', to: '2034-09-15T12:00:00.000Z', visits: 1 });
    expect(await visits('2034-09-15T11:00:00Z', '2034-09-15T12:00:00Z')).toBe(1);
    // A campaign's own metrics (its window by default) follow the same horizon.
    expect(await campaignVisits()).toEqual({ from: '2034-09-15T11:00:00.000Z', to: '2034-09-15T12:00:00.000Z', visits: 1 });
    // Inside one old hour nothing is left to count: an empty window, said as such.
    expect(await counted('2034-09-15T10:15:00Z', '2034-09-15T10:45:00Z')).toEqual({ from: '2034-09-15T11:00:00.000Z', to: '2034-09-15T11:00:00.000Z', visits: 0 });
    // A recent window keeps its minutes, and its from and to are the ones asked.
    expect(await counted('2035-01-09T10:15:00Z', '2035-01-09T10:45:00Z')).toEqual({ from: '2035-01-09T10:15:00.000Z', to: '2035-01-09T10:45:00.000Z', visits: 2 });
    // The Shanghai day (DAY row) and its hours (HOUR rows) are all there.
    expect(await visits('2034-09-15T00:00:00+08:00', '2034-09-16T00:00:00+08:00')).toBe(3);
    expect(await visits('2034-09-15T10:00:00Z', '2034-09-15T13:00:00Z')).toBe(3);
    // The raw log still has every event.
    expect((await eventHomes()).map((e) => e.event_id)).toHaveLength(5);
  });

  it("counts an old campaign's progress and retrospective on the window it can still count, and says which", async () => {
    await start('2037-09-16T00:00:00Z');
    const shopId = Buffer.from(shop, 'base64').toString().split(':')[1]!;
    const { sku } = await insertSku(backend().db, shopId, 'FLASH', 10_000);
    const flash = await insertCampaign(backend().db, [shopId], '秒杀', { startsAt: new Date('2037-09-15T10:15:00Z'), endsAt: new Date('2037-09-15T12:45:00Z') });
    const sale = (order: string, at: string, amount: string) =>
      ['ORDER_PLACED', 'ORDER_PAID'].map((type) => ({
        id: `${order}-${type}`, type, shopId: shop, source: 'SEARCH', occurredAt: at, orderId: order, customerId: `c-${order}`, amount,
        campaignId: gid('Campaign', flash.id), items: [{ skuId: gid('Sku', sku.id), quantity: 1, unitPrice: amount }],
      }));
    // One paid order in each minute edge and one inside the whole hour 11:00–12:00.
    const sent = await ingest(...sale('o1', '2037-09-15T10:30:00Z', '100.00'), ...sale('o2', '2037-09-15T11:30:00Z', '200.00'), ...sale('o3', '2037-09-15T12:30:00Z', '300.00'));
    expect(sent.data.ingestEvents).toMatchObject({ accepted: 6, userErrors: [] });
    const figures = async () =>
      (
        await server.gql(
          `query ($id: ID!) { node(id: $id) { ... on Campaign {
            progress { gmv countedFrom countedTo curve { at actualGmv cumulativeActualGmv } }
            retrospective { gmv orders countedFrom countedTo } } } }`,
          { id: gid('Campaign', flash.id) },
        )
      ).data.node;
    const point = (at: string, actualGmv: string | null, cumulativeActualGmv: string | null) => ({ at, actualGmv, cumulativeActualGmv });
    expect(await figures()).toEqual({
      progress: {
        gmv: '600.00', countedFrom: '2037-09-15T10:15:00.000Z', countedTo: '2037-09-15T12:45:00.000Z',
        curve: [point('2037-09-15T10:15:00.000Z', '100.00', '100.00'), point('2037-09-15T11:00:00.000Z', '200.00', '300.00'), point('2037-09-15T12:00:00.000Z', '300.00', '600.00')],
      },
      retrospective: { gmv: '600.00', orders: 3, countedFrom: '2037-09-15T10:15:00.000Z', countedTo: '2037-09-15T12:45:00.000Z' },
    });

    // Four months on, September's minutes are past the 90 days kept: the edges cannot be counted any
    // more, so the figures are the whole hour's, the edge hours show no figure (not a 0), and both say so.
    clock = new Date('2038-01-10T00:00:00Z');
    const past = {
      progress: {
        gmv: '200.00', countedFrom: '2037-09-15T11:00:00.000Z', countedTo: '2037-09-15T12:00:00.000Z',
        curve: [point('2037-09-15T10:15:00.000Z', null, null), point('2037-09-15T11:00:00.000Z', '200.00', '200.00'), point('2037-09-15T12:00:00.000Z', null, null)],
      },
      retrospective: { gmv: '200.00', orders: 1, countedFrom: '2037-09-15T11:00:00.000Z', countedTo: '2037-09-15T12:00:00.000Z' },
    };
    // The same answer before the job drops the month as after: it does not depend on the job's timing.
    expect(await figures()).toEqual(past);
    const run = await server.app.history!.run();
    expect(run.dropped).toContain('metric_rollups_minute_p203709');
    expect(await figures()).toEqual(past);

    // Another merchant's key sees neither the campaign nor its counted window.
    const stranger = await server.createKey({ scopes: ['READ'], shopIds: [(await insertShop(backend().db, '京东店')).id] });
    const foreign = await server.gql(
      `query ($id: ID!) { node(id: $id) { ... on Campaign { progress { countedFrom countedTo } retrospective { countedFrom countedTo } } } }`,
      { id: gid('Campaign', flash.id) },
      bearer(stranger),
    );
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data.node).toBeNull();
  });

  it('refuses events older than the events retention, new or replayed, once their month and keys are gone', async () => {
    await start('2036-02-01T00:00:00Z', { minuteRollupsDays: 90, eventsDays: 30 });
    expect((await ingest(visit('feb', '2036-02-01T00:00:00Z'))).data.ingestEvents.accepted).toBe(1);
    clock = new Date('2036-04-15T00:00:00Z'); // 30 days back is 2036-03-16
    const run = await server.app.history!.run();
    expect(run.dropped).toContain('events_p203602');
    expect(run.eventKeys).toBe(1);
    const late = await ingest(visit('feb', '2036-02-01T00:00:00Z'), visit('mar', '2036-03-10T00:00:00Z'), visit('apr', '2036-04-10T00:00:00Z'));
    const refusal = { field: ['occurredAt'], message: 'occurredAt is older than the 30-day event retention: the log can no longer tell a replay from a new event', code: 'INVALID_INPUT' };
    expect(late.data.ingestEvents).toEqual({
      accepted: 1,
      duplicates: 0,
      userErrors: [
        { index: 0, ...refusal, field: ['input', 'events', '0', 'occurredAt'] },
        { index: 1, ...refusal, field: ['input', 'events', '1', 'occurredAt'] },
      ],
    });
    expect((await eventHomes()).map((e) => e.event_id)).toEqual(['apr']);
    // February counts once, from its DAY and HOUR rows, however often it is resent.
    expect(await visits('2036-02-01T00:00:00Z', '2036-02-02T00:00:00Z')).toBe(1);
  });

  it('turns /ready red while maintenance fails, and green once it runs again', async () => {
    await start('2037-01-10T00:00:00Z');
    const ready = async () => (await fetch(`${server.url}/ready`)).status;
    expect(await ready()).toBe(200);
    await backend().db.execute(sql`alter function peakops_month_partition(text, text, timestamptz) rename to peakops_month_partition_away`);
    try {
      clock = new Date('2037-06-10T00:00:00Z');
      await expect(server.app.history!.run()).rejects.toThrow();
      expect(await ready()).toBe(503);
      expect(await (await fetch(`${server.url}/ready`)).json()).toEqual({ status: 'unavailable', stopped: ['history maintenance'] });
    } finally {
      await backend().db.execute(sql`alter function peakops_month_partition_away(text, text, timestamptz) rename to peakops_month_partition`);
    }
    await server.app.history!.run();
    expect(await ready()).toBe(200);
    expect(await partitionsOf('events')).toContain('events_p203708');
  });

  it('deletes the expired keys an hour at a time after the months are dropped, with ingestion open meanwhile', async () => {
    const { db, kind } = backend();
    await start('2045-02-01T06:00:00Z', { minuteRollupsDays: 90, eventsDays: 30 });
    const february = await ingest(visit('f1', '2045-02-01T00:10:00Z'), visit('f2', '2045-02-01T01:30:00Z'), visit('f3', '2045-02-01T05:59:00Z'));
    expect(february.data.ingestEvents.accepted).toBe(3);
    clock = new Date('2045-04-15T00:00:00Z'); // 30 days back is 2045-03-16
    expect((await ingest(visit('apr', '2045-04-14T00:00:00Z'))).data.ingestEvents.accepted).toBe(1);
    const pass = () => dropExpiredHistory(db, clock, { minuteRollupsDays: 90, eventsDays: 30 });

    let expired: Expired;
    const keys = ['apr'];
    if (kind === 'postgres') {
      // A session holds one expired key, so the pass waits on it while deleting keys. Until now it deleted
      // them while still holding the dropped month's event log exclusively: every ingest waited on it.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.transaction(async (tx) => {
        await tx.execute(sql`select 1 from event_keys where event_id = 'f2' for update`);
        locked();
        await held;
      });
      await isLocked;
      const running = pass();
      running.catch(() => {}); // awaited after the release
      await expect.poll(() => sessionsWaitingOnLocks(db), { timeout: 10_000 }).toBe(1);
      const live = ingest(visit('live', '2045-04-15T00:00:00Z')).then((r) => r.data.ingestEvents.accepted as number);
      const outcome = await Promise.race([live, new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000))]);
      release();
      await holder;
      expired = await running;
      expect(outcome).toBe(1);
      keys.push('live');
    } else {
      expired = await pass(); // one connection: nothing runs beside it
    }
    expect(expired.dropped).toContain('events_p204502');
    expect(expired.eventKeys).toBe(3); // over three of the hours, each deleted by a statement of its own
    expect((await rows<{ event_id: string }>(db, sql`select event_id from event_keys order by event_id`)).map((r) => r.event_id)).toEqual(keys);
  });

  it('skips the hours without keys: a stray key from years back costs a statement, not one per hour since', async () => {
    const { db, database } = backend();
    const keys = (...rows: [string, string][]) =>
      db.execute(sql`insert into event_keys (shop_id, event_id, occurred_at, payload_hash)
        select '00000000-0000-4000-8000-000000000001'::uuid, k.id, k.at::timestamptz, 'h'
        from jsonb_to_recordset(${JSON.stringify(rows.map(([id, at]) => ({ id, at })))}::jsonb) as k(id text, at text)`);
    await keys(['stray', '2001-05-05T10:00:00Z'], ['a', '2045-02-01T00:10:00Z'], ['b', '2045-02-01T01:30:00Z'], ['kept', '2045-03-20T00:00:00Z']);
    const before = database.queryCount();
    expect(await dropExpiredEventKeys(db, new Date('2045-03-16T00:00:00Z'))).toBe(3);
    // The oldest key, then per slice with keys its delete and the next oldest (three slices: 2001, 00:00,
    // 01:00), each step a transaction that first lifts the statement bound.
    expect(database.queryCount() - before).toBe(2 + 3 * 3);
    expect((await rows<{ event_id: string }>(db, sql`select event_id from event_keys`)).map((r) => r.event_id)).toEqual(['kept']);

    // Stopping ends the pass between slices; the next pass deletes the rest.
    await keys(['c', '2045-02-02T00:00:00Z'], ['d', '2045-02-03T00:00:00Z']);
    let slices = 0;
    expect(await dropExpiredEventKeys(db, new Date('2045-03-16T00:00:00Z'), () => slices++ > 0)).toBe(1);
    expect(await dropExpiredEventKeys(db, new Date('2045-03-16T00:00:00Z'))).toBe(1);
  });

  it('creates the months ahead idempotently, as two instances at once would', async () => {
    const at = new Date('2038-05-05T00:00:00Z');
    const [a, b] = [await ensureMonthlyPartitions(backend().db, at), await ensureMonthlyPartitions(backend().db, at)];
    expect(a).toEqual(expect.arrayContaining(['events_p203805', 'events_p203806', 'events_p203807', 'metric_rollups_minute_p203807']));
    expect(b).toEqual([]);
  });

  it('drops each expired month once when two instances apply retention at the same time, and both succeed', async () => {
    const { db, kind } = backend();
    await ensureMonthlyPartitions(db, new Date('2041-01-10T00:00:00Z'));
    const parents = ['events', 'metric_rollups_minute', 'sku_rollups_minute'];
    const expired = parents.flatMap((parent) => ['01', '02', '03'].map((month) => `${parent}_p2041${month}`));
    // 30 days of events and 90 of minutes back from here, January to March 2041 are entirely older.
    const now = new Date('2041-09-01T00:00:00Z');
    const retention = { minuteRollupsDays: 90, eventsDays: 30 };
    const twoInstances = () => Promise.all([dropExpiredHistory(db, now, retention), dropExpiredHistory(db, now, retention)]);
    // Both passes are under way before either drops a month, as at start-up after a deploy: a third
    // session holds the event log until both are waiting. (One connection on PGlite: one after the other.)
    const results =
      kind === 'postgres' ? await meetingAtALock(db, (tx) => tx.execute(sql`lock table events in access exclusive mode`), 2, twoInstances) : await twoInstances();
    const dropped = results.flatMap((r) => r.dropped);
    expect(dropped).toEqual(expect.arrayContaining(expired));
    expect(new Set(dropped).size).toBe(dropped.length);
    const left = (await Promise.all(parents.map(partitionsOf))).flat();
    expect(left.filter((p) => expired.includes(p))).toEqual([]);
  });

  it('creates months on one instance while another drops expired ones without a deadlock, whichever starts first', async () => {
    const { db, kind } = backend();
    for (const [year, first] of [[2043, 'create'], [2044, 'drop']] as const) {
      await ensureMonthlyPartitions(db, new Date(`${year}-01-10T00:00:00Z`));
      const create = () => ensureMonthlyPartitions(db, new Date(`${year}-07-10T00:00:00Z`));
      const drop = () => dropExpiredHistory(db, new Date(`${year}-06-01T00:00:00Z`), { minuteRollupsDays: 90, eventsDays: 30 });
      // A third session holds the partition lock until both instances wait for it, in this round's order.
      // Dropping a month locks the DEFAULT partition exclusively and creating reads it: whoever gets the
      // lock second must not already hold a lock on that table. (PGlite: one after the other.)
      const [created, { dropped }] =
        kind === 'postgres'
          ? await meetingAtALock(db, (tx) => tx.execute(sql`select pg_advisory_xact_lock(${PARTITION_SET_LOCK.classId}::int, ${PARTITION_SET_LOCK.objectId}::int)`), 2, async (waitFor) => {
              let creating: Promise<string[]>;
              let dropping: Promise<Expired>;
              if (first === 'create') {
                creating = create();
                await waitFor(1);
                dropping = drop();
              } else {
                dropping = drop();
                await waitFor(1);
                creating = create();
              }
              return Promise.all([creating, dropping]);
            })
          : await Promise.all([create(), drop()]);
      expect(created).toEqual(expect.arrayContaining([`events_p${year}07`, `events_p${year}09`]));
      expect(dropped).toEqual(expect.arrayContaining([`events_p${year}01`, `events_p${year}03`, `sku_rollups_minute_p${year}01`]));
    }
  });
});

