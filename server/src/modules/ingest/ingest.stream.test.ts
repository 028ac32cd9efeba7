import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { buildStream, chunks, shuffled, type Expected, type Stream } from '../../../test/event-stream.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import type { Db } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import { Hll, HLL_STANDARD_ERROR } from '../../lib/hll.js';

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates userErrors { index code } } }`;
const START = new Date('2026-11-10T14:00:00Z'); // 22:00 on 11.10 in Shanghai: the stream crosses into Double 11

type Totals = Omit<Expected, 'visitors' | 'carters' | 'buyers' | 'gmvByDay' | 'gmvBySource'> & { visitors: number; carters: number; buyers: number };

/** Every counter summed over rollup rows of one granularity, sketches merged. */
async function rollupTotals(db: Db, granularity: 'MINUTE' | 'HOUR' | 'DAY'): Promise<Totals> {
  const found = await rows<Record<string, unknown>>(db, sql`select * from metric_rollups where granularity = ${granularity}::granularity`);
  const sum = (column: string) => found.reduce((total, r) => total + Number(r[column]), 0);
  const distinct = (column: string) => found.reduce((h, r) => h.merge(r[column] as Uint8Array | null), new Hll()).estimate();
  const gmvFen = sum('gmv_fen');
  const refundedFen = sum('refunded_fen');
  return {
    gmvFen, netGmvFen: gmvFen - refundedFen, orders: sum('orders_paid'), ordersPlaced: sum('orders_placed'),
    refundedOrders: sum('refunded_orders'), refundedFen, visits: sum('visits'), pageViews: sum('page_views'),
    addToCarts: sum('add_to_carts'), unitsSold: sum('units_sold'),
    visitors: distinct('visitors'), carters: distinct('carters'), buyers: distinct('buyers'),
  };
}

function expectTotals(actual: Totals, expected: Expected) {
  const { visitors, carters, buyers, gmvByDay: _d, gmvBySource: _s, ...exact } = expected;
  const { visitors: v, carters: c, buyers: b, ...actualExact } = actual;
  expect(actualExact).toEqual(exact);
  for (const [estimate, truth] of [[v, visitors.size], [c, carters.size], [b, buyers.size]] as const) {
    expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.ceil(3 * HLL_STANDARD_ERROR * truth));
  }
}

describeEachBackend('a random stream of events', (backend) => {
  let server: TestServer;
  let stream: Stream;

  beforeEach(async () => {
    const { db } = backend();
    // Fixed ids: a visitor's and a buyer's sketch keys hold their shop's id, so with random ids the estimates
    // moved from run to run and one run in a few hundred fell outside the 3σ bounds asserted below.
    const tmall = await insertShop(db, '天猫店', 'TMALL', '00000000-0000-4000-8000-000000000618');
    const jd = await insertShop(db, '京东店', 'JD', '00000000-0000-4000-8000-000000001111');
    const campaign = await insertCampaign(db, [tmall.id]);
    const skusOf = async (shopId: string, prefix: string) =>
      Promise.all(Array.from({ length: 8 }, async (_, i) => {
        const priceFen = [990, 3_990, 12_900, 29_900, 59_900, 1_999, 45_000, 8_850][i]!;
        return { gid: gid('Sku', (await insertSku(db, shopId, `${prefix}-${i}`, priceFen)).sku.id), priceFen };
      }));
    stream = buildStream({
      seed: 618,
      sessions: 6_000,
      start: START,
      hours: 6,
      shops: [
        { gid: gid('Shop', tmall.id), skus: await skusOf(tmall.id, 'T'), campaignGid: gid('Campaign', campaign.id) },
        { gid: gid('Shop', jd.id), skus: await skusOf(jd.id, 'J'), campaignGid: null },
      ],
    });
    // No rate budget: eight producers sending as fast as ingestion answers ran out of the default one
    // (RATE_LIMITED) once the batch's statements were prepared. This file is about exact counts; the
    // budget has its own tests (auth/limits.api.test.ts).
    server = await startTestServer(backend(), { now: () => new Date('2026-11-12T00:00:00Z'), rateLimit: { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 } });
  });
  afterEach(() => server.stop());

  async function send(events: Record<string, unknown>[], batchSize = 1_000) {
    let accepted = 0;
    let duplicates = 0;
    let errors = 0;
    for (const batch of chunks(events, batchSize)) {
      const result = await server.gql(INGEST, { events: batch });
      expect(result.errors).toBeUndefined();
      accepted += result.data.ingestEvents.accepted;
      duplicates += result.data.ingestEvents.duplicates;
      errors += result.data.ingestEvents.userErrors.length;
    }
    return { accepted, duplicates, errors };
  }

  it('counts every metric exactly, whatever the arrival order, with duplicates and invalid events mixed in', async () => {
    const resent = stream.events.filter((_, i) => i % 20 === 0);
    const everything = shuffled([...stream.events, ...resent, ...stream.invalid], 11);
    const result = await send(everything);
    expect(result).toEqual({ accepted: stream.events.length, duplicates: resent.length, errors: stream.invalid.length });
    expect(stream.events.length).toBeGreaterThan(10_000);
    for (const granularity of ['MINUTE', 'HOUR', 'DAY'] as const) {
      expectTotals(await rollupTotals(backend().db, granularity), stream.expected);
    }
    const [orders] = await rows<{ paid: number; gmv: string; refunded: string }>(
      backend().db,
      sql`select count(*) filter (where paid_at is not null)::int as paid, sum(amount_fen) filter (where paid_at is not null) as gmv, sum(refunded_fen) as refunded from orders`,
    );
    expect({ paid: orders!.paid, gmv: Number(orders!.gmv), refunded: Number(orders!.refunded) }).toEqual({
      paid: stream.expected.orders,
      gmv: stream.expected.gmvFen,
      refunded: stream.expected.refundedFen,
    });
  });

  it('answers the metrics query with exactly the independently computed totals', async () => {
    await send(shuffled([...stream.events, ...stream.invalid], 3));
    const result = await server.gql(
      `query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) {
        gmv netGmv orders ordersPlaced refundedOrders refundedAmount pageViews addToCarts unitsSold visitors buyers
        conversionRate averageOrderValue refundRate
        bySource { source gmv } series(interval: DAY) { at gmv }
      } }`,
      { from: '2026-11-09T16:00:00Z', to: '2026-11-11T16:00:00Z' },
    );
    expect(result.errors).toBeUndefined();
    const m = result.data.metrics;
    const e = stream.expected;
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    expect({ gmv: m.gmv, netGmv: m.netGmv, orders: m.orders, ordersPlaced: m.ordersPlaced, refundedOrders: m.refundedOrders, refundedAmount: m.refundedAmount, pageViews: m.pageViews, addToCarts: m.addToCarts, unitsSold: m.unitsSold }).toEqual({
      gmv: yuan(e.gmvFen), netGmv: yuan(e.netGmvFen), orders: e.orders, ordersPlaced: e.ordersPlaced, refundedOrders: e.refundedOrders,
      refundedAmount: yuan(e.refundedFen), pageViews: e.pageViews, addToCarts: e.addToCarts, unitsSold: e.unitsSold,
    });
    expect(Math.abs(m.visitors - e.visitors.size)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * e.visitors.size);
    expect(Math.abs(m.buyers - e.buyers.size)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * e.buyers.size);
    expect(m.conversionRate).toBeCloseTo(m.buyers / m.visitors, 10);
    expect(m.refundRate).toBeCloseTo(e.refundedOrders / e.orders, 10);
    expect(Object.fromEntries(m.bySource.map((s: { source: string; gmv: string }) => [s.source, s.gmv]))).toEqual(
      Object.fromEntries([...e.gmvBySource].map(([source, fen]) => [source, yuan(fen)])),
    );
    expect(m.series.map((p: { at: string; gmv: string }) => [p.at, p.gmv])).toEqual([
      ['2026-11-09T16:00:00.000Z', yuan(e.gmvByDay.get('2026-11-10') ?? 0)],
      ['2026-11-10T16:00:00.000Z', yuan(e.gmvByDay.get('2026-11-11') ?? 0)],
    ]);
  });

  it('changes nothing when the whole stream is replayed', async () => {
    await send(shuffled(stream.events, 1));
    const before = await rollupTotals(backend().db, 'DAY');
    const replay = await send(shuffled(stream.events, 2));
    expect(replay).toEqual({ accepted: 0, duplicates: stream.events.length, errors: 0 });
    expect(await rollupTotals(backend().db, 'DAY')).toEqual(before);
    expectTotals(before, stream.expected);
  });

  it('gives the same totals when eight producers send overlapping batches at once', async () => {
    const producers = Array.from({ length: 8 }, (_, p) => send(shuffled(stream.events, 100 + p), 500));
    // allSettled: a failing producer must not leave the others writing into the next test.
    const settled = await Promise.allSettled(producers);
    const results = settled.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(stream.events.length);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(7 * stream.events.length);
    expectTotals(await rollupTotals(backend().db, 'DAY'), stream.expected);
    // Stock, taken by every batch under its SKU row locks: each SKU lost exactly the units sold, once.
    const stock = await rows<{ code: string; stock: number; sold: string | number }>(
      backend().db,
      sql`select s.code, s.stock, coalesce((select sum(r.units_sold) from sku_rollups r where r.sku_id = s.id and r.granularity = 'DAY'), 0) as sold
          from skus s order by s.code`,
    );
    expect(stock.reduce((sum, s) => sum + Number(s.sold), 0)).toBe(stream.expected.unitsSold);
    expect(stock.map((s) => [s.code, s.stock])).toEqual(stock.map((s) => [s.code, 100 - Number(s.sold)]));
  }, 300_000);

  it('puts GMV in Asia/Shanghai days: the first minutes after 16:00 UTC belong to 11.11', async () => {
    const daily = await rows<{ bucket: Date | string; gmv: string }>(
      backend().db,
      sql`select bucket, sum(gmv_fen) as gmv from metric_rollups where granularity = 'DAY' group by bucket order by bucket`,
    );
    expect(daily).toEqual([]);
    await send(stream.events);
    const days = await rows<{ bucket: Date | string; gmv: string }>(
      backend().db,
      sql`select bucket, sum(gmv_fen) as gmv from metric_rollups where granularity = 'DAY' group by bucket order by bucket`,
    );
    expect(days.map((d) => [new Date(d.bucket).toISOString(), Number(d.gmv)])).toEqual([
      ['2026-11-09T16:00:00.000Z', stream.expected.gmvByDay.get('2026-11-10')],
      ['2026-11-10T16:00:00.000Z', stream.expected.gmvByDay.get('2026-11-11')],
    ]);
  });
});
