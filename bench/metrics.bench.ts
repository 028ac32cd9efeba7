/**
 * Read cost: the war room's `metrics` query for a campaign day (totals, by source and channel, hourly
 * series, top products, funnel) at 1M and then 10M orders, against a plain SQL aggregate over the
 * raw orders answering the same totals, measured side by side in one run.
 * Target: metrics p50 ≤ 20 ms at 10M orders and ≤ 1.5× growth from 1M to 10M.
 * Run: npm run bench:metrics [-- --small 1000000 --large 10000000 --samples 40 --settle 1.5
 *        --server compiled|tsx|both --ab-totals-cache --interleaved --profile large.cpuprofile --keep | --database URL]
 *
 * Orders and rollups are generated in SQL (ingesting 10M orders through the API would take hours
 * here); rollups are aggregated from those orders at minute, hour and day granularity, with dense
 * 4 KB sketches on hour and day rows, as ingestion leaves them.
 *
 * PeakOps is served as production runs it, compiled in its own process (bench/peakops-server.mjs);
 * `--server tsx` serves it through tsx inside this process as runs before issue 12's fifth round did,
 * `--server both` asks both in turn in each sample. `--keep` leaves the database running and prints
 * how to measure it again; `--database URL` measures such a database without generating anything.
 * `--ab-totals-cache` adds a second compiled server that holds no totals (modules/metrics/totals.cache.ts):
 * every request reads and merges its window's sketches, as before the cache.
 */
import postgres from 'postgres';
import { type App } from '../server/src/app.js';
import { openDatabase } from '../server/src/db/client.js';
import { arg, benchAdminKey, benchApp, buildServer, graphqlHeaders, median, PEAKOPS_SERVER, percentile, profiled, report, settle, startBenchDatabase, startPeakOps } from './bench-util.js';
import { gid } from '../server/test/fixtures.js';

const SMALL = Number(arg('small', '1000000'));
const LARGE = Number(arg('large', '10000000'));
const SAMPLES = Number(arg('samples', '40'));
/** A .cpuprofile of the large measurement of the in-process (tsx) server only. */
const PROFILE = arg('profile', '') || null;
/** Measure only once the 1-minute load average is at most this (0: at once); generation runs regardless. */
const SETTLE = Number(arg('settle', '0'));
const SERVER = arg('server', 'compiled');
if (!['compiled', 'tsx', 'both'].includes(SERVER)) throw new Error('--server is compiled, tsx or both');
const KEEP = process.argv.includes('--keep');
const AB_TOTALS_CACHE = process.argv.includes('--ab-totals-cache');
/** A database a `--keep` run left running: measured as it is, nothing generated. */
const REUSE = arg('database', '') || null;
const FROZEN_NOW = '2026-11-12T00:00:00Z';
/** One plain-SQL sample after each metrics sample, as runs before issue 12's fifth round measured. */
const INTERLEAVED = process.argv.includes('--interleaved');
const DAY_START = '2026-11-10T16:00:00Z'; // 11.11 00:00 Asia/Shanghai
const DAY_END = '2026-11-11T16:00:00Z';

const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) {
    gmv netGmv orders buyers visitors pageViews conversionRate averageOrderValue refundRate addToCartRate
    bySource { source gmv orders buyers conversionRate } byChannel { channel gmv orders }
    series(interval: HOUR) { at gmv orders } topProducts(limit: 10) { gmv unitsSold sku { id } } funnel { steps { name count } }
  }
}`;

const { url, database, stop } = REUSE
  ? { url: REUSE, database: await openDatabase({ kind: 'postgres', url: REUSE, maxConnections: 10 }), stop: async () => {} }
  : await startBenchDatabase(10);
let app: App | undefined;
let compiled: Awaited<ReturnType<typeof startPeakOps>> | undefined;
let uncached: Awaited<ReturnType<typeof startPeakOps>> | undefined;
try {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const adminKey = benchAdminKey();
  const servers: { name: string; port: number }[] = [];
  if (SERVER !== 'tsx') {
    buildServer();
    compiled = await startPeakOps('PeakOps', PEAKOPS_SERVER, [url, '10', adminKey, FROZEN_NOW]);
    servers.push({ name: 'compiled', port: compiled.port });
    if (AB_TOTALS_CACHE) {
      uncached = await startPeakOps('PeakOps, no totals cache', PEAKOPS_SERVER, [url, '10', adminKey, FROZEN_NOW], [], { PEAKOPS_BENCH_TOTALS_CACHE: 'off' });
      servers.push({ name: 'compiled, no totals cache', port: uncached.port });
    }
  }
  if (SERVER !== 'compiled') {
    // The query alone is measured: the alert engine's evaluations (every minute, over the same dense
    // sketches) would otherwise run on this event loop during the samples and during generation.
    app = benchApp(database, adminKey, { now: new Date(FROZEN_NOW), ...(process.env.BENCH_DEV ? { env: { NODE_ENV: 'development' } } : {}) });
    servers.push({ name: 'tsx', port: await app.start(0, '127.0.0.1') });
  }

  async function generateCatalog(): Promise<string> {
    const shops = await sql<{ id: string }[]>`insert into shops (name, platform) select 'shop ' || i, (array['TMALL','JD','DOUYIN','PINDUODUO'])[i]::channel from generate_series(1, 4) i returning id`;
    const shopIds = shops.map((s) => s.id);
    await sql`insert into products (shop_id, name, category, role) select (${shopIds}::uuid[])[1 + i % 4], 'p' || i, '家居', 'PROFIT' from generate_series(0, 199) i`;
    await sql`insert into skus (product_id, shop_id, code, price_fen, cost_fen, stock) select id, shop_id, 'S' || row_number() over (), 9900, 5000, 1000 from products`;
    const [created] = await sql<{ id: string }[]>`insert into campaigns (name, starts_at, ends_at, gmv_target_fen, shop_ids) values ('双11', '2026-11-01T16:00:00Z', ${DAY_END}, 100000000000, ${shopIds}::uuid[]) returning id`;
    return created!.id;
  }
  const campaignId = REUSE ? (await sql<{ id: string }[]>`select id from campaigns where name = '双11'`)[0]!.id : await generateCatalog();
  const shopIds = (await sql<{ id: string }[]>`select id from shops order by name`).map((s) => s.id);
  const campaign = { id: campaignId };

  async function addOrders(from: number, to: number) {
    // 30 days of orders; 11.11 gets a fifth of them, as Double 11 does.
    for (let start = from; start < to; start += 1_000_000) {
      const end = Math.min(to, start + 1_000_000);
      await sql.unsafe(`
        insert into orders (shop_id, external_id, channel, source, campaign_id, status, amount_fen, placed_at, paid_at, refunded_fen)
        select s.id, 'O' || i, s.platform, (enum_range(null::traffic_source))[1 + (i % 7)],
          case when t >= '2026-11-01T16:00:00Z' then '${campaign.id}'::uuid end,
          'PAID', 1000 + (i * 7919) % 90000, t - interval '2 minutes', t, case when i % 33 = 0 then 1000 else 0 end
        from generate_series(${start}::bigint, ${end - 1}::bigint) i
        cross join lateral (select case when i % 5 = 0
          then timestamptz '${DAY_START}' + ((i * 2654435761) % 86400000) * interval '1 millisecond'
          else timestamptz '2026-10-12T16:00:00Z' + ((i * 2654435761) % 2592000000) * interval '1 millisecond' end as t) tt
        join shops s on s.id = (array['${shopIds.join("','")}']::uuid[])[1 + i % 4]`);
    }
  }

  async function rebuildRollups() {
    await sql`truncate metric_rollups, sku_rollups`;
    for (const [granularity, bucket] of [
      ['MINUTE', "date_trunc('minute', paid_at)"],
      ['HOUR', "date_trunc('hour', paid_at)"],
      ['DAY', "date_trunc('day', paid_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'"],
    ] as const) {
      // Hour and day sketches are dense (4,096 bytes) once traffic is real; minute ones stay sparse.
      // Register values stay below 16, as real sketches' do (a value of v means a run of v-1 zero bits).
      const sketch =
        granularity === 'MINUTE'
          ? "decode('000a05' || '01ff03' || lpad(to_hex((random() * 4095)::int), 4, '0') || '07', 'hex')"
          : "decode(repeat(regexp_replace(substr(md5(random()::text), 1, 16), '(.)', '0\\1', 'g'), 256), 'hex')";
      await sql.unsafe(`
        insert into metric_rollups (granularity, bucket, shop_id, channel, source, campaign_id, visits, page_views, add_to_carts,
          orders_placed, orders_paid, gmv_fen, refunded_orders, refunded_fen, units_sold, visitors, carters, buyers)
        select '${granularity}'::granularity, b, shop_id, channel, source, campaign_id, n * 30, n * 50, n * 4, n, n, gmv, r, rf, n, ${sketch}, ${sketch}, ${sketch}
        from (select ${bucket} as b, shop_id, channel, source, campaign_id, count(*) n, sum(amount_fen) gmv,
                count(*) filter (where refunded_fen > 0) r, sum(refunded_fen) rf
              from orders group by 1, 2, 3, 4, 5) x`);
      await sql.unsafe(`
        insert into sku_rollups (granularity, bucket, shop_id, channel, source, campaign_id, sku_id, orders_paid, units_sold, gmv_fen)
        select '${granularity}'::granularity, b, o.shop_id, channel, source, campaign_id, k.id, count(*), count(*), sum(amount_fen)
        from (select ${bucket} as b, *, abs(hashtext(external_id)) % 50 as slot from orders) o
        join (select id, shop_id, (row_number() over (partition by shop_id order by id) - 1)::int as slot from skus) k
          on k.shop_id = o.shop_id and k.slot = o.slot
        group by 1, 2, 3, 4, 5, 6, 7`);
    }
    await sql`analyze`;
  }

  const baselineSql = () => sql`
    select sum(amount_fen) gmv, count(*) orders, count(distinct customer_id) buyers, sum(refunded_fen) refunded,
      count(*) filter (where refunded_fen > 0) refunded_orders
    from orders where campaign_id = ${campaign.id} and paid_at >= ${DAY_START} and paid_at < ${DAY_END}
    union all
    select sum(amount_fen), count(*), 0, 0, 0 from orders where campaign_id = ${campaign.id} and paid_at >= ${DAY_START} and paid_at < ${DAY_END} group by source
    union all
    select sum(amount_fen), count(*), 0, 0, 0 from orders where campaign_id = ${campaign.id} and paid_at >= ${DAY_START} and paid_at < ${DAY_END} group by date_trunc('hour', paid_at)`;

  type Figures = { metrics: number; metricsP95: number };
  /** Per server, in the order of `servers`, and the plain SQL; servers take turns first in each sample. */
  async function measure(label: string, settleMinutes: number): Promise<{ servers: Figures[]; baseline: number }> {
    const load = await settle(SETTLE, settleMinutes);
    const samples = servers.map(() => [] as number[]);
    const baseline: number[] = [];
    const body = JSON.stringify({ query: METRICS, variables: { scope: { campaignId: gid('Campaign', campaign.id) }, from: DAY_START, to: DAY_END } });
    const ask = async (port: number) => {
      const t = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: graphqlHeaders(adminKey), body });
      const json = (await response.json()) as { data?: unknown; errors?: unknown };
      if (!json.data) throw new Error(JSON.stringify(json.errors));
      return performance.now() - t;
    };
    const plainSql = async () => {
      const t = performance.now();
      await baselineSql();
      baseline.push(performance.now() - t);
    };
    // Warm-up (compiled queries, prepared statements, the totals cache); its time is the first answer's.
    const first = [];
    for (const server of servers) first.push(`${server.name} ${(await ask(server.port)).toFixed(1)} ms`);
    console.log(`${label}: first request ${first.join(', ')}`);
    for (let i = 0; i < SAMPLES; i++) {
      for (let j = 0; j < servers.length; j++) {
        const k = (i + j) % servers.length;
        samples[k]!.push(await ask(servers[k]!.port));
      }
      if (INTERLEAVED) await plainSql();
    }
    // By default the plain aggregate's samples follow, so no metrics sample runs in the wake of a
    // multi-second parallel scan of the orders (at 10M orders that cost the next sample ~7 ms here).
    if (!INTERLEAVED) for (let i = 0; i < Math.min(SAMPLES, 10); i++) await plainSql();
    const [count] = await sql<{ n: number; r: number }[]>`select (select count(*) from orders)::int n, (select count(*) from metric_rollups)::int r`;
    const figures = samples.map((m) => ({ metrics: median(m), metricsP95: percentile(m, 95) }));
    const each = servers.map((server, k) => `${server.name} p50 ${figures[k]!.metrics.toFixed(1)} ms (p95 ${figures[k]!.metricsP95.toFixed(1)})`).join(', ');
    console.log(`${label}: ${count!.n} orders, ${count!.r} rollup rows; metrics ${each}; plain SQL p50 ${median(baseline).toFixed(1)} ms; load average ${load.toFixed(1)} when it started`);
    return { servers: figures, baseline: median(baseline) };
  }

  if (REUSE) {
    const again = await profiled(PROFILE, () => measure('reused', 90));
    report('metrics for a campaign day, on a kept database', [
      ...servers.map((server, k): [string, string] => [`metrics p50, ${server.name} (ms)`, `${again.servers[k]!.metrics.toFixed(1)} (p95 ${again.servers[k]!.metricsP95.toFixed(1)}; target ≤ 20)`]),
      ['plain SQL over orders p50 (ms)', again.baseline.toFixed(1)],
    ]);
  } else {
    console.log(`generating ${SMALL} orders…`);
    await addOrders(0, SMALL);
    await rebuildRollups();
    // The small measurement waits briefly only: the large generation must not wait on it.
    const small = await measure('small', 3);
    console.log(`growing to ${LARGE} orders…`);
    await addOrders(SMALL, LARGE);
    await rebuildRollups();
    const large = await profiled(PROFILE, () => measure('large', 90));
    report('metrics for a campaign day', [
      ...servers.flatMap((server, k): [string, string][] => [
        [`metrics p50 at ${SMALL} orders, ${server.name} (ms)`, small.servers[k]!.metrics.toFixed(1)],
        [`metrics p50 at ${LARGE} orders, ${server.name} (ms)`, `${large.servers[k]!.metrics.toFixed(1)} (p95 ${large.servers[k]!.metricsP95.toFixed(1)}; target ≤ 20)`],
        [`metrics growth large / small, ${server.name}`, `${(large.servers[k]!.metrics / small.servers[k]!.metrics).toFixed(2)}× (target ≤ 1.5×)`],
      ]),
      [`plain SQL over orders p50 at ${SMALL} (ms)`, small.baseline.toFixed(1)],
      [`plain SQL over orders p50 at ${LARGE} (ms)`, large.baseline.toFixed(1)],
      ['plain SQL growth large / small', `${(large.baseline / small.baseline).toFixed(2)}×`],
      [`plain SQL / metrics (${servers[0]!.name}) at ${LARGE}`, `${(large.baseline / large.servers[0]!.metrics).toFixed(1)}×`],
    ]);
  }
  await sql.end();
} finally {
  compiled?.child.kill('SIGTERM');
  uncached?.child.kill('SIGTERM');
  await app?.stop();
  if (KEEP && !REUSE) {
    await database.close();
    console.log(`kept: measure again with  npm run bench:metrics -- --database ${url}`);
  } else if (REUSE) {
    await database.close();
  } else {
    await stop();
  }
}
