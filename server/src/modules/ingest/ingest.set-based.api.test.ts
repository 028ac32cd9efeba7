import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop, insertSku } from '../../../test/fixtures.js';
import { serverLogFile } from '../../../test/postgres-server.js';
import { SYSTEM } from '../../auth/viewer.js';
import { rows } from '../../db/rows.js';
import { appendHint } from '../event/event.log.js';
import type { EventInput } from './ingest.parse.js';
import { ingestEvents } from './ingest.service.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');

/** `sessions` visitors, each viewing a SKU, and every tenth one ordering it, paying and getting half back. */
function traffic(shop: string, sku: string, tag: string, sessions: number): EventInput[] {
  const at = (minute: number) => new Date(Date.parse('2026-11-11T10:00:00+08:00') + minute * 60_000);
  return Array.from({ length: sessions }, (_, i): EventInput[] => {
    const base = { shopId: shop, source: 'SEARCH' as const, visitorId: `${tag}-v${i}` };
    const visit: EventInput[] = [
      { ...base, id: `${tag}-visit-${i}`, type: 'VISIT', occurredAt: at(i % 50) },
      { ...base, id: `${tag}-view-${i}`, type: 'PRODUCT_VIEW', occurredAt: at(i % 50), skuId: sku },
    ];
    if (i % 10 !== 0) return visit;
    const order = { shopId: shop, source: 'SEARCH' as const, orderId: `${tag}-o${i}`, customerId: `${tag}-c${i}` };
    return [
      ...visit,
      { ...order, id: `${tag}-placed-${i}`, type: 'ORDER_PLACED', occurredAt: at(i % 50), items: [{ skuId: sku, quantity: 2, unitPrice: '50.00' }] },
      { ...order, id: `${tag}-paid-${i}`, type: 'ORDER_PAID', occurredAt: at((i % 50) + 1), amount: '100.00' },
      { ...order, id: `${tag}-refund-${i}`, type: 'ORDER_REFUNDED', occurredAt: at((i % 50) + 2), amount: '50.00', reason: '七天无理由' },
    ];
  }).flat();
}

describeEachBackend('set-based ingestion', (backend) => {
  it('writes a batch of 1,150 events with as many statements as a batch of 13, and counts every one', async () => {
    const { db, database } = backend();
    // Both measured batches take the same append path, whatever an earlier replay in this database left.
    appendHint(db).keyByKey = 0;
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const [shopGid, skuGid] = [gid('Shop', shop.id), gid('Sku', sku.sku.id)];
    // The first batch fills the catalog cache; both measured batches then find their shop and SKU there.
    await ingestEvents(db, SYSTEM, traffic(shopGid, skuGid, 'warm', 1), NOW, { announce: null });

    const statementsFor = async (events: EventInput[]) => {
      const before = database.queryCount();
      const result = await ingestEvents(db, SYSTEM, events, NOW, { announce: null });
      expect(result).toEqual({ accepted: events.length, duplicates: 0, userErrors: [] });
      return database.queryCount() - before;
    };
    const small = traffic(shopGid, skuGid, 'small', 5);
    const large = traffic(shopGid, skuGid, 'large', 500);
    expect([small.length, large.length]).toEqual([13, 1_150]);
    const forSmall = await statementsFor(small);
    // Log, orders, customers, stock, points, rollups…: a handful of statements, whatever the batch size.
    expect(forSmall).toBeGreaterThan(5);
    expect(await statementsFor(large)).toBe(forSmall);

    // 1 + 5 + 500 sessions: 506 visits; 1 + 1 + 50 orders of ¥100 each refunded ¥50.
    const [day] = await rows<{ visits: number; orders: number; gmv: number; refunded: number; units: number }>(
      db,
      sql`select sum(visits)::int as visits, sum(orders_paid)::int as orders, sum(gmv_fen)::int as gmv,
            sum(refunded_fen)::int as refunded, sum(units_sold)::int as units
          from metric_rollups where granularity = 'DAY'`,
    );
    expect(day).toEqual({ visits: 506, orders: 52, gmv: 520_000, refunded: 260_000, units: 104 });
    const [stock] = await rows<{ stock: number }>(db, sql`select stock from skus where id = ${sku.sku.id}`);
    expect(stock!.stock).toBe(sku.sku.stock - 104);
  });

  it('appends a batch that holds replays: the new events once, the replay as a duplicate, the reused id refused, nothing half-written', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const [shopGid, skuGid] = [gid('Shop', shop.id), gid('Sku', sku.sku.id)];
    const first = traffic(shopGid, skuGid, 'a', 20);
    // All new: appended with plain inserts.
    expect(await ingestEvents(db, SYSTEM, first, NOW, { announce: null })).toEqual({ accepted: first.length, duplicates: 0, userErrors: [] });
    // New events around a replayed visit and a visit id reused with other content: the plain append meets
    // the taken keys, is undone, and the batch goes in key by key.
    const fresh = traffic(shopGid, skuGid, 'b', 20);
    const replayed = first[2]!;
    const reused = { ...first[0]!, visitorId: 'someone-else' };
    const mixed = [...fresh.slice(0, 10), replayed, ...fresh.slice(10), reused];
    const result = await ingestEvents(db, SYSTEM, mixed, NOW, { announce: null });
    expect(result).toMatchObject({ accepted: fresh.length, duplicates: 1, userErrors: [{ index: mixed.length - 1, code: 'CONFLICT' }] });
    expect(result.userErrors).toHaveLength(1);

    const [log] = await rows<{ events: number; keys: number; distinct_ids: number }>(
      db,
      sql`select (select count(*)::int from events) as events, (select count(*)::int from event_keys) as keys,
                 (select count(distinct event_id)::int from events) as distinct_ids`,
    );
    expect(log).toEqual({ events: first.length + fresh.length, keys: first.length + fresh.length, distinct_ids: first.length + fresh.length });
    const [visitor] = await rows<{ visitor: string }>(db, sql`select payload->>'visitorId' as visitor from events where event_id = ${first[0]!.id}`);
    expect(visitor!.visitor).toBe('a-v0');
    // 20 + 20 sessions' visits, each counted once; 2 + 2 orders paid.
    const [day] = await rows<{ visits: number; orders: number }>(
      db,
      sql`select sum(visits)::int as visits, sum(orders_paid)::int as orders from metric_rollups where granularity = 'DAY'`,
    );
    expect(day).toEqual({ visits: 40, orders: 4 });
  });

  it('announces a batch once it is committed, with what it counted; a replay or a refused batch announces nothing', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const [shopGid, skuGid] = [gid('Shop', shop.id), gid('Sku', sku.sku.id)];
    const announced: { accepted: number; at: Date; stored: Promise<number> }[] = [];
    // What another connection sees at the moment of the announcement: the batch must already be committed.
    const storedNow = async () => (await rows<{ n: number }>(db, sql`select count(*)::int as n from events where shop_id = ${shop.id}`))[0]!.n;
    const announce = (accepted: number, at: Date) => void announced.push({ accepted, at, stored: storedNow() });

    const first = traffic(shopGid, skuGid, 'n', 10);
    expect((await ingestEvents(db, SYSTEM, first, NOW, { announce })).accepted).toBe(first.length);
    expect((await ingestEvents(db, SYSTEM, first, NOW, { announce })).duplicates).toBe(first.length);
    const refused = await ingestEvents(db, SYSTEM, [{ ...first[0]!, id: 'bad', type: 'VISIT', shopId: gid('Shop', '00000000-0000-4000-8000-000000000000') }], NOW, { announce });
    expect(refused.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const second = traffic(shopGid, skuGid, 'm', 3);
    expect((await ingestEvents(db, SYSTEM, [...second, first[1]!], NOW, { announce })).accepted).toBe(second.length);

    expect(announced.map((a) => [a.accepted, a.at])).toEqual([
      [first.length, NOW],
      [second.length, NOW],
    ]);
    expect(await Promise.all(announced.map((a) => a.stored))).toEqual([first.length, first.length + second.length]);
  });

  it('answers a producer replaying its batches with duplicates, leaving one undone append in PostgreSQL\'s log, not one per batch', async () => {
    const { db, kind } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const [shopGid, skuGid] = [gid('Shop', shop.id), gid('Sku', sku.sku.id)];
    const batches = Array.from({ length: 6 }, (_, i) => traffic(shopGid, skuGid, `r${i}`, 5));
    for (const events of batches) expect((await ingestEvents(db, SYSTEM, events, NOW, { announce: null })).accepted).toBe(events.length);
    // The tests of this file share the database: an earlier test's replay may have left batches to go key by key.
    appendHint(db).keyByKey = 0;
    const serverLog = kind === 'postgres' ? await postgresLog(db) : null;
    const logStart = serverLog?.length() ?? 0;

    // The producer restarts and sends everything again, then goes on with new events.
    for (const events of batches) expect(await ingestEvents(db, SYSTEM, events, NOW, { announce: null })).toEqual({ accepted: 0, duplicates: events.length, userErrors: [] });
    const next = traffic(shopGid, skuGid, 'r6', 5);
    expect(await ingestEvents(db, SYSTEM, next, NOW, { announce: null })).toEqual({ accepted: next.length, duplicates: 0, userErrors: [] });

    const [day] = await rows<{ visits: number }>(db, sql`select sum(visits)::int as visits from metric_rollups where granularity = 'DAY' and shop_id = ${shop.id}`);
    expect(day!.visits).toBe(7 * 5);
    if (serverLog) {
      // The first replayed batch's plain append meets a taken key and is undone; the next go key by key.
      const undone = serverLog.since(logStart).split('\n').filter((line) => line.includes(`Key (shop_id, event_id)=(${shop.id},`));
      expect(undone).toHaveLength(1);
    }
  });

  it('creates each order once when batches bring its first events at the same moment', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const [shopGid, skuGid] = [gid('Shop', shop.id), gid('Sku', sku.sku.id)];
    // Three producers, each with one event of each of 40 new orders (placed, paid, refunded): on
    // PostgreSQL the batches run side by side, and every order's first writer may be any of them.
    const split = traffic(shopGid, skuGid, 'race', 400).filter((e) => e.orderId);
    const byType = ['ORDER_PLACED', 'ORDER_PAID', 'ORDER_REFUNDED'].map((type) => split.filter((e) => e.type === type));
    expect(byType.map((b) => b.length)).toEqual([40, 40, 40]);
    const results = await Promise.all(byType.map((events) => ingestEvents(db, SYSTEM, events, NOW, { announce: null })));
    expect(results).toEqual(byType.map((events) => ({ accepted: events.length, duplicates: 0, userErrors: [] })));

    const orders = await rows<{ status: string; amount: number; refunded: number; items: number; refunds: number; customer: string | null }>(
      db,
      sql`select o.status, o.amount_fen::int as amount, o.refunded_fen::int as refunded, c.external_id as customer,
            (select count(*)::int from order_items i where i.order_id = o.id) as items,
            (select count(*)::int from refunds r where r.order_id = o.id) as refunds
          from orders o left join customers c on c.id = o.customer_id order by o.external_id`,
    );
    expect(orders).toHaveLength(40);
    expect(orders.filter((o) => o.status === 'PAID' && o.amount === 10_000 && o.refunded === 5_000 && o.items === 1 && o.refunds === 1 && o.customer)).toHaveLength(40);
    const [day] = await rows<{ orders: number; gmv: number; refunded: number; units: number }>(
      db,
      sql`select sum(orders_paid)::int as orders, sum(gmv_fen)::int as gmv, sum(refunded_fen)::int as refunded, sum(units_sold)::int as units
          from metric_rollups where granularity = 'DAY'`,
    );
    expect(day).toEqual({ orders: 40, gmv: 400_000, refunded: 200_000, units: 80 });
  });

  it('keeps its generic plans to its own transactions: the pooled connections go back planning as before', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    // Several batches side by side, so several of the pool's connections have run an ingest transaction,
    // one of them undone at its savepoint (a replay) and appended again key by key.
    const batches = Array.from({ length: 4 }, (_, i) => traffic(gid('Shop', shop.id), gid('Sku', sku.sku.id), `g${i}`, 5));
    await Promise.all(batches.map((events) => ingestEvents(db, SYSTEM, events, NOW, { announce: null })));
    expect(await ingestEvents(db, SYSTEM, [...batches[0]!, ...traffic(gid('Shop', shop.id), gid('Sku', sku.sku.id), 'g4', 5)], NOW, { announce: null }))
      .toMatchObject({ accepted: 13, duplicates: 13, userErrors: [] });
    // More queries at once than the pool has connections: every connection answers at least once.
    const settings = await Promise.all(
      Array.from({ length: 24 }, () => rows<{ mode: string; jit: string }>(db, sql`select current_setting('plan_cache_mode') as mode, current_setting('jit') as jit`)),
    );
    const defaults = await rows<{ mode: string; jit: string }>(db, sql`select reset_val as mode, (select reset_val from pg_settings where name = 'jit') as jit from pg_settings where name = 'plan_cache_mode'`);
    expect(new Set(settings.map(([s]) => `${s!.mode} ${s!.jit}`))).toEqual(new Set([`${defaults[0]!.mode} ${defaults[0]!.jit}`]));
    expect(defaults[0]!.mode).toBe('auto');
  });

  it("answers a producer's replay from the log, without waiting for the orders a live batch holds", async () => {
    const { db, kind } = backend();
    const shop = await insertShop(db, '天猫店');
    const sku = await insertSku(db, shop.id, 'SKU-1', 5_000);
    const events = traffic(gid('Shop', shop.id), gid('Sku', sku.sku.id), 'held', 20);
    expect((await ingestEvents(db, SYSTEM, events, NOW, { announce: null })).accepted).toBe(events.length);
    // On PostgreSQL another transaction holds every order of the batch, as a live batch does from its
    // lock to its commit (PGlite has one connection: nothing can hold a lock beside the ingest).
    let release = () => {};
    let holder: Promise<void> = Promise.resolve();
    if (kind === 'postgres') {
      const released = new Promise<void>((resolve) => (release = resolve));
      let held = () => {};
      const holding = new Promise<void>((resolve) => (held = resolve));
      holder = db.transaction(async (tx) => {
        await tx.execute(sql`select id from orders where shop_id = ${shop.id} order by id for update`);
        held();
        await released;
      });
      await holding;
    }
    try {
      // Every event, order events too, is found in the log before any order is locked.
      expect(await ingestEvents(db, SYSTEM, events, NOW, { announce: null })).toEqual({ accepted: 0, duplicates: events.length, userErrors: [] });
    } finally {
      release();
      await holder;
    }
  });
});

/** The throwaway PostgreSQL server's log (server/test/postgres-server.ts). */
async function postgresLog(db: Parameters<typeof rows>[0]) {
  const [where] = await rows<{ data_directory: string }>(db, sql`show data_directory`);
  const file = serverLogFile(where!.data_directory);
  return { length: () => readFileSync(file, 'utf8').length, since: (start: number) => readFileSync(file, 'utf8').slice(start) };
}
