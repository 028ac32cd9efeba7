import { and, count, eq, gte, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { pino } from 'pino';
import { beforeEach, expect, it, vi } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertCampaign, insertCustomer, insertShop, insertSku } from '../../test/fixtures.js';
import { rows } from '../db/rows.js';
import { campaigns, events, marketingSpend, orders, shops } from '../db/tables.js';
import { ENCORE_CAMPAIGN_NAME, LIVE_CAMPAIGN_NAME } from '../demo/demo.campaigns.js';
import { demoConsistency } from '../demo/demo.consistency.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../observability/health.js';
import { startDemoTraffic } from './demo-traffic.js';

describeEachBackend('demo traffic in the server process', (backend) => {
  beforeEach(async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店', 'TMALL');
    for (const [i, price] of [990, 5_900, 19_900].entries()) await insertSku(db, shop.id, `TM-${i}`, price);
    await insertCustomer(db, shop.id, 'c-000001');
    await db.execute(sql`update products set created_at = now() - interval '30 days'`);
  });

  it('sends each second’s traffic through the ingest service, logs what it sent, and stops before the database closes', async () => {
    const { db } = backend();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // Traffic follows the hour of day (3 a.m. in Shanghai is a tenth of 9 p.m.): run the clock from a
    // busy evening hour, at real speed, so the volume does not depend on when the suite runs.
    const startedAt = Date.now();
    const evening = new Date('2026-11-11T21:00:00+08:00').getTime();
    const now = () => new Date(evening + (Date.now() - startedAt));
    const announced: { accepted: number; at: Date }[] = [];
    const announce = (accepted: number, at: Date) => void announced.push({ accepted, at });
    const traffic = await startDemoTraffic({ db, logger, rate: 300, tickMs: 100, logEveryMs: 500, now, announce });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await traffic.stop();

    const [stored] = await db.select({ n: count() }).from(events);
    const [spent] = await db.select({ n: count() }).from(marketingSpend);
    expect(stored!.n).toBeGreaterThan(200);
    // Every committed batch was announced once, with what it counted, at the demo's clock (not the machine's).
    expect(announced.reduce((sum, a) => sum + a.accepted, 0)).toBe(stored!.n + spent!.n);
    expect(announced.every((a) => a.accepted > 0 && a.at.getTime() >= evening && a.at.getTime() < evening + 60_000)).toBe(true);
    const check = await demoConsistency(db);
    expect(check.paidOrders).toBeGreaterThan(0);
    expect(check.rollupGmvFen).toBe(check.paidOrdersGmvFen);
    expect([check.spendMismatches, check.ordersWithoutEvents]).toEqual([0, 0]);
    expect(lines.some((l) => /simulator: \d+ events accepted in \d+ s .* GMV sent ¥\d+\.\d\d/.test(l))).toBe(true);

    // Stopped means stopped: nothing more arrives.
    const [ordersAtStop] = await db.select({ n: count() }).from(orders);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [ordersLater] = await db.select({ n: count() }).from(orders);
    expect(ordersLater!.n).toBe(ordersAtStop!.n);
  });

  it('carries the live campaign over midnight, so the traffic after it is still the campaign’s and the war room stays on it', async () => {
    const { db } = backend();
    const [shop] = await db.select({ id: shops.id }).from(shops);
    const live = await insertCampaign(db, [shop!.id], LIVE_CAMPAIGN_NAME, {
      startsAt: new Date('2026-11-01T00:00:00+08:00'),
      endsAt: new Date('2026-11-12T00:00:00+08:00'),
    });
    const midnight = new Date('2026-11-12T00:00:00+08:00');
    const lines: string[] = [];
    // A minute of the demo's clock per real second, from three minutes to midnight to three past.
    const startedAt = Date.now();
    const from = midnight.getTime() - 3 * 60_000;
    const now = () => new Date(from + (Date.now() - startedAt) * 60);
    const traffic = await startDemoTraffic({ db, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), rate: 20, tickMs: 100, now, announce: null });
    try {
      await expect.poll(() => now().getTime() > midnight.getTime() + 3 * 60_000, { timeout: 15_000, interval: 200 }).toBe(true);
    } finally {
      await traffic.stop();
    }

    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect(stored!.endsAt).toEqual(new Date('2026-11-13T00:00:00+08:00'));
    expect(lines.filter((l) => l.includes(`${LIVE_CAMPAIGN_NAME} carried into another day`))).toHaveLength(1);
    const after = (campaign: SQL) =>
      db.select({ n: count() }).from(orders).where(and(gte(orders.placedAt, midnight), campaign));
    const [[attributed], [unattributed]] = await Promise.all([after(eq(orders.campaignId, live.id)), after(isNull(orders.campaignId))]);
    expect(attributed!.n).toBeGreaterThan(0);
    expect(unattributed!.n).toBe(0);
  });

  it('opens a 返场 when the live campaign ended while the demo was stopped, and its traffic is the encore’s from the first second', async () => {
    const { db } = backend();
    const [shop] = await db.select({ id: shops.id }).from(shops);
    const window = { startsAt: new Date('2026-11-01T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') };
    const live = await insertCampaign(db, [shop!.id], LIVE_CAMPAIGN_NAME, window);
    const lines: string[] = [];
    // The next evening, a minute of the demo's clock per real second: the encore runs from 21:00 to midnight.
    const startedAt = Date.now();
    const evening = new Date('2026-11-12T21:00:00+08:00').getTime();
    const now = () => new Date(evening + (Date.now() - startedAt) * 60);
    const traffic = await startDemoTraffic({ db, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), rate: 20, tickMs: 100, now, announce: null });
    try {
      await expect.poll(() => now().getTime() > evening + 5 * 60_000, { timeout: 15_000, interval: 200 }).toBe(true);
    } finally {
      await traffic.stop();
    }

    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect(stored!.endsAt).toEqual(window.endsAt);
    const [encore] = await db.select().from(campaigns).where(eq(campaigns.name, ENCORE_CAMPAIGN_NAME));
    expect([encore!.startsAt, encore!.endsAt]).toEqual([new Date('2026-11-12T21:00:00+08:00'), new Date('2026-11-13T00:00:00+08:00')]);
    const said = lines.filter((l) => l.includes(`${LIVE_CAMPAIGN_NAME} ended at 2026-11-11T16:00:00.000Z while the demo was stopped; ${ENCORE_CAMPAIGN_NAME} opened`));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({ level: 30, endedCampaignId: live.id, campaignId: encore!.id });
    // Every order its shop takes from 21:00 is the encore's, those of shoppers already browsing before it opened
    // too (they check out with its 满减); nothing is the ended campaign's.
    const counted = await db.select({ campaignId: orders.campaignId, n: count() }).from(orders).where(isNotNull(orders.campaignId)).groupBy(orders.campaignId);
    expect(counted).toEqual([{ campaignId: encore!.id, n: expect.any(Number) }]);
    expect(counted[0]!.n).toBeGreaterThan(0);
    const [unattributed] = await db
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.shopId, shop!.id), gte(orders.placedAt, encore!.startsAt), isNull(orders.campaignId)));
    expect(unattributed!.n).toBe(0);
  });

  it('says it is failing once every tick fails, instead of warning every second for ever, and recovers by itself', async () => {
    const { db } = backend();
    const evening = new Date('2026-11-11T21:00:00+08:00').getTime();
    const startedAt = Date.now();
    const lines: string[] = [];
    const traffic = await startDemoTraffic({
      db,
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
      rate: 300,
      tickMs: 20,
      now: () => new Date(evening + (Date.now() - startedAt)),
      announce: null,
    });
    try {
      // The log the ingest service appends to is gone from under it.
      await db.execute(sql`alter table event_keys rename to event_keys_away`);
      try {
        await expect.poll(() => traffic.healthy(), { timeout: 10_000 }).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 300)); // a dozen more failed ticks
        expect(lines.filter((l) => l.includes('every tick fails'))).toHaveLength(1); // said once, at error
        expect(lines.filter((l) => l.includes('a tick failed')).length).toBeLessThan(FAILURES_BEFORE_UNHEALTHY);
      } finally {
        await db.execute(sql`alter table event_keys_away rename to event_keys`);
      }
      await expect.poll(() => traffic.healthy(), { timeout: 10_000 }).toBe(true);
      expect(lines.some((l) => l.includes('ticks succeed again'))).toBe(true);
    } finally {
      await traffic.stop();
    }
  });

  it("records each whole minute's PAID and SOCIAL ad spend through the spend service, rolled up where ROI reads it", async () => {
    const { db } = backend();
    // A clock running 200× fast: a few real seconds are several simulated minutes.
    const startedAt = Date.now();
    const now = () => new Date(startedAt + (Date.now() - startedAt) * 200);
    const lines: string[] = [];
    let spendAnnounced = 0;
    const traffic = await startDemoTraffic({
      db,
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
      rate: 20,
      now,
      tickMs: 100,
      logEveryMs: 60_000,
      announce: (accepted) => void (spendAnnounced += accepted),
    });
    await expect.poll(async () => (await db.select({ n: count() }).from(marketingSpend))[0]!.n, { timeout: 20_000 }).toBeGreaterThan(0);
    // The first whole minute's spend can land before the first log line is due (both are a simulated
    // minute apart, from different starting points): wait for the line too before stopping.
    await expect.poll(() => lines.some((l) => /ad spend ¥\d+\.\d\d/.test(l)), { timeout: 20_000 }).toBe(true);
    await traffic.stop();

    const [spend] = await rows<{ entries: number; rolled: number; sources: string[] }>(
      db,
      sql`select (select sum(amount_fen)::float8 from marketing_spend) as entries,
                 (select sum(spend_fen)::float8 from metric_rollups where granularity = 'DAY') as rolled,
                 (select array_agg(distinct source::text) from marketing_spend) as sources`,
    );
    expect(spend!.rolled).toBe(spend!.entries);
    expect(spend!.sources.every((s) => s === 'PAID' || s === 'SOCIAL')).toBe(true);
    const [stored] = await db.select({ n: count() }).from(events);
    const [entries] = await db.select({ n: count() }).from(marketingSpend);
    expect(entries!.n).toBeGreaterThan(0);
    expect(spendAnnounced).toBe(stored!.n + entries!.n);
    expect(lines.some((l) => /ad spend ¥\d+\.\d\d/.test(l))).toBe(true);
  });

  it('stops selling a SKU that is sold out, as a platform does, and sells it again once the shop restocks it', async () => {
    const { db } = backend();
    // The cheapest SKU sells most; it starts sold out, and the next one has two units left.
    await db.execute(sql`update skus set stock = case code when 'TM-0' then 0 when 'TM-1' then 2 else stock end`);
    const unitsSold = async (code: string) => {
      const [row] = await rows<{ units: number }>(
        db,
        sql`select coalesce(sum(i.quantity), 0)::int as units from order_items i join skus s on s.id = i.sku_id join orders o on o.id = i.order_id
            where s.code = ${code} and o.paid_at is not null`,
      );
      return row!.units;
    };
    const stockOf = async (code: string) => {
      const [row] = await rows<{ stock: number }>(db, sql`select stock from skus where code = ${code}`);
      return row!.stock;
    };
    const startedAt = Date.now();
    const evening = new Date('2026-11-11T21:00:00+08:00').getTime();
    const now = () => new Date(evening + 60 * (Date.now() - startedAt)); // a minute of the evening a second
    const traffic = await startDemoTraffic({ db, logger: pino({ level: 'silent' }), rate: 60, tickMs: 100, stockLookMs: 5_000, now, announce: null });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await unitsSold('TM-0')).toBe(0);
      expect(await stockOf('TM-0')).toBe(0);
      expect(await stockOf('TM-1')).toBeGreaterThanOrEqual(0);
      await db.execute(sql`update skus set stock = stock + 30 where code = 'TM-0'`); // the restock, as setStock writes it
      await vi.waitFor(async () => expect(await unitsSold('TM-0')).toBeGreaterThan(0), { timeout: 15_000, interval: 100 });
    } finally {
      await traffic.stop();
    }
    expect(await stockOf('TM-0')).toBeLessThan(30);
    expect(await stockOf('TM-0')).toBeGreaterThanOrEqual(0);
    expect(await stockOf('TM-1')).toBeGreaterThanOrEqual(0);
  });

  it('does nothing when no shop has anything on sale', async () => {
    const { db } = backend();
    await db.execute(sql`update products set status = 'OFF_SALE'`);
    const lines: string[] = [];
    const traffic = await startDemoTraffic({ db, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), rate: 300, tickMs: 50, now: () => new Date(), announce: null });
    await traffic.stop();
    expect(lines.join('')).toContain('no shop has a SKU on sale');
  });
});
