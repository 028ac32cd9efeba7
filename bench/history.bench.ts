/**
 * History that stays fast (issue 13): the war room's `metrics` windows (today so far, yesterday to this
 * minute, the last hour) with a small history behind them, then with N events' worth of history over
 * 24 months, then after retention dropped the minute months past 90 days — the same recent 30 days in
 * all three, measured in one run, so the ratio shows what the history alone costs.
 * Run: npm run bench:history [-- --small 1000000 --large 100000000 --recent 1000000 --months 24 --samples 40 --settle 0]
 *
 * Everything is generated in SQL (N events through the API would take days here), straight into the
 * monthly partitions the history job keeps (modules/history): events with a small payload, and the
 * rollups such events leave — a MINUTE row for a share of the (minute, shop, source) cells that grows
 * with N (all of them from ~30M events over 24 months), and every HOUR and DAY cell. The recent 30 days
 * are fully dense with dense 4 KB sketches on their hour and day rows, as ingestion leaves them; history
 * rows carry small sparse sketches (nothing in the measured windows reads them, and 4 KB × 3 sketches on
 * half a million hour rows would not fit the machine). event_keys is not filled: only ingestion reads it.
 */
import pino from 'pino';
import postgres from 'postgres';
import { HistoryJob } from '../server/src/modules/history/history.job.js';
import { createMonthPartition, MONTHLY_TABLES, monthStart } from '../server/src/modules/history/history.partitions.js';
import { DEFAULT_RETENTION } from '../server/src/modules/history/history.retention.js';
import { gid } from '../server/test/fixtures.js';
import { arg, benchAdminKey, benchApp, graphqlHeaders, median, percentile, report, settle, startBenchDatabase } from './bench-util.js';

const SMALL = Number(arg('small', '1000000'));
const LARGE = Number(arg('large', '100000000'));
/** Events in the recent 30 days (the same in every phase). */
const RECENT = Number(arg('recent', '1000000'));
const MONTHS = Number(arg('months', '24'));
const SAMPLES = Number(arg('samples', '40'));
const SETTLE = Number(arg('settle', '0'));

const NOW = new Date('2026-11-11T04:37:30Z'); // 12:37:30 on Double 11 in Asia/Shanghai
const DAY_MS = 86_400_000;
const TODAY = new Date('2026-11-10T16:00:00Z'); // its Shanghai midnight
const RECENT_FROM = new Date(TODAY.getTime() - 29 * DAY_MS);
const HISTORY_FROM = monthStart(NOW, -MONTHS);
const SHOPS = 4;
const SOURCES = 7;

const WINDOWS = {
  today: { from: TODAY, to: NOW },
  yesterday: { from: new Date(TODAY.getTime() - DAY_MS), to: new Date(NOW.getTime() - DAY_MS) },
  'last hour': { from: new Date(NOW.getTime() - 3_600_000), to: NOW },
};
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) {
    gmv orders buyers visitors conversionRate averageOrderValue refundRate addToCartRate
    series(interval: MINUTE, last: 10) { at gmv orders }
    byChannel { channel gmv } bySource { source gmv orders } topProducts(limit: 10) { gmv sku { id } }
  }
}`;

const { url, database, stop } = await startBenchDatabase(10);
try {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const adminKey = benchAdminKey();
  // The history job runs by hand below, once the history is in: its start-up run would race the generation.
  const app = benchApp(database, adminKey, { now: NOW, history: false });
  const port = await app.start(0, '127.0.0.1');

  const shops = await sql<{ id: string }[]>`insert into shops (name, platform) select 'shop ' || i, (array['TMALL','JD','DOUYIN','PINDUODUO'])[i]::channel from generate_series(1, ${SHOPS}) i returning id`;
  const shopIds = shops.map((s) => s.id);
  await sql`insert into products (shop_id, name, category, role) select (${shopIds}::uuid[])[1 + i % ${SHOPS}], 'p' || i, '家居', 'PROFIT' from generate_series(0, 39) i`;
  await sql`insert into skus (product_id, shop_id, code, price_fen, cost_fen, stock) select id, shop_id, 'S' || row_number() over (), 9900, 5000, 1000 from products`;
  const [campaign] = await sql<{ id: string }[]>`insert into campaigns (name, starts_at, ends_at, gmv_target_fen, shop_ids) values ('双11', ${RECENT_FROM}, '2026-11-11T16:00:00Z', 100000000000, ${shopIds}::uuid[]) returning id`;
  // Every month of the history and the recent days gets its partition, as the job would have made it.
  await database.db.transaction(async (tx) => {
    for (let m = HISTORY_FROM; m <= monthStart(NOW, 2); m = monthStart(m, 1)) for (const table of MONTHLY_TABLES) await createMonthPartition(tx, table, m);
  });

  const platforms = await sql<{ id: string; platform: string }[]>`select id, platform from shops order by name`;
  const skusByShop = await Promise.all(platforms.map(async (p) => (await sql<{ id: string }[]>`select id from skus where shop_id = ${p.id} order by id`).map((k) => k.id)));
  const PER_SHOP = Math.min(...skusByShop.map((k) => k.length));
  const SKU_ARRAY = `array['${skusByShop.flatMap((k) => k.slice(0, PER_SHOP)).join("','")}']::uuid[]`;
  const CELLS = `(select sh.shop::uuid as shop, sh.channel::channel as channel, src, sh.idx, (row_number() over ())::int as cell
                  from (values ${platforms.map((p, i) => `('${p.id}', '${p.platform}', ${i})`).join(', ')}) sh(shop, channel, idx)
                  cross join unnest(enum_range(null::traffic_source)) src) c`;
  const CAMPAIGN = `case when b >= '${RECENT_FROM.toISOString()}' then '${campaign!.id}'::uuid end`;
  const SPARSE = "decode('000a05' || '01ff03' || lpad(to_hex(abs(hashtext(b::text || c.cell)) % 4096), 4, '0') || '07', 'hex')";
  const DENSE = "decode(repeat(regexp_replace(substr(md5(b::text || c.cell), 1, 16), '(.)', '0\\1', 'g'), 256), 'hex')";
  const MINUTES_PER_CELL_SPACE = (to: Date, from: Date) => ((to.getTime() - from.getTime()) / 60_000) * SHOPS * SOURCES;

  /** Rollup rows of one granularity whose bucket is in [from, to), for the cells whose hash falls in [lo, hi) of 1,000,000. */
  async function rollups(granularity: 'MINUTE' | 'HOUR' | 'DAY', from: Date, to: Date, share: [number, number], sketch: string) {
    const step = granularity === 'MINUTE' ? '1 minute' : granularity === 'HOUR' ? '1 hour' : '1 day';
    const first = granularity === 'DAY' ? new Date(Math.ceil((from.getTime() - TODAY.getTime()) / DAY_MS) * DAY_MS + TODAY.getTime()) : from;
    const picked = `abs(hashtext(b::text || c.cell)) % 1000000 >= ${Math.round(share[0] * 1e6)} and abs(hashtext(b::text || c.cell)) % 1000000 < ${Math.round(share[1] * 1e6)}`;
    await sql.unsafe(`
      insert into metric_rollups (granularity, bucket, shop_id, channel, source, campaign_id, visits, page_views, add_to_carts,
        orders_placed, orders_paid, gmv_fen, refunded_orders, refunded_fen, units_sold, visitors, carters, buyers)
      select '${granularity}', b, c.shop, c.channel, c.src, ${CAMPAIGN}, 30, 50, 4, 2, 2, 19800, 0, 0, 2, ${sketch}, ${sketch}, ${sketch}
      from generate_series('${first.toISOString()}'::timestamptz, '${to.toISOString()}'::timestamptz - interval '1 millisecond', '${step}') b cross join ${CELLS}
      where ${picked}`);
    await sql.unsafe(`
      insert into sku_rollups (granularity, bucket, shop_id, channel, source, campaign_id, sku_id, orders_paid, units_sold, gmv_fen)
      select '${granularity}', b, c.shop, c.channel, c.src, ${CAMPAIGN}, (${SKU_ARRAY})[1 + c.idx * ${PER_SHOP} + abs(hashtext(b::text || c.cell)) % ${PER_SHOP}], 2, 2, 19800
      from generate_series('${first.toISOString()}'::timestamptz, '${to.toISOString()}'::timestamptz - interval '1 millisecond', '${step}') b cross join ${CELLS}
      where ${picked}`);
  }

  /** `count` events spread over [from, to), month by month so each insert fills one partition. */
  async function events(prefix: string, count: number, from: Date, to: Date) {
    const span = to.getTime() - from.getTime();
    let done = 0;
    for (let m = monthStart(from); m < to; m = monthStart(m, 1)) {
      const lo = new Date(Math.max(m.getTime(), from.getTime()));
      const hi = new Date(Math.min(monthStart(m, 1).getTime(), to.getTime()));
      const n = Math.round((count * (hi.getTime() - lo.getTime())) / span);
      if (n === 0) continue;
      await sql.unsafe(`
        insert into events (shop_id, event_id, type, occurred_at, payload, payload_hash)
        select (${`array['${shopIds.join("','")}']`}::uuid[])[1 + i % ${SHOPS}], '${prefix}' || (${done} + i),
          (array['VISIT','VISIT','VISIT','PRODUCT_VIEW','PRODUCT_VIEW','ADD_TO_CART','ORDER_PLACED','ORDER_PAID'])[1 + i % 8]::event_type,
          '${lo.toISOString()}'::timestamptz + ((i * 2654435761) % ${hi.getTime() - lo.getTime()}) * interval '1 millisecond',
          jsonb_build_object('visitorId', 'v' || (i % 100000), 'source', 'SEARCH'), md5(i::text)
        from generate_series(1, ${n}) i`);
      done += n;
    }
  }

  /** Adds history so that it holds `total` events' worth, where it held `before`'s. */
  async function growHistory(before: number, total: number) {
    const fill = (n: number) => Math.min(1, n / MINUTES_PER_CELL_SPACE(RECENT_FROM, HISTORY_FROM));
    const t = performance.now();
    await events(`h${before}-`, total - before, HISTORY_FROM, RECENT_FROM);
    const eventsMs = performance.now() - t;
    await rollups('MINUTE', HISTORY_FROM, RECENT_FROM, [fill(before), fill(total)], SPARSE);
    if (before === 0) {
      await rollups('HOUR', HISTORY_FROM, RECENT_FROM, [0, 1], SPARSE);
      await rollups('DAY', HISTORY_FROM, RECENT_FROM, [0, 1], SPARSE);
    }
    await sql`analyze`;
    console.log(`history grown to ${total} events' worth (MINUTE cells filled: ${(fill(total) * 100).toFixed(1)} %) in ${((performance.now() - t) / 1000).toFixed(0)} s (events ${(eventsMs / 1000).toFixed(0)} s)`);
  }

  async function measure(label: string) {
    const load = await settle(SETTLE, 10);
    const scope = { campaignId: gid('Campaign', campaign!.id) };
    const figures: Record<string, { p50: number; p95: number }> = {};
    for (const [name, window] of Object.entries(WINDOWS)) {
      const body = JSON.stringify({ query: METRICS, variables: { scope, from: window.from.toISOString(), to: window.to.toISOString() } });
      const times: number[] = [];
      for (let i = 0; i < SAMPLES + 3; i++) {
        const t = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: graphqlHeaders(adminKey), body });
        const json = (await response.json()) as { data?: unknown; errors?: unknown };
        if (!json.data) throw new Error(JSON.stringify(json.errors));
        if (i >= 3) times.push(performance.now() - t); // the first three warm the caches and the plan
      }
      figures[name] = { p50: median(times), p95: percentile(times, 95) };
    }
    const [count] = await sql<{ e: string; m: string; s: string; size: string }[]>`
      select (select count(*) from events)::text e, (select count(*) from metric_rollups)::text m, (select count(*) from sku_rollups)::text s,
        pg_size_pretty(pg_database_size(current_database())) size`;
    console.log(
      `${label}: ${count!.e} events, ${count!.m} metric rollups, ${count!.s} SKU rollups, ${count!.size}; ` +
        Object.entries(figures).map(([name, f]) => `${name} p50 ${f.p50.toFixed(1)} ms (p95 ${f.p95.toFixed(1)})`).join(', ') +
        `; load average ${load.toFixed(1)}`,
    );
    return figures;
  }

  console.log(`recent 30 days: ${RECENT} events and dense rollups…`);
  await events('r-', RECENT, RECENT_FROM, NOW);
  await rollups('MINUTE', RECENT_FROM, NOW, [0, 1], SPARSE);
  await rollups('HOUR', RECENT_FROM, NOW, [0, 1], DENSE);
  await rollups('DAY', RECENT_FROM, NOW, [0, 1], DENSE);
  await growHistory(0, SMALL);
  const small = await measure('small history');
  await growHistory(SMALL, LARGE);
  const large = await measure('large history');
  // The job's own pass at this clock: minute months past 90 days go, hours and days stay.
  const run = await new HistoryJob({ db: database.db, logger: pino({ level: 'silent' }), now: () => NOW, retention: DEFAULT_RETENTION }).run();
  console.log(`retention (minute rollups 90 days): dropped ${run.dropped.length} partitions`);
  await sql`analyze`;
  const retained = await measure('large history after retention');

  const rows: [string, string][] = [];
  for (const name of Object.keys(WINDOWS)) {
    rows.push([`${name}: p50 small → large → after retention (ms)`, `${small[name]!.p50.toFixed(1)} → ${large[name]!.p50.toFixed(1)} → ${retained[name]!.p50.toFixed(1)}`]);
    rows.push([`${name}: p95 small → large → after retention (ms)`, `${small[name]!.p95.toFixed(1)} → ${large[name]!.p95.toFixed(1)} → ${retained[name]!.p95.toFixed(1)}`]);
    rows.push([`${name}: ratio large / small (p50)`, `${(large[name]!.p50 / small[name]!.p50).toFixed(2)}×`]);
  }
  report(`metrics with ${SMALL} vs ${LARGE} events of history over ${MONTHS} months`, rows);
  await sql.end();
  await app.stop();
} finally {
  await stop();
}
