import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearOfShanghaiMidnight, until } from '../../../e2e/support/stack.js';
import { MAX_REQUEST_BODY_BYTES } from '../../src/http/json-body.js';
import { fenToYuan, yuanToFen } from '../../src/lib/money.js';
import { gid, insertCampaign, insertShop } from '../fixtures.js';
import { gqlAt, metricAt, TEST_ADMIN_KEY } from '../server-process.js';
import { sseMessages } from '../sse.js';
import { clusterPrerequisitesMissing, startCluster, type Cluster } from './cluster.js';
import { Producer } from './producer.js';
import { latest, openScreen, type Screen } from './screens.js';

const missing = clusterPrerequisitesMissing();
if (missing && process.env.PEAKOPS_REQUIRE_NGINX === '1') {
  throw new Error(`PEAKOPS_REQUIRE_NGINX=1 but the cluster tests cannot run here: ${missing} not installed`);
}
if (missing) console.log(`[cluster] skipped: ${missing} not installed (CI installs them; see docs/OPERATIONS.md)`);

interface Figures {
  gmv: string;
  orders: number;
  buyers: number;
}

/** The `metrics` query, as a screen opening now would ask it; a 502 from nginx (an instance just died) is asked again. */
async function figures(url: string, campaignId: string, from: string, to: string): Promise<Figures> {
  return until(`metrics from ${url}`, 30_000, async () => {
    const result = await gqlAt(url, 'query($id: ID!, $from: DateTime!, $to: DateTime!) { metrics(scope: { campaignId: $id }, from: $from, to: $to) { gmv orders buyers } }', { id: campaignId, from, to }).catch(() => null);
    return (result?.data?.metrics as Figures | undefined) ?? false;
  }, 250);
}

const readiness = (url: string) => fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);

/** `peakops_live_subscribers` from an instance's /metrics. */
async function liveSubscribers(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^peakops_live_subscribers (\d+)/m.exec(text)?.[1]);
}

/**
 * `{ __typename }` as the admin key (or with no credential), in a JSON body of exactly `bytes` (a comment pads the document). The
 * answer is taken as soon as it comes: nginx refuses a body declared too large before reading it, and may
 * reset the connection while the rest is still being written.
 */
function postOfSize(url: string, bytes: number, options: { authorization?: null } = {}): Promise<{ status: number; contentType: string | undefined; requestId: string | undefined; body: string }> {
  const frame = JSON.stringify({ query: '#\n{ __typename }' });
  const body = Buffer.from(JSON.stringify({ query: `#${'x'.repeat(bytes - Buffer.byteLength(frame))}\n{ __typename }` }));
  if (body.length !== bytes) throw new Error(`a body of ${body.length} bytes, not ${bytes}`);
  const target = new URL(`${url}/graphql`);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': bytes, ...(options.authorization === null ? {} : { authorization: `Bearer ${TEST_ADMIN_KEY}` }) },
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const header = (name: string) => [res.headers[name]].flat()[0];
          resolve({ status: res.statusCode ?? 0, contentType: header('content-type')?.split(';')[0], requestId: header('x-request-id'), body: text });
        });
      },
    );
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.end(body);
  });
}

/** Two producers' ledgers added up. */
const sumOf = (...totals: { gmv: string; orders: number }[]) => ({
  gmv: fenToYuan(totals.reduce((sum, t) => sum + yuanToFen(t.gmv), 0)),
  orders: totals.reduce((sum, t) => sum + t.orders, 0),
});

describe.skipIf(missing !== null)('a cluster behind nginx survives failures [postgres + redis + nginx]', () => {
  let cluster: Cluster;
  const screens: Screen[] = [];
  const producers: Producer[] = [];

  beforeAll(async () => {
    await clearOfShanghaiMidnight(); // today's figures must not roll over mid-file (waits ≤ 4 min, once a day)
    cluster = await startCluster();
  }, 480_000);
  afterAll(async () => {
    await cluster?.dispose();
  });
  beforeEach(async () => {
    await cluster.restore();
    for (const one of cluster.instances) one.crashes.length = 0;
  }, 120_000);
  const crashes = () => cluster.instances.flatMap((i) => i.crashes);
  afterEach(async (context) => {
    for (const producer of producers.splice(0)) await producer.stop().catch(() => {});
    for (const screen of screens.splice(0)) await screen.dispose();
    if (context.task.result?.state === 'fail') console.log(cluster.logs());
    if (crashes().length > 0) console.log(crashes().join('\n'));
  });

  /** A shop and a campaign running now, of this test alone: its figures start at zero. */
  async function campaignOfItsOwn(name: string) {
    const shop = await insertShop(cluster.database.db, `${name} 旗舰店`);
    const from = new Date(Date.now() - 86_400_000);
    const to = new Date(Date.now() + 86_400_000);
    const campaign = await insertCampaign(cluster.database.db, [shop.id], name, { startsAt: from, endsAt: to });
    return { shopId: gid('Shop', shop.id), campaignId: gid('Campaign', campaign.id), from: from.toISOString(), to: to.toISOString() };
  }

  function producer(options: ConstructorParameters<typeof Producer>[0]): Producer {
    const made = new Producer(options);
    producers.push(made);
    return made;
  }

  /** A campaign of its own with a producer sending to it through nginx, a few batches in. */
  async function ingestionUnderWay(tag: string) {
    const own = await campaignOfItsOwn(tag);
    const orders = producer({ url: cluster.url, shopId: own.shopId, campaignId: own.campaignId, tag, concurrency: 2 });
    orders.start();
    await until('ingestion under way', 30_000, () => orders.stats.acknowledged >= 3);
    return { ...own, orders };
  }

  function screen(...args: Parameters<typeof openScreen>): Screen {
    const opened = openScreen(...args);
    screens.push(opened);
    return opened;
  }

  it('kill -9 of an instance under subscribed screens: they reconnect through nginx to the other and resync to exactly the fresh snapshot', async () => {
    const { shopId, campaignId } = await campaignOfItsOwn('kill');
    const orders = producer({ url: cluster.url, shopId, campaignId, tag: 'kill' });
    let comeBack: () => void = () => {};
    const back = new Promise<void>((resolve) => (comeBack = resolve));
    const wall = Array.from({ length: 4 }, () => screen(cluster.url, campaignId, { beforeReconnect: () => back }));
    await until('every screen has its first figures', 30_000, () => wall.every((s) => s.today.length > 0 && s.progress.length > 0));
    await orders.sendBatch();
    const first = orders.totals();
    await until('every screen shows the first batch', 30_000, () => wall.every((s) => latest(s.today)?.metrics.orders === first.orders));

    // nginx spread the sockets (least_conn); kill an instance holding some. Each screen has two live
    // subscriptions on the ticker (today, progress); milestones are pub/sub only.
    const held = await Promise.all(cluster.instances.map((i) => liveSubscribers(i.url)));
    expect(held[0]! + held[1]!).toBe(2 * wall.length);
    const victim = held[0]! > 0 ? cluster.instances[0]! : cluster.instances[1]!;
    const survivor = cluster.instances.find((i) => i !== victim)!;
    const moving = held[cluster.instances.indexOf(victim)]! / 2;
    expect(moving).toBeGreaterThan(0);
    await victim.kill();

    // Orders keep coming through nginx while the cut-off screens wait to reconnect.
    await orders.sendBatch();
    const second = orders.totals();
    // The screens left on the survivor show it first (its topic's snapshot, which a new subscriber gets).
    const stayed = () => wall.filter((s) => s.connections() === 1 && latest(s.today)?.metrics.orders === second.orders);
    await until('the survivor\'s screens to show the second batch', 15_000, () => stayed().length === wall.length - moving);
    comeBack();
    const reconnected = await until('the victim\'s screens to resubscribe on the survivor', 30_000, () => {
      const again = wall.filter((s) => s.connections() >= 2);
      return again.length === moving && again.every((s) => s.today.some((r) => r.connection >= 2) && s.progress.some((r) => r.connection >= 2)) && again;
    });
    await until('the survivor to hold every subscription', 15_000, async () => (await liveSubscribers(survivor.url)) === 2 * wall.length);
    // The first message on the new socket is the whole state, including what arrived while it was away.
    for (const s of reconnected) {
      const resync = s.today.find((r) => r.connection >= 2)!.message;
      expect({ gmv: resync.metrics.gmv, orders: resync.metrics.orders }).toEqual(second);
      const fresh = await figures(cluster.url, campaignId, resync.from, resync.to);
      expect({ gmv: resync.metrics.gmv, orders: resync.metrics.orders, buyers: resync.metrics.buyers }).toEqual(fresh);
      expect(s.progress.find((r) => r.connection >= 2)!.message.progress.gmv).toBe(second.gmv);
    }

    // More orders: every screen, moved or not, ends on exactly what a fresh query says.
    await orders.sendBatch();
    const third = orders.totals();
    await until('every screen shows the third batch', 30_000, () => wall.every((s) => latest(s.today)?.metrics.orders === third.orders && latest(s.progress)?.progress.gmv === third.gmv));
    for (const s of wall) {
      const now = latest(s.today)!;
      expect({ gmv: now.metrics.gmv, orders: now.metrics.orders }).toEqual(third);
      expect({ gmv: now.metrics.gmv, orders: now.metrics.orders, buyers: now.metrics.buyers }).toEqual(await figures(cluster.url, campaignId, now.from, now.to));
      expect(s.errors).toEqual([]);
    }
    expect(wall.filter((s) => s.connections() === 1)).toHaveLength(wall.length - moving); // the others never noticed
    expect(victim.running()).toBe(false);
    expect(crashes()).toEqual([]);
  }, 150_000);

  it('SSE through nginx: the first snapshot, then the next change while the stream stays open; /metrics stays behind it', async () => {
    const { shopId, campaignId } = await campaignOfItsOwn('sse');
    const abort = new AbortController();
    const giveUp = setTimeout(() => abort.abort(), 30_000);
    try {
      const response = await fetch(`${cluster.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ query: 'subscription ($id: ID!) { liveMetrics(scope: { campaignId: $id }, window: TODAY) { metrics { gmv orders } } }', variables: { id: campaignId } }),
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const messages = sseMessages(response);
      expect((await messages.next()).value!.data.liveMetrics.metrics).toEqual({ gmv: '0.00', orders: 0 });
      const orders = producer({ url: cluster.url, shopId, campaignId, tag: 'sse', batchSize: 1 });
      await orders.sendBatch();
      expect((await messages.next()).value!.data.liveMetrics.metrics).toEqual(orders.totals());
    } finally {
      clearTimeout(giveUp);
      abort.abort();
    }
    expect((await fetch(`${cluster.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${cluster.instances[0]!.url}/metrics`)).status).toBe(200);
  }, 60_000);

  it("nginx passes on a request id, the caller's own or else its own, and refuses a body over the instances' limit itself", async () => {
    const partner = await fetch(`${cluster.url}/ready`, { headers: { 'x-request-id': 'partner-trace:7' } });
    expect(partner.headers.get('x-request-id')).toBe('partner-trace:7');
    // Without one, the instance logs and answers nginx's $request_id (32 hex digits), not a UUID of its own:
    // nginx's access log and the instance's lines carry the same id.
    const made = await fetch(`${cluster.url}/ready`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);

    // One limit, in bytes, for both: a body at the instances' limit reaches one and is answered; one byte
    // more is nginx's 413, so no body between two limits travels to an instance only to be refused there.
    const atLimit = await postOfSize(cluster.url, MAX_REQUEST_BODY_BYTES);
    expect([atLimit.status, JSON.parse(atLimit.body).data]).toEqual([200, { __typename: 'Query' }]);
    const over = await postOfSize(cluster.url, MAX_REQUEST_BODY_BYTES + 1);
    expect([over.status, over.contentType, over.requestId]).toEqual([413, 'text/html', undefined]);
  }, 60_000);

  it("a large body without a credential through nginx gets the instance's 401, and the connection serves on", async () => {
    // An instance answers it from its headers without reading it; nginx, which has read the whole body
    // first (request buffering), passes that answer on rather than a 502 for a body cut short.
    for (let i = 0; i < 4; i++) {
      const anonymous = await postOfSize(cluster.url, 20_000_000, { authorization: null });
      expect([anonymous.status, JSON.parse(anonymous.body).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    // The kept-alive connections those bodies went down serve the next requests.
    for (let i = 0; i < 4; i++) expect((await gqlAt(cluster.url, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  }, 60_000);

  it('a rolling restart under ingestion (each instance stopped and started in turn): metrics exact, nothing lost, nothing doubled', async () => {
    const { campaignId, from, to, orders } = await ingestionUnderWay('rolling');
    for (const one of cluster.instances) {
      await one.stop();
      const before = orders.stats.acknowledged;
      await until(`batches acknowledged while ${one.name} is down`, 30_000, () => orders.stats.acknowledged >= before + 3);
      await one.start();
      const after = orders.stats.acknowledged;
      await until(`batches acknowledged after ${one.name} is back`, 30_000, () => orders.stats.acknowledged >= after + 3);
    }
    await orders.stop();
    const sent = orders.totals();
    expect(sent.orders).toBeGreaterThanOrEqual(40 * 15);
    const through = await figures(cluster.url, campaignId, from, to);
    expect({ gmv: through.gmv, orders: through.orders }).toEqual(sent);
    // Each instance reads the same: no instance kept a stale or partial view.
    for (const one of cluster.instances) expect(await figures(one.url, campaignId, from, to)).toEqual(through);
    expect(crashes()).toEqual([]);
  }, 180_000);

  it('Redis down: both instances keep serving queries and live figures (local notices, periodic refresh), then cross-instance notices flow again', async () => {
    const { shopId, campaignId, from, to } = await campaignOfItsOwn('redis');
    const [a, b] = cluster.instances as [Cluster['instances'][number], Cluster['instances'][number]];
    const onA = screen(a.url, campaignId);
    const onB = screen(b.url, campaignId);
    await until('both screens have their first figures', 30_000, () => onA.today.length > 0 && onB.today.length > 0);
    const created = await gqlAt(cluster.url, 'mutation($input: CreateMilestoneInput!) { createMilestone(input: $input) { milestone { id } userErrors { message } } }', {
      input: { campaignId, name: '大促零点压测', owner: '值班', completionStandard: '下单成功率 ≥ 99.9%', dueAt: to },
    });
    const milestoneId = created.data.createMilestone.milestone.id as string;
    const note = (url: string, actualSituation: string) =>
      gqlAt(url, 'mutation($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { userErrors { message } } }', { input: { id: milestoneId, actualSituation } });

    await cluster.redis.stop();
    const toA = producer({ url: a.url, shopId, campaignId, tag: 'redis-a' });
    const toB = producer({ url: b.url, shopId, campaignId, tag: 'redis-b' });
    await toA.sendBatch();
    await toB.sendBatch();
    const sent = sumOf(toA.totals(), toB.totals());
    // Each screen hears of its own instance's orders locally, and of the other's on the periodic refresh.
    await until('both screens to show both instances\' orders', 30_000, () => [onA, onB].every((s) => latest(s.today)?.metrics.orders === sent.orders));
    for (const s of [onA, onB]) expect(latest(s.today)!.metrics.gmv).toBe(sent.gmv);
    for (const url of [cluster.url, a.url, b.url]) {
      expect(await figures(url, campaignId, from, to)).toMatchObject(sent);
      expect(await readiness(url)).toBe(200); // no reason to take an instance out of rotation
    }
    // Not a reason to take an instance out, but not silent either: each says it hears only itself.
    const pubsubConnected = (url: string) => metricAt(url, 'peakops_pubsub_connected');
    for (const url of [a.url, b.url]) expect(await pubsubConnected(url)).toBe(0);
    // Each metered the producers' requests from a bucket of its own meanwhile, and counts them.
    for (const url of [a.url, b.url]) expect(await metricAt(url, 'peakops_rate_limit_local_fallbacks_total')).toBeGreaterThan(0);
    expect((await note(a.url, 'Redis 宕机中')).data.updateMilestone.userErrors).toEqual([]);
    await until('the screen on A to hear of the change made on A', 15_000, () => onA.milestones.some((m) => m.actualSituation === 'Redis 宕机中'));

    await cluster.redis.start();
    // Both instances reconnect on their own; a change made on A then reaches the screen on B again.
    let attempt = 0;
    await until('a change on A to reach the screen on B through Redis', 60_000, async () => {
      await note(a.url, `Redis 已恢复 ${++attempt}`);
      return onB.milestones.some((m) => m.actualSituation?.startsWith('Redis 已恢复'));
    }, 500);
    expect((await note(a.url, 'Redis 已恢复, 通知正常')).data.updateMilestone.userErrors).toEqual([]);
    await until('both instances to report their pub/sub connected again', 15_000, async () => (await pubsubConnected(a.url)) === 1 && (await pubsubConnected(b.url)) === 1);
    await until('the next change on A to reach B', 15_000, () => onB.milestones.some((m) => m.actualSituation === 'Redis 已恢复, 通知正常'));
    expect(onB.milestones.some((m) => m.actualSituation === 'Redis 宕机中')).toBe(false); // lost while Redis was down: B reloads the board on its next reconnect
    expect([...onA.errors, ...onB.errors]).toEqual([]);
    expect(crashes()).toEqual([]);
  }, 180_000);

  // Last: it restarts the database every instance shares.
  it('PostgreSQL restarted mid-ingest: producers get errors and retry, /ready goes red and green again, totals exact', async () => {
    const { campaignId, from, to, orders } = await ingestionUnderWay('postgres');

    cluster.postgres.halt();
    const failed = orders.stats.failures;
    const acknowledged = orders.stats.acknowledged;
    // Red through nginx and on each instance (an instance that crashed would not answer at all: also red).
    for (const url of [cluster.url, ...cluster.instances.map((i) => i.url)]) {
      await until(`${url}/ready to turn red`, 30_000, async () => (await readiness(url)) !== 200);
    }
    await until('the producer to see errors', 30_000, () => orders.stats.failures > failed);
    const whileDown = orders.stats.acknowledged;
    // Batches in flight when PostgreSQL stopped may have been acknowledged; none after /ready turned red.
    expect(whileDown - acknowledged).toBeLessThanOrEqual(2);

    cluster.postgres.restart();
    for (const url of [cluster.url, ...cluster.instances.map((i) => i.url)]) {
      await until(`${url}/ready to turn green`, 90_000, async () => (await readiness(url)) === 200);
    }
    await until('ingestion to resume', 60_000, () => orders.stats.acknowledged >= whileDown + 4);
    await orders.stop();
    const sent = orders.totals();
    expect(await figures(cluster.url, campaignId, from, to)).toMatchObject(sent);
    expect(crashes()).toEqual([]); // postgres.js used to crash here (server/scripts/patch-postgres-driver.mjs)
  }, 180_000);
});
