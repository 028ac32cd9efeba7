import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { type App } from '../server/src/app.js';
import { abServer, arg, benchAdminKey, benchApp, buildServer, createPartnerKey, graphqlHeaders, httpLoad, medians, PEAKOPS_SERVER, postgresPids, report, rotatedSamples, roundRatios, startBenchDatabase, startPeakOps, startServer } from './bench-util.js';

/**
 * PeakOps against a peer (issue 12): PostGraphile v5 (amber preset) over the same PostgreSQL, the same
 * tables and rows, asked for the same fields; requests/s in alternating rounds with the same load
 * generator, and the ratio PeakOps / PostGraphile. The peer lives in bench/peer/ with its own
 * package.json, installed there on first use (never a PeakOps dependency), and runs in its own process.
 *
 * PeakOps runs as production does: compiled (`npm run build:server`, rebuilt each run) in its own `node`
 * process (bench/peakops-server.mjs); `--also-tsx` adds the in-process tsx server rounds 1–3 measured.
 *
 * npm run bench:peer -- [--seconds 5] [--rounds 3] [--concurrency 16] [--orders 50000] [--also-tsx] [--ab-generic-plans]
 *   [--ab-node-flags "FLAGS"] [--ab-dir DIR] [--stock-yoga] [--sku-price] [--profile DIR]
 *
 * `--ab-node-flags` and `--ab-dir` add a second compiled PeakOps, "B", to the same rotation: started with
 * those node flags, and/or built from another checkout (e.g. `git worktree add /tmp/old <commit>`, with
 * node_modules linked), so a change is measured against the code before it in one run. `--stock-yoga`
 * adds `{ __typename }` on a Yoga server as it comes (bench/stock-yoga-server.mjs): what Yoga's own
 * per-request stack costs, with none of PeakOps's schema, plugins or tuning.
 * `--sku-price` asks for each line's SKU price too, a field that changes (PeakOps then reads the SKUs).
 */
const seconds = Number(arg('seconds', '5'));
const rounds = Number(arg('rounds', '3'));
const concurrency = Number(arg('concurrency', '16'));
const orderCount = Number(arg('orders', '50000'));
const POOL = 20;
/** Also measure PeakOps through tsx inside this process (how rounds 1–3 ran), beside the compiled server. */
const alsoTsx = process.argv.includes('--also-tsx');
/** Also measure a second compiled server without the generic-plan pool (db/generic-plans.ts), admin and partner. */
const abGenericPlans = process.argv.includes('--ab-generic-plans');
/** Also measure a second compiled server ("B") started with these node flags (e.g. "--max-semi-space-size=64"), admin and partner. */
const abNodeFlags = arg('ab-node-flags', '').split(' ').filter(Boolean);
/** B built from the checkout in this folder instead of the working tree. */
const abDir = arg('ab-dir', '');
/** Also measure `{ __typename }` on a stock Yoga server (bench/stock-yoga-server.mjs). */
const stockYoga = process.argv.includes('--stock-yoga');
/** Writes the PeakOps server's CPU profile (`node --cpu-prof`, whole run) into this folder. */
const profileDir = arg('profile', '');
const PEER = path.resolve(import.meta.dirname, 'peer');

/**
 * `--sku-price` asks the page for each line's SKU price as well: a field that changes, so PeakOps reads
 * the SKUs for it on every page, where a SKU's code alone (which never changes) it names from what it
 * has already read (modules/product/product.facts.ts).
 */
const skuPrice = process.argv.includes('--sku-price');
const ORDERS_PAGE = `{ orders(first: 20) { edges { node { id externalId status amount placedAt items { quantity unitPrice sku { code${skuPrice ? ' price' : ''} } } } } } }`;
// PostGraphile's inflection of the same page: orders newest first with the id breaking ties (as
// PeakOps's keyset does), items by primary key (PeakOps orders them by id), the SKU through its key.
// Money is the stored fen there (a BigInt string) and yuan here: the same column, its own scalar.
const PEER_ORDERS_PAGE = `{ allOrders(first: 20, orderBy: [PLACED_AT_DESC, ROW_ID_DESC]) { edges { node { id externalId status amountFen placedAt orderItemsByOrderId { nodes { quantity unitPriceFen skusBySkuId { code${skuPrice ? ' priceFen' : ''} } } } } } } }`;
const TRIVIAL = '{ __typename }';

/** 4 shops, 200 SKUs, `orderCount` orders of 1–4 items, one order every 37 s back from now; in SQL. */
async function generate(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`
    insert into shops (name, platform, platform_shop_id)
      select 'peer shop ' || s, 'TMALL', 'peer-' || s from generate_series(1, 4) s;
    insert into products (shop_id, name, category, role)
      select sh.id, 'product ' || p, 'category ' || (p % 5), 'PROFIT' from shops sh, generate_series(1, 50) p;
    insert into skus (product_id, shop_id, code, price_fen, cost_fen, stock)
      select pr.id, pr.shop_id, 'SKU-' || row_number() over (partition by pr.shop_id order by pr.name), 1000 + (abs(hashtext(pr.id::text)) % 50000), 500, 1000 from products pr;
    create temporary table shop_no as select id, row_number() over (order by platform_shop_id) - 1 as n from shops;
    create temporary table sku_no as select id, shop_id, price_fen, row_number() over (partition by shop_id order by code) - 1 as n from skus;
    insert into orders (shop_id, external_id, channel, source, status, amount_fen, placed_at)
      select s.id, 'peer-order-' || i, 'TMALL', (array['SEARCH','RECOMMENDATION','CAMPAIGN','PAID'])[1 + i % 4]::traffic_source,
             (array['PLACED','PAID','SHIPPED','DELIVERED','REFUNDED'])[1 + i % 5]::order_status, 0,
             date_trunc('second', now()) - make_interval(secs => i * 37)
      from generate_series(0, ${orderCount - 1}) i join shop_no s on s.n = i % 4;
    insert into order_items (order_id, sku_id, quantity, unit_price_fen)
      select o.id, k.id, 1 + (line + o.n) % 3, k.price_fen
      from (select id, shop_id, substring(external_id from 12)::int as n from orders) o
      cross join lateral generate_series(0, o.n % 4) line
      join sku_no k on k.shop_id = o.shop_id and k.n = (o.n * 7 + line * 13) % 50;
    update orders o set amount_fen = t.total from (select order_id, sum(quantity * unit_price_fen) total from order_items group by order_id) t where t.order_id = o.id;
    analyze;
  `);
  await sql.end();
}

type Run = { rate: number; cpuUs: number; cpuAllUs: number };
/** B against A in the same rounds: B's admin and partner runs, A's admin and partner runs. */
function abRounds([bAdmin, bPartner]: Run[][], aAdmin: Run[], aPartner: Run[]) {
  return {
    abAdmin: roundRatios(bAdmin!, aAdmin, 'rate'),
    abPartner: roundRatios(bPartner!, aPartner, 'rate'),
    // Inverted (A / B), so above 1 means B spends less.
    abAdminCpu: roundRatios(aAdmin, bAdmin!, 'cpuAllUs'),
    abAdminServerCpu: roundRatios(aAdmin, bAdmin!, 'cpuUs'),
  };
}

/** Installs the peer into bench/peer/node_modules when it is not there yet. */
function installPeer() {
  if (existsSync(path.join(PEER, 'node_modules', 'postgraphile'))) return;
  console.log('installing PostGraphile into bench/peer/node_modules …');
  execFileSync('npm', ['install', '--prefix', PEER, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

async function post<T>(port: number, credential: string | null, query: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: credential ? graphqlHeaders(credential) : { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`:${port} answered ${JSON.stringify(body).slice(0, 400)}`);
  return body.data;
}

interface PeakOpsPage { orders: { edges: { node: { externalId: string; status: string; amount: string; placedAt: string; items: { quantity: number; unitPrice: string; sku: { code: string; price?: string } }[] } }[] } }
interface PeerPage { allOrders: { edges: { node: { externalId: string; status: string; amountFen: string; placedAt: string; orderItemsByOrderId: { nodes: { quantity: number; unitPriceFen: string; skusBySkuId: { code: string; priceFen?: string } }[] } } }[] } }

/** Both pages as comparable rows: the same orders in the same order, with the same items. */
function samePage(ours: PeakOpsPage, theirs: PeerPage) {
  const yuan = (fen: string) => (Number(fen) / 100).toFixed(2);
  const a = ours.orders.edges.map(({ node: o }) => ({ externalId: o.externalId, status: o.status, amount: o.amount, placedAt: new Date(o.placedAt).toISOString(), items: o.items.map((i) => [i.quantity, i.unitPrice, i.sku.code, i.sku.price ?? null]) }));
  const b = theirs.allOrders.edges.map(({ node: o }) => ({ externalId: o.externalId, status: o.status, amount: yuan(o.amountFen), placedAt: new Date(o.placedAt).toISOString(), items: o.orderItemsByOrderId.nodes.map((i) => [i.quantity, yuan(i.unitPriceFen), i.skusBySkuId.code, i.skusBySkuId.priceFen === undefined ? null : yuan(i.skusBySkuId.priceFen)]) }));
  if (a.length !== 20 || JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`the servers disagree on the orders page:\nPeakOps ${JSON.stringify(a.slice(0, 2))}\nPostGraphile ${JSON.stringify(b.slice(0, 2))}`);
  }
  if (a.every((o) => o.items.length === 1)) throw new Error('expected orders with several items');
}

installPeer();
buildServer();
const ab = abServer(abDir, abNodeFlags);
const abNamed = ab?.named ?? '';
const db = await startBenchDatabase(POOL);
const adminKey = benchAdminKey();
let app: App | undefined;
const children: ChildProcess[] = [];
try {
  console.log(`generating ${orderCount.toLocaleString('en')} orders …`);
  await generate(db.url);
  const ours = await startPeakOps('PeakOps', PEAKOPS_SERVER, [db.url, String(POOL), adminKey], profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(profileDir)] : []);
  children.push(ours.child);
  const peer = await startServer('PostGraphile', path.join(PEER, 'server.mjs'), [db.url, String(POOL)]);
  children.push(peer.child);
  const without = abGenericPlans ? await startPeakOps('PeakOps without generic plans', PEAKOPS_SERVER, [db.url, String(POOL), adminKey], [], { PEAKOPS_BENCH_GENERIC_PLANS: 'off' }) : undefined;
  if (without) children.push(without.child);
  const flagged = ab ? await startPeakOps(`PeakOps ${ab.named}`, ab.script, [db.url, String(POOL), adminKey], abNodeFlags) : undefined;
  if (flagged) children.push(flagged.child);
  const stock = stockYoga ? await startServer('stock Yoga', path.resolve(import.meta.dirname, 'stock-yoga-server.mjs'), []) : undefined;
  if (stock) children.push(stock.child);
  const ourPort = ours.port;
  const peerPort = peer.port;
  // How rounds 1–3 measured PeakOps: tsx-transformed, inside this process (which only waits on the load).
  let tsxPort: number | undefined;
  if (alsoTsx) {
    app = benchApp(db.database, adminKey);
    tsxPort = await app.start(0, '127.0.0.1');
  }
  const databasePids = await postgresPids(db.url);

  const shopIds = (await post<{ shops: { edges: { node: { id: string } }[] } }>(ourPort, adminKey, '{ shops { edges { node { id } } } }')).shops.edges.map((e) => e.node.id);
  const partnerKey = await createPartnerKey(ourPort, adminKey, shopIds);
  samePage(await post<PeakOpsPage>(ourPort, adminKey, ORDERS_PAGE), await post<PeerPage>(peerPort, null, PEER_ORDERS_PAGE));
  samePage(await post<PeakOpsPage>(ourPort, partnerKey, ORDERS_PAGE), await post<PeerPage>(peerPort, null, PEER_ORDERS_PAGE));
  if (tsxPort) samePage(await post<PeakOpsPage>(tsxPort, adminKey, ORDERS_PAGE), await post<PeerPage>(peerPort, null, PEER_ORDERS_PAGE));

  // PeakOps through the admin key and a partner key over the 4 shops, and PostGraphile (no
  // credential: it has none to check), rotated each round so drift on the shared machine favours none.
  const measure = async (query: string, theirs: string) => {
    const sides = [
      { port: ourPort, credential: adminKey as string | null, query, pid: ours.child.pid! },
      { port: ourPort, credential: partnerKey as string | null, query, pid: ours.child.pid! },
      { port: peerPort, credential: null, query: theirs, pid: peer.child.pid! },
      ...(tsxPort ? [{ port: tsxPort, credential: adminKey as string | null, query, pid: process.pid }] : []),
      ...(without
        ? [
            { port: without.port, credential: adminKey as string | null, query, pid: without.child.pid! },
            { port: without.port, credential: partnerKey as string | null, query, pid: without.child.pid! },
          ]
        : []),
      ...(flagged
        ? [
            { port: flagged.port, credential: adminKey as string | null, query, pid: flagged.child.pid! },
            { port: flagged.port, credential: partnerKey as string | null, query, pid: flagged.child.pid! },
          ]
        : []),
      // Stock Yoga has no orders: only the trivial query is asked of it.
      ...(stock && query === TRIVIAL ? [{ port: stock.port, credential: null, query, pid: stock.child.pid! }] : []),
    ];
    const flaggedAt = (tsxPort ? 4 : 3) + (without ? 2 : 0);
    const samples = await rotatedSamples(sides, rounds, (side) =>
      httpLoad(`http://127.0.0.1:${side.port}/graphql`, side.credential, JSON.stringify({ query: side.query }), { concurrency, seconds, serverPid: side.pid, databasePids }),
    );
    const results = samples.map(medians);
    const [admin, partner, peerSide] = results;
    // Round by round, beside the ratio of the medians: the sides of one round ran seconds apart.
    const runs = samples.map((side) => side.map((r) => ({ ...r, cpuAllUs: r.cpuUs + r.databaseCpuUs })));
    const [adminRuns, partnerRuns, peerRuns] = runs;
    const perRound = {
      admin: roundRatios(adminRuns!, peerRuns!, 'rate'),
      partner: roundRatios(partnerRuns!, peerRuns!, 'rate'),
      // Inverted (theirs / ours), so above 1 means PeakOps spends less, as for requests/s.
      adminCpu: roundRatios(peerRuns!, adminRuns!, 'cpuAllUs'),
      partnerCpu: roundRatios(peerRuns!, partnerRuns!, 'cpuAllUs'),
      ...(flagged ? abRounds(runs.slice(flaggedAt, flaggedAt + 2), adminRuns!, partnerRuns!) : {}),
      ...(stock && query === TRIVIAL ? { stock: roundRatios(runs.at(-1)!, peerRuns!, 'rate') } : {}),
    };
    const tsx = tsxPort ? results[3] : undefined;
    const [withoutAdmin, withoutPartner] = without ? results.slice(tsxPort ? 4 : 3) : [];
    const [flaggedAdmin, flaggedPartner] = flagged ? results.slice(flaggedAt) : [];
    return { perRound, admin: admin!.rate, partner: partner!.rate, theirs: peerSide!.rate, tsx: tsx?.rate, withoutAdmin: withoutAdmin?.rate, withoutPartner: withoutPartner?.rate, flaggedAdmin: flaggedAdmin?.rate, flaggedPartner: flaggedPartner?.rate, cpu: results.map((s) => s.cpuUs.toFixed(0)).join(' / '), dbCpu: results.map((s) => s.databaseCpuUs.toFixed(0)).join(' / ') };
  };

  const orders = await measure(ORDERS_PAGE, PEER_ORDERS_PAGE);
  const trivial = await measure(TRIVIAL, TRIVIAL);
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const sidesNamed = `PeakOps admin / partner / PostGraphile${alsoTsx ? ' / PeakOps admin under tsx' : ''}${abGenericPlans ? ' / admin, partner without generic plans' : ''}${flagged ? ` / admin, partner ${abNamed}` : ''}${stock ? ' / stock Yoga ({ __typename } only)' : ''}`;
  report(`PeakOps (compiled, own process) vs PostGraphile v5, ${orderCount.toLocaleString('en')} orders, ${concurrency} connections, ${rounds} rotated rounds of ${seconds} s, medians`, [
    [`orders page (20 orders, items, SKU codes${skuPrice ? ' and prices' : ''}), req/s: PeakOps admin key`, orders.admin.toFixed(0)],
    ['orders page, req/s: PeakOps partner key (4 shops)', orders.partner.toFixed(0)],
    ['orders page, req/s: PostGraphile', orders.theirs.toFixed(0)],
    ['orders page: PeakOps admin / PostGraphile', x(orders.admin, orders.theirs)],
    ['orders page: PeakOps partner / PostGraphile', x(orders.partner, orders.theirs)],
    ['orders page: PeakOps admin / PostGraphile, round by round', orders.perRound.admin],
    ['orders page: PeakOps partner / PostGraphile, round by round', orders.perRound.partner],
    ['orders page, CPU per page (server + PostgreSQL): PostGraphile / PeakOps admin, round by round', orders.perRound.adminCpu],
    ['orders page, CPU per page (server + PostgreSQL): PostGraphile / PeakOps partner, round by round', orders.perRound.partnerCpu],
    ...(orders.tsx ? ([['orders page: PeakOps admin under tsx, in-process / PostGraphile', x(orders.tsx, orders.theirs)]] as [string, string][]) : []),
    ...(orders.withoutAdmin && orders.withoutPartner
      ? ([
          ['orders page: PeakOps admin without the generic-plan pool / PostGraphile', x(orders.withoutAdmin, orders.theirs)],
          ['orders page: PeakOps partner without the generic-plan pool / PostGraphile', x(orders.withoutPartner, orders.theirs)],
        ] as [string, string][])
      : []),
    ...(orders.flaggedAdmin && orders.flaggedPartner
      ? ([
          [`orders page: PeakOps admin ${abNamed} / PostGraphile`, x(orders.flaggedAdmin, orders.theirs)],
          [`orders page: PeakOps partner ${abNamed} / PostGraphile`, x(orders.flaggedPartner, orders.theirs)],
          [`orders page: B (${abNamed}) / A, admin, round by round`, orders.perRound.abAdmin!],
          [`orders page: B (${abNamed}) / A, partner, round by round`, orders.perRound.abPartner!],
          [`orders page, CPU per page (server + PostgreSQL): A / B, admin, round by round`, orders.perRound.abAdminCpu!],
        ] as [string, string][])
      : []),
    ['{ __typename }, req/s: PeakOps admin key', trivial.admin.toFixed(0)],
    ['{ __typename }, req/s: PeakOps partner key', trivial.partner.toFixed(0)],
    ['{ __typename }, req/s: PostGraphile', trivial.theirs.toFixed(0)],
    ['{ __typename }: PeakOps admin / PostGraphile', x(trivial.admin, trivial.theirs)],
    ['{ __typename }: PeakOps partner / PostGraphile', x(trivial.partner, trivial.theirs)],
    ['{ __typename }: PeakOps admin / PostGraphile, round by round', trivial.perRound.admin],
    ...(trivial.tsx ? ([['{ __typename }: PeakOps admin under tsx, in-process / PostGraphile', x(trivial.tsx, trivial.theirs)]] as [string, string][]) : []),
    ...(trivial.flaggedAdmin
      ? ([
          [`{ __typename }: PeakOps admin ${abNamed} / PostGraphile`, x(trivial.flaggedAdmin, trivial.theirs)],
          [`{ __typename }: B (${abNamed}) / A, admin, round by round`, trivial.perRound.abAdmin!],
          [`{ __typename }, server CPU per request: A / B, admin, round by round`, trivial.perRound.abAdminServerCpu!],
        ] as [string, string][])
      : []),
    ...(trivial.perRound.stock ? ([['{ __typename }: stock Yoga / PostGraphile, round by round', trivial.perRound.stock]] as [string, string][]) : []),
  ]);
  report(`CPU per request, µs (medians): the server process; PostgreSQL — ${sidesNamed}`, [
    ['orders page, server', orders.cpu],
    ['orders page, PostgreSQL', orders.dbCpu],
    ['{ __typename }, server', trivial.cpu],
  ]);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await app?.stop();
  await db.stop();
}
