import pino from 'pino';
import { buildApp, type App } from '../server/src/app.js';
import { startDemo } from '../server/src/demo/demo.seed.js';
import { arg, benchAdminKey, createPartnerKey, graphqlHeaders, httpLoad, median, report, rotatedRounds, startBenchDatabase, UNMETERED } from './bench-util.js';

/**
 * The cost of access on the hot paths (issue 9): the same server, the same PostgreSQL and data, with
 * and without access control (credential check, GraphQL Armor, the leaky bucket, the audit trail),
 * measured side by side in alternating rounds. Target: at most 10 % slower. Also the ingest rate
 * through a partner key against the same batches with no access control.
 *
 * npm run bench:access -- [--seconds 5] [--rounds 3] [--concurrency 16]
 */
const seconds = Number(arg('seconds', '5'));
const rounds = Number(arg('rounds', '3'));
const concurrency = Number(arg('concurrency', '16'));

const ORDERS_PAGE = `{ orders(first: 20) { edges { node { id externalId status amount placedAt items { quantity unitPrice sku { code } } } } } }`;
const TRIVIAL = '{ __typename }';

/** Requests per second, and this process's CPU (the servers live here; the load is a child) per request. */
function load(port: number, credential: string | null, query: string, variables?: unknown): Promise<{ rate: number; cpuUs: number }> {
  return httpLoad(`http://127.0.0.1:${port}/graphql`, credential, JSON.stringify({ query, variables }), { concurrency, seconds });
}

const db = await startBenchDatabase(20);
const logger = pino({ level: 'silent' });
const adminKey = benchAdminKey();
const apps: App[] = [];
try {
  console.log('loading the demo (30 days of history) into PostgreSQL …');
  const demo = await startDemo(db.database.db, logger, () => new Date());
  await demo.finish?.({ announce: null });

  const now = () => new Date();
  const secured = buildApp({ database: db.database, env: { NODE_ENV: 'production' }, logger, adminKey, now, rateLimit: UNMETERED });
  const open = buildApp({ database: db.database, env: { NODE_ENV: 'production' }, logger, adminKey, now, withoutAccessControlForBenchmark: true });
  apps.push(secured, open);
  const securedPort = await secured.start(0, '127.0.0.1');
  const openPort = await open.start(0, '127.0.0.1');

  // A partner's key over every demo shop, the way partners call: its hash is looked up, then cached.
  const shops = (await (await fetch(`http://127.0.0.1:${securedPort}/graphql`, { method: 'POST', headers: graphqlHeaders(adminKey), body: JSON.stringify({ query: '{ shops { edges { node { id } } } }' }) })).json()) as {
    data: { shops: { edges: { node: { id: string } }[] } };
  };
  const partnerKey = await createPartnerKey(securedPort, adminKey, shops.data.shops.edges.map((e) => e.node.id));

  // Three ways in, rotated each round so drift on a shared machine favours none: a partner key limited
  // to the four demo shops (every query also filtered by them), the admin key (every shop, no filter),
  // and the same server without access control.
  const measure = async (query: string) => {
    const sides = [
      { port: securedPort, credential: partnerKey as string | null },
      { port: securedPort, credential: adminKey as string | null },
      { port: openPort, credential: null as string | null },
    ];
    const [partner, admin, open] = await rotatedRounds(sides, rounds, (side) => load(side.port, side.credential, query));
    return { partner: partner!.rate, admin: admin!.rate, open: open!.rate, partnerCpu: partner!.cpuUs, adminCpu: admin!.cpuUs, openCpu: open!.cpuUs };
  };

  const orders = await measure(ORDERS_PAGE);
  const trivial = await measure(TRIVIAL);
  const pct = (a: number, b: number) => `${((1 - a / b) * 100).toFixed(1)} % slower (${(a / b).toFixed(3)}×)`;
  report(`cost of access, ${concurrency} connections, ${rounds} rotated rounds of ${seconds} s, medians`, [
    ['orders page (20 orders, items, SKU codes), req/s, partner key (4 shops)', orders.partner.toFixed(0)],
    ['orders page, req/s, admin key (every shop)', orders.admin.toFixed(0)],
    ['orders page, req/s, without access control', orders.open.toFixed(0)],
    ['orders page: partner key / without', pct(orders.partner, orders.open)],
    ['orders page: admin key / without', pct(orders.admin, orders.open)],
    ['{ __typename }, req/s, partner key', trivial.partner.toFixed(0)],
    ['{ __typename }, req/s, admin key', trivial.admin.toFixed(0)],
    ['{ __typename }, req/s, without access control', trivial.open.toFixed(0)],
    ['{ __typename }: partner key / without', pct(trivial.partner, trivial.open)],
    ['{ __typename }: admin key / without', pct(trivial.admin, trivial.open)],
  ]);
  // Throughput swings with whatever else shares the two cores (PostgreSQL, the load client, other
  // work); the server's own CPU per request is the steadier measure of what access adds.
  const more = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)} % more (${(a / b).toFixed(3)}×)`;
  report('server CPU per request (µs, medians)', [
    ['orders page: partner key / admin key / without', `${orders.partnerCpu.toFixed(0)} / ${orders.adminCpu.toFixed(0)} / ${orders.openCpu.toFixed(0)}`],
    ['orders page: partner key vs without', more(orders.partnerCpu, orders.openCpu)],
    ['orders page: admin key vs without', more(orders.adminCpu, orders.openCpu)],
    ['{ __typename }: partner key / admin key / without', `${trivial.partnerCpu.toFixed(0)} / ${trivial.adminCpu.toFixed(0)} / ${trivial.openCpu.toFixed(0)}`],
    ['{ __typename }: partner key vs without', more(trivial.partnerCpu, trivial.openCpu)],
    ['{ __typename }: admin key vs without', more(trivial.adminCpu, trivial.openCpu)],
  ]);

  // Ingest: 20 batches of 1,000 visits each way (fresh ids, so every event is accepted and stored).
  const shopId = shops.data.shops.edges[0]!.node.id;
  const ingestRate = async (port: number, credential: string | null, tag: string) => {
    const started = performance.now();
    let accepted = 0;
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 1_000 }, (_, i) => ({ id: `${tag}-${batch}-${i}`, type: 'VISIT', occurredAt: new Date().toISOString(), shopId, source: 'SEARCH', visitorId: `${tag}-v${i}` }));
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: credential ? graphqlHeaders(credential) : { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation ($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted } }', variables: { e: events } }),
      });
      accepted += ((await response.json()) as { data: { ingestEvents: { accepted: number } } }).data.ingestEvents.accepted;
    }
    return accepted / ((performance.now() - started) / 1000);
  };
  const keyed: number[] = [];
  const unkeyed: number[] = [];
  for (let round = 0; round < rounds; round++) {
    keyed.push(await ingestRate(securedPort, partnerKey, `k${round}`));
    unkeyed.push(await ingestRate(openPort, null, `o${round}`));
  }
  report('ingestEvents, 20 × 1,000 visits per round, medians', [
    ['events/s through a partner key (INGEST)', median(keyed).toFixed(0)],
    ['events/s without access control', median(unkeyed).toFixed(0)],
    ['through a key / without', pct(median(keyed), median(unkeyed))],
  ]);
} finally {
  for (const app of apps) await app.stop();
  await db.stop();
}
