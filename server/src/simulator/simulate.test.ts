import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { runCli } from '../../test/cli.js';
import { insertCampaign, insertCustomer, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { rows } from '../db/rows.js';
import { demoConsistency } from '../demo/demo.consistency.js';
import { UsageError } from '../lib/usage-error.js';
import { parseSimulateArgs } from './simulate.args.js';
import { AccessRefused, checkAccess, fetchCatalog, graphql, RateLimited, RequestRefused, type Endpoint } from './simulate.http.js';
import { runSimulation, type RunOptions } from './simulate.run.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');
const AT_NOW = { now: NOW };
const SIMULATE = path.resolve(import.meta.dirname, 'simulate.ts');

/** `npm run simulate -- …` as its own process, without any PEAKOPS_API_KEY of the caller's shell. */
const simulateCli = (args: string[], env: Record<string, string> = {}) => runCli(SIMULATE, args, { PEAKOPS_API_KEY: undefined, ...env }, 30_000);

describe('simulate flags', () => {
  it('needs only --rate and a key; the clock starts now at speed 1 against the local server', () => {
    expect(parseSimulateArgs(['--rate', '200', '--key', 'pk_simulator'], AT_NOW)).toEqual({
      rate: 200,
      speed: 1,
      campaign: null,
      endpoint: { url: 'http://localhost:4000/graphql', key: 'pk_simulator' },
      duration: null,
      from: null,
      seed: NOW.getTime() % 2 ** 32,
    });
    const all = parseSimulateArgs(
      ['--rate', '50', '--speed', '60', '--campaign', 'Q2FtcGFpZ246MQ==', '--url', 'http://127.0.0.1:4100/graphql', '--duration', '10', '--from', '2026-11-11T00:00:00+08:00', '--seed', '7', '--key', 'pk_simulator'],
      AT_NOW,
    );
    expect(all).toMatchObject({ rate: 50, speed: 60, campaign: 'Q2FtcGFpZ246MQ==', duration: 10, seed: 7, from: new Date('2026-11-10T16:00:00Z') });
    expect(all?.endpoint).toEqual({ url: 'http://127.0.0.1:4100/graphql', key: 'pk_simulator' });
    expect(parseSimulateArgs(['--help'], AT_NOW)).toBeNull();
  });

  it('takes the key from PEAKOPS_API_KEY when --key is absent, and --key wins over it', () => {
    expect(parseSimulateArgs(['--rate', '5'], { now: NOW, environmentKey: 'pk_from_env' })?.endpoint.key).toBe('pk_from_env');
    expect(parseSimulateArgs(['--rate', '5', '--key', 'pk_flag'], { now: NOW, environmentKey: 'pk_from_env' })?.endpoint.key).toBe('pk_flag');
  });

  it.each([
    [['--rate', '10'], undefined],
    [['--rate', '10'], ''],
    [['--rate', '10', '--key', ''], 'pk_from_env'],
  ])('without a key (%j, PEAKOPS_API_KEY=%j) it says a key with READ and INGEST is needed', (argv, environmentKey) => {
    expect(() => parseSimulateArgs(argv, { now: NOW, environmentKey })).toThrow(/a key is required: --key <credential> or PEAKOPS_API_KEY, an API key with READ and INGEST/);
  });

  it('refuses a key with spaces without echoing the secret', () => {
    let message = '';
    try {
      parseSimulateArgs(['--rate', '10', '--key', 'Bearer pk_secret'], AT_NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/a credential has no spaces/);
    expect(message).not.toContain('pk_secret');
  });

  it.each([
    [[], /--rate is required/],
    [['--rate', '0'], /--rate "0": must be a number of events per second above 0/],
    [['--rate', 'fast'], /--rate "fast"/],
    [['--rate', '10', '--speed', '0'], /--speed "0": must be a number above 0/],
    [['--rate', '10', '--duration', 'soon'], /--duration "soon"/],
    [['--rate', '10', '--from', 'yesterday'], /--from "yesterday": must be an ISO time/],
    [['--rate', '10', '--from', '2026-11-12T00:00:00+08:00'], /must not be in the future/],
    [['--rate', '10', '--url', 'localhost:4000'], /--url "localhost:4000": must be an http/],
    [['--rate', '10', '--loud'], /Unknown option '--loud'/],
    [['--rate', '10', 'extra'], /positional/],
  ])('refuses %j with a message saying what is wrong', (argv, message) => {
    expect(() => parseSimulateArgs(argv, AT_NOW)).toThrow(UsageError);
    expect(() => parseSimulateArgs(argv, AT_NOW)).toThrow(message);
  });

  it('the command without a key exits with code 2 and the usage, before calling any server', async () => {
    const run = await simulateCli(['--rate', '10', '--url', 'http://127.0.0.1:9/graphql']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^simulate: a key is required: .*READ and INGEST/);
    expect(run.stderr).toContain('usage: npm run simulate -- --rate <events/s> --key <credential> [options]');
    expect(run.stderr).not.toContain('cannot reach');
  });
});

describeEachBackend('simulate over HTTP', (backend) => {
  let server: TestServer;
  let url: string;
  /** A real API key with exactly what the simulator needs. */
  let endpoint: Endpoint;
  let campaignId: string;
  beforeEach(async () => {
    const { db } = backend();
    const tmall = await insertShop(db, '天猫店', 'TMALL');
    const jd = await insertShop(db, '京东店', 'JD');
    for (const [shop, prefix] of [[tmall.id, 'TM'], [jd.id, 'JD']] as const) {
      for (const [i, price] of [990, 5_900, 19_900, 59_900].entries()) await insertSku(db, shop, `${prefix}-${i}`, price);
      await insertCustomer(db, shop, 'c-000001');
    }
    // Listed a month ago: a product is only viewed and sold after its listing.
    await db.execute(sql`update products set created_at = now() - interval '30 days'`);
    const now = Date.now();
    const campaign = await insertCampaign(db, [tmall.id], '双11', { startsAt: new Date(now - 86_400_000), endsAt: new Date(now + 86_400_000) });
    campaignId = encodeGlobalID('Campaign', campaign.id);
    server = await startTestServer(backend());
    url = `${server.url}/graphql`;
    endpoint = { url, key: await server.createKey({ scopes: ['READ', 'INGEST'], name: 'simulator' }) };
  });
  afterEach(() => server.stop());

  const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
    rate: 300,
    speed: 1,
    campaign: null,
    endpoint,
    duration: 2,
    from: null,
    seed: 42,
    tickMs: 100,
    reportEveryMs: 1_000,
    print: () => {},
    ...extra,
  });

  it('reads the catalog over GraphQL and sends traffic whose orders and metrics add up', async () => {
    const catalog = await fetchCatalog(endpoint, null);
    expect(catalog.shops.map((s) => [s.platform, s.skus.length, s.customers])).toEqual([['TMALL', 4, ['c-000001']], ['JD', 4, ['c-000001']]]);
    expect(catalog.campaigns.map((c) => c.id)).toEqual([campaignId]);
    const lines: string[] = [];
    // The simulated clock starts at the last 21:00 in Shanghai, not at the hour the test happens to run:
    // at 4 a.m. two seconds of traffic hold a quarter of the average's events, and at times no payment.
    const totals = await runSimulation(options({ from: lastShanghaiNine(), print: (line) => lines.push(line) }), catalog);
    // Traffic follows the Shanghai hour of day (the run prints its curve factor), so expect at least
    // half of rate × time × curve.
    const curve = Number(/day curve ×([\d.]+)/.exec(lines.at(-1) ?? '')?.[1] ?? 'NaN');
    expect(totals.sent).toBeGreaterThan(0.5 * 300 * 2 * curve);
    expect(totals.sent).toBeGreaterThan(50);
    expect(totals.accepted + totals.duplicates).toBe(totals.sent);
    expect([totals.rejected, totals.failed, totals.unsent]).toEqual([0, 0, 0]);
    expect(totals.ordersPaid).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^done sim .* ×1, day curve ×[\d.]+ \| sent \d+ accepted \d+ duplicates \d+ errors 0 \| [\d.]+ events\/s \| \d+ orders paid, GMV ¥\d+\.\d\d$/);

    const check = await demoConsistency(backend().db);
    expect(check.paidOrders).toBe(totals.ordersPaid);
    expect(check.rollupGmvFen).toBe(totals.gmvFen);
    expect(check.paidOrdersGmvFen).toBe(totals.gmvFen);
  });

  it('--campaign keeps to the campaign’s shops and attributes their traffic to it', async () => {
    const catalog = await fetchCatalog(endpoint, campaignId);
    expect(catalog.shops.map((s) => s.platform)).toEqual(['TMALL']);
    await runSimulation(options({ campaign: campaignId, duration: 1 }), catalog);
    const [figures] = await rows<{ shops: number; unattributed: number }>(
      backend().db,
      sql`select count(distinct shop_id)::int as shops, (count(*) filter (where payload->>'campaignId' is null))::int as unattributed from events`,
    );
    expect(figures).toEqual({ shops: 1, unattributed: 0 });
  });

  it('replays the past faster than real time, then keeps pace with now', async () => {
    const from = new Date(Date.now() - 3_600_000);
    const lines: string[] = [];
    await runSimulation(options({ from, speed: 3_600, duration: 1.5, print: (line) => lines.push(line) }), await fetchCatalog(endpoint, null));
    const [span] = await rows<{ first: string; last: string }>(backend().db, sql`select min(occurred_at)::text as first, max(occurred_at)::text as last from events`);
    // The replay starts at `from`: its first event lies within the first minutes of the replayed hour
    // (at night in Shanghai the simulated traffic is sparse, so not always within the first minute).
    expect(new Date(span!.first).getTime() - from.getTime()).toBeLessThan(5 * 60_000);
    expect(Date.now() - new Date(span!.last).getTime()).toBeLessThan(5_000);
    expect(lines.at(-1)).toContain(' live,');
  });

  it('retries a failed call with the very same events', async () => {
    const bodies: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = String(init?.body ?? '');
      if (!body.includes('ingestEvents')) return realFetch(input, init);
      bodies.push(body);
      if (bodies.length === 1) throw new TypeError('fetch failed');
      return realFetch(input, init);
    });
    try {
      const lines: string[] = [];
      const catalog = await fetchCatalog(endpoint, null);
      const totals = await runSimulation(options({ duration: 0.3, print: (line) => lines.push(line) }), catalog);
      expect(bodies.filter((body) => body === bodies[0])).toHaveLength(2);
      expect(lines.some((l) => l.includes('retrying'))).toBe(true);
      expect(totals.failed).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('waits the Retry-After seconds of a 429, then resends the very same events', async () => {
    const sends: { body: string; at: number }[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = String(init?.body ?? '');
      if (!body.includes('ingestEvents')) return realFetch(input, init);
      sends.push({ body, at: Date.now() });
      if (sends.length > 1) return realFetch(input, init);
      // What the access gate answers when the key's bucket is empty (auth/access.plugin.ts).
      const refusal = {
        errors: [{ message: 'Rate limited: this request costs 31 points and 4 are available; retry in 1 s', extensions: { code: 'RATE_LIMITED' } }],
        extensions: { cost: { requestedQueryCost: 31, actualQueryCost: null, throttleStatus: { maximumAvailable: 20_000, currentlyAvailable: 4, restoreRate: 10_000 } } },
      };
      return new Response(JSON.stringify(refusal), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
    });
    try {
      const lines: string[] = [];
      const totals = await runSimulation(options({ duration: 0.3, print: (line) => lines.push(line) }), await fetchCatalog(endpoint, null));
      const again = sends.filter((s) => s.body === sends[0]!.body);
      expect(again).toHaveLength(2);
      expect(again[1]!.at - again[0]!.at).toBeGreaterThanOrEqual(990);
      expect(lines.some((l) => l.includes('rate limited, resending'))).toBe(true);
      expect([totals.failed, totals.refusal]).toEqual([0, null]);
    } finally {
      spy.mockRestore();
    }
  });

  it('reads the server’s own 429 as "wait Retry-After", and a call above the whole bucket as refused', async () => {
    // 500 points, one back a second: five pages of 100 shops (101 points each) empty it.
    const limited = await startTestServer(backend(), { rateLimit: { maximumAvailable: 500, restoreRate: 1 } });
    try {
      const admin: Endpoint = { url: `${limited.url}/graphql`, key: limited.adminKey };
      const page = '{ shops(first: 100) { edges { node { id } } } }';
      for (let i = 0; i < 4; i++) await graphql(admin, page);
      const waited = await graphql(admin, page).catch((error: unknown) => error);
      expect(waited).toBeInstanceOf(RateLimited);
      expect((waited as RateLimited).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((waited as RateLimited).retryAfterSeconds).toBeLessThanOrEqual(10);

      const sixPages = `{ ${['a', 'b', 'c', 'd', 'e', 'f'].map((alias) => `${alias}: shops(first: 100) { edges { node { id } } }`).join(' ')} }`;
      const refused = await graphql(admin, sixPages).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RequestRefused);
      expect(refused).not.toBeInstanceOf(RateLimited);
      expect((refused as Error).message).toMatch(/more than any single request may cost/);
    } finally {
      await limited.stop();
    }
  });

  it('asks who the key is first: a READ-only key lacks INGEST, an unknown key is not a credential', async () => {
    await expect(checkAccess(endpoint)).resolves.toBeUndefined();
    await expect(checkAccess({ url, key: server.adminKey })).resolves.toBeUndefined();
    const readOnly = { url, key: await server.createKey({ scopes: ['READ'], name: 'screen' }) };
    await expect(checkAccess(readOnly)).rejects.toThrow(AccessRefused);
    await expect(checkAccess(readOnly)).rejects.toThrow('the key "screen" lacks INGEST: the simulator needs a key with READ and INGEST');
    await expect(checkAccess({ url, key: 'pk_not_a_key_this_server_issued' })).rejects.toThrow(/^A valid credential is required/);
  });

  it('a READ-only key is refused at the first batch: the run stops there, with no retries', async () => {
    const readOnly = { url, key: await server.createKey({ scopes: ['READ'], name: 'screen' }) };
    const catalog = await fetchCatalog(readOnly, null);
    const bodies: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const body = String(init?.body ?? '');
      if (body.includes('ingestEvents')) bodies.push(body);
      return realFetch(input, init);
    });
    try {
      const lines: string[] = [];
      const started = Date.now();
      const totals = await runSimulation(options({ endpoint: readOnly, duration: 20, print: (line) => lines.push(line) }), catalog);
      // Stopped at the refusal, not at the end of --duration (the warm-up alone takes a second or two).
      expect(Date.now() - started).toBeLessThan(8_000);
      // At most the requests already in flight (4 at a time), and no batch sent twice.
      expect(bodies.length).toBeGreaterThanOrEqual(1);
      expect(bodies.length).toBeLessThanOrEqual(4);
      expect(new Set(bodies).size).toBe(bodies.length);
      expect(totals.refusal).toMatch(/does not permit Mutation\.ingestEvents/);
      expect(totals.sent).toBe(0);
      expect(totals.failed).toBeGreaterThan(0);
      expect(lines.some((l) => l.includes('retrying'))).toBe(false);
      expect(lines.some((l) => l.includes('the server refused the key, stopping'))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('the command with a READ-only key exits with code 1 saying what the key lacks, and sends nothing', async () => {
    const readOnly = await server.createKey({ scopes: ['READ'], name: 'screen' });
    const run = await simulateCli(['--rate', '50', '--url', url, '--duration', '5'], { PEAKOPS_API_KEY: readOnly });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('simulate: the server refused the key: the key "screen" lacks INGEST');
    expect(run.stderr).not.toContain(readOnly);
    const [stored] = await rows<{ n: number }>(backend().db, sql`select count(*)::int as n from events`);
    expect(stored!.n).toBe(0);
  });
});

/** The last 21:00 in Asia/Shanghai (UTC+8, no daylight saving) before now: the evening peak of the day curve. */
function lastShanghaiNine(): Date {
  const HOUR = 3_600_000;
  const shanghaiNow = Date.now() + 8 * HOUR;
  const nine = Math.floor(shanghaiNow / (24 * HOUR)) * 24 * HOUR + 21 * HOUR - 8 * HOUR;
  return new Date(nine <= Date.now() ? nine : nine - 24 * HOUR);
}
