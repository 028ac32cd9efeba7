import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedis, type RedisServer } from '../../test/redis-server.js';
import { redisCredentialSlots, type CredentialSlots, type HeldSlots } from './credential-slots.js';

if (process.env.PEAKOPS_REQUIRE_REDIS === '1' && !hasRedisServer()) {
  throw new Error('PEAKOPS_REQUIRE_REDIS=1 but redis-server is not installed');
}

/** One instance's ledger with the counts a socket registry would keep, taking and giving as the registry does. */
function instance(url: string, heartbeatMs = 5_000) {
  const counts = new Map<string, HeldSlots>();
  const reports: string[] = [];
  const slots: CredentialSlots = redisCredentialSlots({ url, report: ({ message }) => void reports.push(message), held: () => counts, heartbeatMs });
  const held = (id: string) => {
    let entry = counts.get(id);
    if (!entry) counts.set(id, (entry = { sockets: 0, subscriptions: 0, pending: 0 }));
    return entry;
  };
  return {
    slots,
    counts,
    reports,
    async open(id: string, cap: number) {
      const entry = held(id);
      const allowed = await slots.take('sockets', id, cap, entry.sockets);
      if (allowed) entry.sockets++;
      return allowed;
    },
    close(id: string) {
      held(id).sockets--;
      slots.give('sockets', id);
    },
  };
}

describe.skipIf(!hasRedisServer())('credential caps across instances [redis]', () => {
  let redis: RedisServer;
  let probe: Redis;
  const open: CredentialSlots[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    probe = new Redis(redis.url);
  });
  afterAll(async () => {
    for (const slots of open) await slots.close();
    probe.disconnect();
    await redis.stop();
  });
  /** Every instance's slots of a credential, as Redis holds them. */
  const total = async (id: string) => Object.values(await probe.hgetall(`peakops:slots:${id}`)).reduce((sum, n) => sum + Number(n), 0);
  const start = (heartbeatMs?: number) => {
    const made = instance(redis.url, heartbeatMs);
    open.push(made.slots);
    return made;
  };

  it('holds a key to one cap across two instances, refuses the next slot on either, and frees it when one is given back', async () => {
    const a = start();
    const b = start();
    expect([await a.open('key:k1', 3), await a.open('key:k1', 3), await b.open('key:k1', 3)]).toEqual([true, true, true]);
    expect(await b.open('key:k1', 3)).toBe(false);
    expect(await a.open('key:k1', 3)).toBe(false);
    // Another key, and the other kind of slot, are counted apart.
    expect(await b.open('key:k2', 3)).toBe(true);
    expect(await b.slots.take('subscriptions', 'key:k1', 3, 0)).toBe(true);
    a.close('key:k1');
    expect(await b.open('key:k1', 3)).toBe(true);
    expect(await a.open('key:k1', 3)).toBe(false);
  });

  it('lets no two instances take the last slot together', async () => {
    const a = start();
    const b = start();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).open('key:race', 5)));
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it("stops counting a dead instance's slots once its liveness lapses, and a stopped instance's at once", async () => {
    const a = start(100);
    const b = start(100);
    for (let i = 0; i < 3; i++) expect(await a.open('key:k3', 3)).toBe(true);
    expect(await b.open('key:k3', 3)).toBe(false);
    // An instance killed without a word leaves its fields and its liveness entry as they were: here, one
    // whose entry ran out a moment ago (its heartbeat stopped), holding 3 slots of another key.
    await probe.hset('peakops:slots:key:k4', 'dead-instance|s', 3);
    await probe.hset('peakops:slot-instances', 'dead-instance', Date.now() - 1);
    expect(await b.open('key:k4', 3)).toBe(true);
    expect(await probe.hget('peakops:slots:key:k4', 'dead-instance|s')).toBeNull();
    // One still within its liveness counts.
    await probe.hset('peakops:slots:key:k5', 'live-instance|s', 3);
    await probe.hset('peakops:slot-instances', 'live-instance', Date.now() + 60_000);
    expect(await b.open('key:k5', 3)).toBe(false);
    // A stopped instance takes itself out: its slots free at once, without waiting for its liveness to lapse.
    await a.slots.close();
    expect(await b.open('key:k3', 3)).toBe(true);
  });

  it("writes its own counts again at each heartbeat, mending a give that was lost", async () => {
    const a = start(100);
    const b = start(100);
    expect(await a.open('key:k6', 2)).toBe(true);
    expect(await a.open('key:k6', 2)).toBe(true);
    // A socket closed while Redis did not hear of it: the local count drops, Redis still says 2.
    a.counts.get('key:k6')!.sockets--;
    expect(await b.open('key:k6', 2)).toBe(false);
    await expect.poll(() => b.open('key:k6', 2), { timeout: 2_000, interval: 50 }).toBe(true);
    // A credential this instance no longer holds is removed from Redis at the next heartbeat.
    a.counts.delete('key:k6');
    await expect.poll(() => total('key:k6'), { timeout: 2_000, interval: 50 }).toBe(1);
  });

  it('counts and says once that Redis, still answering, refuses its heartbeats (out of memory), and that it takes them again', async () => {
    const a = start(100);
    expect(await a.open('key:k8', 2)).toBe(true);
    expect(await a.open('key:k9', 2)).toBe(true);
    await expect.poll(() => total('key:k8'), { timeout: 2_000, interval: 50 }).toBe(1);
    // Full, with the default policy (noeviction): every write is refused, reads still answered.
    await probe.config('SET', 'maxmemory', '1');
    try {
      // key:k9's last socket closes meanwhile: its give and the heartbeat's removal are refused too.
      a.close('key:k9');
      a.counts.delete('key:k9');
      await expect.poll(() => a.slots.heartbeatFailures(), { timeout: 2_000, interval: 50 }).toBeGreaterThanOrEqual(3);
      // The takes cannot write either: decided by the instance's own count, and counted as such.
      expect(await a.open('key:k8', 2)).toBe(true);
      expect(a.slots.localFallbacks()).toBe(1);
    } finally {
      await probe.config('SET', 'maxmemory', '0');
    }
    const refusals = a.reports.filter((message) => message.includes('refused a heartbeat'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/OOM/);
    // Written again at the next heartbeat: the two slots the instance holds, key:k9's removal, and said once.
    await expect.poll(() => total('key:k8'), { timeout: 2_000, interval: 50 }).toBe(2);
    await expect.poll(() => total('key:k9'), { timeout: 2_000, interval: 50 }).toBe(0);
    await expect.poll(() => a.reports.filter((message) => message.includes('takes the heartbeat again')).length, { timeout: 2_000, interval: 50 }).toBe(1);
    const failures = a.slots.heartbeatFailures();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.slots.heartbeatFailures()).toBe(failures);
  });

  it('decides by its own count while Redis is away, counts each such decision, and shares the cap again when Redis is back', async () => {
    const a = start(100);
    const b = start(100);
    expect(await a.open('key:k7', 2)).toBe(true);
    expect(await b.open('key:k7', 2)).toBe(true);
    expect(await a.open('key:k7', 2)).toBe(false);
    await redis.stop();
    // Each instance now holds the key to the cap by itself: A has 1, so one more; B the same.
    expect(await a.open('key:k7', 2)).toBe(true);
    expect(await a.open('key:k7', 2)).toBe(false);
    expect(a.slots.localFallbacks()).toBe(2);
    redis = await startRedis({ port: redis.port });
    // Redis came back empty; the heartbeats write what each instance holds (A 2, B 1), so the cap holds again.
    await expect.poll(() => total('key:k7'), { timeout: 10_000, interval: 100 }).toBe(3);
    expect(await b.open('key:k7', 2)).toBe(false);
  });
});
