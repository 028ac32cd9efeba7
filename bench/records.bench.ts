/**
 * Operations records at scale: `dailyReport` for one shop-day and the whole `campaign.retrospective`
 * (every section) of an 18-day 618 campaign, over 10M orders (3.3M customers, 300k refunds with
 * reasons), each measured side by side with a plain SQL aggregate over the raw orders that answers
 * only part of the same question.
 * Targets (issue 11): dailyReport p50 ≤ 50 ms, retrospective p50 ≤ 500 ms at 10M orders.
 * Run: npm run bench:records [-- --orders 10000000 --samples 20]
 *
 * Orders, customers, refunds and rollups are generated in SQL as in bench/metrics.bench.ts (ingesting
 * 10M orders through the API would take hours here); rollups are aggregated from the orders at
 * minute, hour and day granularity with dense sketches on hour and day rows, as ingestion leaves them.
 */
import postgres from 'postgres';
import { gid } from '../server/test/fixtures.js';
import { arg, benchAdminKey, benchApp, graphqlHeaders, median, percentile, report, startBenchDatabase } from './bench-util.js';

const ORDERS = Number(arg('orders', '10000000'));
const SAMPLES = Number(arg('samples', '20'));
const FROM = '2026-05-19T16:00:00Z'; // 5.20 00:00 Asia/Shanghai: 31 days of orders
const START = '2026-05-31T16:00:00Z'; // 6.1 00:00
const END = '2026-06-18T16:00:00Z'; // 6.19 00:00
const REPORT_DAY = '2026-06-18';
const REPORT_FROM = '2026-06-17T16:00:00Z';
const REPORT_TO = '2026-06-18T16:00:00Z';
const SPAN_MS = Date.parse(END) - Date.parse(FROM);

const FIGURES = 'visitors pageViews conversionRate gmv orders buyers refundRate spend roi';
const DAILY_REPORT = `query ($shopId: ID!, $date: Date!) { dailyReport(shopId: $shopId, date: $date) {
  date totals { ${FIGURES} } rows { source figures { ${FIGURES} } change { visitors gmv conversionRate } anomalies { rule message } anomalyNote owner } } }`;
const RETROSPECTIVE = `query ($id: ID!) { campaign(id: $id) { retrospective {
  ended dueAt overdue gmvTarget gmv netGmv achievementRate orders buyers visitors conversionRate spend roi
  hours { at plannedGmv actualGmv cumulativePlannedGmv cumulativeActualGmv }
  channels { channel gmv orders spend roi rank } sources { source gmv orders spend roi rank }
  bestChannel { channel } worstChannel { channel } bestSource { source } worstSource { source }
  pareto { skuCount soldSkus skus { sku { id code } gmv units share cumulativeShare } }
  newBuyers returningBuyers newBuyerShare refundsByReason { reason refunds amount share }
  milestones { milestone { name } onTime secondsLate highestRisk changes { status riskLevel changedAt } }
  alerts { alert { rule } secondsToAcknowledge secondsToResolve } medianSecondsToAcknowledge medianSecondsToResolve
  lessons exportPath } } }`;

const { url, database, stop } = await startBenchDatabase(10);
try {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const adminKey = benchAdminKey();
  const app = benchApp(database, adminKey, { now: new Date('2026-06-22T00:00:00Z') });
  const port = await app.start(0, '127.0.0.1');

  const shops = await sql<{ id: string }[]>`insert into shops (name, platform) select 'shop ' || i, (array['TMALL','JD','DOUYIN','PINDUODUO'])[i]::channel from generate_series(1, 4) i returning id`;
  const shopIds = shops.map((s) => s.id);
  const shopArray = `array['${shopIds.join("','")}']::uuid[]`;
  await sql`insert into products (shop_id, name, category, role) select (${shopIds}::uuid[])[1 + i % 4], 'p' || i, '家居', 'PROFIT' from generate_series(0, 199) i`;
  await sql`insert into skus (product_id, shop_id, code, price_fen, cost_fen, stock) select id, shop_id, 'S' || row_number() over (), 9900, 5000, 1000 from products`;
  const [campaign] = await sql<{ id: string }[]>`insert into campaigns (name, starts_at, ends_at, gmv_target_fen, shop_ids) values ('618年中大促', ${START}, ${END}, 100000000000, ${shopIds}::uuid[]) returning id`;
  const campaignId = campaign!.id;
  await sql`insert into campaign_milestones (campaign_id, name, owner, due_at, completion_standard, status, risk_level, completed_at)
    select ${campaignId}, '节点 ' || i, '张三', ${START}::timestamptz + i * interval '1 day', '按时完成', 'DONE', 'LOW', ${START}::timestamptz + i * interval '1 day' + (i % 3) * interval '3 hours' from generate_series(1, 12) i`;
  await sql`insert into milestone_changes (milestone_id, status, risk_level, changed_at, changed_by)
    select id, s, 'MEDIUM', due_at - interval '2 days', '张三' from campaign_milestones, unnest(array['NOT_STARTED','IN_PROGRESS','DONE']::milestone_status[]) s`;
  await sql.unsafe(`insert into alerts (rule, severity, shop_id, campaign_id, subject, message, raised_at, acknowledged_at, acknowledged_by, status, resolved_at, dedupe_key)
    select 'LOW_STOCK', 'WARNING', (${shopArray})[1 + i % 4], '${campaignId}', 's', '库存不足', t, t + interval '7 minutes', '张三', 'RESOLVED', t + interval '40 minutes', 'k' || i
    from generate_series(1, 300) i, lateral (select timestamptz '${START}' + i * interval '1 hour' as t) x`);

  const customers = Math.max(4, Math.floor(ORDERS / 3 / 4) * 4);
  console.log(`generating ${customers} customers and ${ORDERS} orders…`);
  // Customer k belongs to shop k % 4; order i goes to shop i % 4 and customer i % customers (same shop).
  await sql.unsafe(`insert into customers (id, shop_id, external_id) select md5('c' || k)::uuid, (${shopArray})[1 + k % 4], 'C' || k from generate_series(0, ${customers - 1}) k`);
  for (let start = 0; start < ORDERS; start += 1_000_000) {
    const end = Math.min(ORDERS, start + 1_000_000);
    await sql.unsafe(`
      insert into orders (shop_id, external_id, customer_id, channel, source, campaign_id, status, amount_fen, placed_at, paid_at, refunded_fen)
      select s.id, 'O' || i, md5('c' || (i % ${customers}))::uuid, s.platform, (enum_range(null::traffic_source))[1 + (i % 7)],
        case when t >= '${START}' then '${campaignId}'::uuid end,
        'PAID', 1000 + (i * 7919) % 90000, t - interval '2 minutes', t, case when i % 33 = 0 then 1000 else 0 end
      from generate_series(${start}::bigint, ${end - 1}::bigint) i
      cross join lateral (select timestamptz '${FROM}' + ((i * 2654435761) % ${SPAN_MS}) * interval '1 millisecond' as t) tt
      join shops s on s.id = (${shopArray})[1 + i % 4]`);
  }
  await sql`update customers c set first_order_at = o.first, last_order_at = o.last, paid_orders = o.n, spend_fen = o.spend
    from (select customer_id, min(paid_at) first, max(paid_at) last, count(*) n, sum(amount_fen) spend from orders group by customer_id) o where o.customer_id = c.id`;
  await sql`insert into refunds (order_id, shop_id, campaign_id, amount_fen, reason, refunded_at)
    select id, shop_id, campaign_id, refunded_fen, (array['尺码不符','质量问题','发货太慢','七天无理由'])[1 + abs(hashtext(external_id)) % 4], paid_at + interval '2 days' from orders where refunded_fen > 0`;
  for (const [granularity, bucket] of [
    ['MINUTE', "date_trunc('minute', paid_at)"],
    ['HOUR', "date_trunc('hour', paid_at)"],
    ['DAY', "date_trunc('day', paid_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'"],
  ] as const) {
    const sketch =
      granularity === 'MINUTE'
        ? "decode('000a05' || '01ff03' || lpad(to_hex((random() * 4095)::int), 4, '0') || '07', 'hex')"
        : "decode(repeat(regexp_replace(substr(md5(random()::text), 1, 16), '(.)', '0\\1', 'g'), 256), 'hex')";
    await sql.unsafe(`
      insert into metric_rollups (granularity, bucket, shop_id, channel, source, campaign_id, visits, page_views, add_to_carts,
        orders_placed, orders_paid, gmv_fen, refunded_orders, refunded_fen, units_sold, spend_fen, visitors, carters, buyers)
      select '${granularity}'::granularity, b, shop_id, channel, source, campaign_id, n * 30, n * 50, n * 4, n, n, gmv, r, rf, n, gmv / (1 + (ascii(source::text) % 4)), ${sketch}, ${sketch}, ${sketch}
      from (select ${bucket} as b, shop_id, channel, source, campaign_id, count(*) n, sum(amount_fen) gmv,
              count(*) filter (where refunded_fen > 0) r, sum(refunded_fen) rf
            from orders group by 1, 2, 3, 4, 5) x`);
    await sql.unsafe(`
      insert into sku_rollups (granularity, bucket, shop_id, channel, source, campaign_id, sku_id, orders_paid, units_sold, gmv_fen)
      select '${granularity}'::granularity, b, o.shop_id, channel, source, campaign_id, k.id, count(*), count(*), sum(amount_fen)
      from (select ${bucket} as b, *, abs(hashtext(external_id)) % 50 as slot from orders) o
      join lateral (select id from skus where skus.shop_id = o.shop_id order by id offset o.slot limit 1) k on true
      group by 1, 2, 3, 4, 5, 6, 7`);
  }
  // Settled, as a finished campaign's rows are under autovacuum: visibility maps set, so counts can stay in indexes.
  await sql`vacuum analyze`;

  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: graphqlHeaders(adminKey), body: JSON.stringify({ query, variables }) });
    const json = (await response.json()) as { data?: unknown; errors?: unknown };
    if (!json.data || json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
  // Partial answers straight from the orders: what a report or a retrospective would cost without rollups.
  const plainDay = () => sql`select source, sum(amount_fen), count(*), count(distinct customer_id), count(*) filter (where refunded_fen > 0)
    from orders where shop_id = ${shopIds[0]!} and paid_at >= ${REPORT_FROM} and paid_at < ${REPORT_TO} group by source`;
  const plainCampaign = () => sql`select source, channel, sum(amount_fen), count(*), count(distinct customer_id) from orders where campaign_id = ${campaignId} group by source, channel`;

  async function measure(run: () => Promise<unknown>, baseline: () => Promise<unknown>) {
    const ours: number[] = [];
    const plain: number[] = [];
    await run(); // warm: plans cached, pages read once
    for (let i = 0; i < SAMPLES; i++) {
      let t = performance.now();
      await run();
      ours.push(performance.now() - t);
      t = performance.now();
      await baseline();
      plain.push(performance.now() - t);
    }
    return { p50: median(ours), p95: percentile(ours, 95), plain: median(plain) };
  }

  const day = await measure(() => post(DAILY_REPORT, { shopId: gid('Shop', shopIds[0]!), date: REPORT_DAY }), plainDay);
  const retro = await measure(() => post(RETROSPECTIVE, { id: gid('Campaign', campaignId) }), plainCampaign);
  // Where the time goes: each section of the retrospective asked alone.
  const SECTIONS = ['gmv netGmv achievementRate orders buyers visitors spend roi', 'hours { at actualGmv }', 'channels { roi } sources { roi }', 'pareto { skuCount skus { gmv } }', 'newBuyers returningBuyers', 'refundsByReason { reason amount }', 'milestones { onTime changes { status } }', 'alerts { secondsToResolve } medianSecondsToResolve'];
  const sections: [string, string][] = [];
  for (const fields of SECTIONS) {
    const query = `query ($id: ID!) { campaign(id: $id) { retrospective { ${fields} } } }`;
    const alone = await measure(() => post(query, { id: gid('Campaign', campaignId) }), async () => {});
    sections.push([`  section alone p50 (ms): ${fields.slice(0, 40)}`, alone.p50.toFixed(1)]);
  }
  const [sizes] = await sql<{ o: number; r: number; c: number; f: number }[]>`select (select count(*) from orders)::int o, (select count(*) from metric_rollups)::int r,
    (select count(*) from customers)::int c, (select count(*) from refunds)::int f`;

  report(`operations records at ${sizes!.o} orders (${sizes!.c} customers, ${sizes!.f} refunds, ${sizes!.r} rollup rows)`, [
    ['dailyReport p50 (ms)', `${day.p50.toFixed(1)} (p95 ${day.p95.toFixed(1)}; target ≤ 50)`],
    ['dailyReport p50 / target', `${(day.p50 / 50).toFixed(2)}`],
    ['plain SQL over orders, one shop-day by source, p50 (ms)', day.plain.toFixed(1)],
    ['plain SQL / dailyReport', `${(day.plain / day.p50).toFixed(1)}×`],
    ['retrospective (every section) p50 (ms)', `${retro.p50.toFixed(1)} (p95 ${retro.p95.toFixed(1)}; target ≤ 500)`],
    ['retrospective p50 / target', `${(retro.p50 / 500).toFixed(2)}`],
    ['plain SQL over orders, campaign by source × channel only, p50 (ms)', retro.plain.toFixed(1)],
    ['plain SQL / retrospective', `${(retro.plain / retro.p50).toFixed(1)}×`],
    ...sections,
  ]);
  await app.stop();
  await sql.end();
} finally {
  await stop();
}
