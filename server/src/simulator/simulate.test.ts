import { encodeGlobalID } from '@pothos/plugin-relay';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertCampaign, insertCustomer, insertShop, insertSku } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { rows } from '../db/rows.js';
import { demoConsistency } from '../demo/demo.consistency.js';
import { parseSimulateArgs, UsageError } from './simulate.args.js';
import { fetchCatalog } from './simulate.http.js';
import { runSimulation, type RunOptions } from './simulate.run.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');

describe('simulate flags', () => {
  it('needs only --rate; the clock starts now at speed 1 against the local server', () => {
    expect(parseSimulateArgs(['--rate', '200'], NOW)).toEqual({
      rate: 200,
      speed: 1,
      campaign: null,
      url: 'http://localhost:4000/graphql',
      duration: null,
      from: null,
      seed: NOW.getTime() % 2 ** 32,
    });
    const all = parseSimulateArgs(
      ['--rate', '50', '--speed', '60', '--campaign', 'Q2FtcGFpZ246MQ==', '--url', 'http://127.0.0.1:4100/graphql', '--duration', '10', '--from', '2026-11-11T00:00:00+08:00', '--seed', '7'],
      NOW,
    );
    expect(all).toMatchObject({ rate: 50, speed: 60, campaign: 'Q2FtcGFpZ246MQ==', duration: 10, seed: 7, from: new Date('2026-11-10T16:00:00Z') });
    expect(parseSimulateArgs(['--help'], NOW)).toBeNull();
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
    expect(() => parseSimulateArgs(argv, NOW)).toThrow(UsageError);
    expect(() => parseSimulateArgs(argv, NOW)).toThrow(message);
  });
});

describeEachBackend('simulate over HTTP', (backend) => {
  let server: TestServer;
  let url: string;
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
  });
  afterEach(() => server.stop());

  const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
    rate: 300,
    speed: 1,
    campaign: null,
    url,
    duration: 2,
    from: null,
    seed: 42,
    tickMs: 100,
    reportEveryMs: 1_000,
    print: () => {},
    ...extra,
  });

  it('reads the catalog over GraphQL and sends traffic whose orders and metrics add up', async () => {
    const catalog = await fetchCatalog(url, null);
    expect(catalog.shops.map((s) => [s.platform, s.skus.length, s.customers])).toEqual([['TMALL', 4, ['c-000001']], ['JD', 4, ['c-000001']]]);
    expect(catalog.campaigns.map((c) => c.id)).toEqual([campaignId]);
    const lines: string[] = [];
    const totals = await runSimulation(options({ print: (line) => lines.push(line) }), catalog);
    expect(totals.sent).toBeGreaterThan(300);
    expect(totals.accepted + totals.duplicates).toBe(totals.sent);
    expect([totals.rejected, totals.failed, totals.unsent]).toEqual([0, 0, 0]);
    expect(totals.ordersPaid).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^done sim .* live, day curve ×[\d.]+ \| sent \d+ accepted \d+ duplicates \d+ errors 0 \| [\d.]+ events\/s \| \d+ orders paid, GMV ¥\d+\.\d\d$/);

    const check = await demoConsistency(backend().db);
    expect(check.paidOrders).toBe(totals.ordersPaid);
    expect(check.rollupGmvFen).toBe(totals.gmvFen);
    expect(check.paidOrdersGmvFen).toBe(totals.gmvFen);
  });

  it('--campaign keeps to the campaign’s shops and attributes their traffic to it', async () => {
    const catalog = await fetchCatalog(url, campaignId);
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
    await runSimulation(options({ from, speed: 3_600, duration: 1.5, print: (line) => lines.push(line) }), await fetchCatalog(url, null));
    const [span] = await rows<{ first: string; last: string }>(backend().db, sql`select min(occurred_at)::text as first, max(occurred_at)::text as last from events`);
    expect(new Date(span!.first).getTime() - from.getTime()).toBeLessThan(60_000);
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
      const catalog = await fetchCatalog(url, null);
      const totals = await runSimulation(options({ duration: 0.3, print: (line) => lines.push(line) }), catalog);
      expect(bodies.filter((body) => body === bodies[0])).toHaveLength(2);
      expect(lines.some((l) => l.includes('retrying'))).toBe(true);
      expect(totals.failed).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
