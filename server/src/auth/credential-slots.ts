import { randomUUID } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { closeRedis, redisClient, type RedisReport } from '../lib/redis.js';

/** What a credential holds open: sockets, and subscriptions (over sockets and event streams together). */
export type SlotKind = 'sockets' | 'subscriptions';

/** This instance's own counts for one credential, as the socket registry keeps them. */
export interface HeldSlots {
  sockets: number;
  subscriptions: number;
  /** Takes sent and not yet answered: their counts are in flux, so a heartbeat leaves them to the next one. */
  pending: number;
}

/**
 * Where a credential's caps are counted. Without Redis, by this instance alone; with Redis, across every
 * instance, so a partner key capped at 50 sockets holds 50 in the cluster, not 50 behind each instance.
 */
export interface CredentialSlots {
  /**
   * One more slot of `kind` for the credential, or false when it already holds `cap`. `held`: this instance's
   * count before this take (the registry has already reserved the slot locally), the measure without Redis.
   */
  take(kind: SlotKind, credentialId: string, cap: number, held: number): Promise<boolean>;
  /** A slot given back (the socket closed, the subscription ended). Never waits. */
  give(kind: SlotKind, credentialId: string): void;
  /** Takes decided by this instance's own count because Redis did not answer (/metrics); 0 without Redis. */
  localFallbacks(): number;
  /** Heartbeats Redis did not take whole, unreachable or refusing a command (/metrics); 0 without Redis. */
  heartbeatFailures(): number;
  close(): Promise<void>;
}

export const localCredentialSlots: CredentialSlots = {
  take: async (_kind, _id, cap, held) => held < cap,
  give: () => {},
  localFallbacks: () => 0,
  heartbeatFailures: () => 0,
  close: async () => {},
};

const SLOTS_PREFIX = 'peakops:slots:';
/** Instance id → the Redis time (ms) until which it counts as alive. */
const INSTANCES_KEY = 'peakops:slot-instances';
/** How long takes wait for Redis when the instance has just started. */
const CONNECT_WAIT_MS = 2_000;
const FIELD_OF: Record<SlotKind, string> = { sockets: 's', subscriptions: 'u' };

/**
 * KEYS[1] the credential's hash (field `<instance>|s` or `<instance>|u` → that instance's count), KEYS[2] the
 * instances' liveness. Sums the live instances' counts of the kind, forgets a dead instance's, and takes one
 * for this instance if the sum is under the cap: check and take in one step, so two instances cannot both
 * take the last slot.
 */
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local own, suffix, cap, ttl = ARGV[1], '|' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local fields = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #fields, 2 do
  local field = fields[i]
  if string.sub(field, -2) == suffix then
    local instance = string.sub(field, 1, -3)
    local alive = instance == own
    if not alive then
      local until_ms = tonumber(redis.call('HGET', KEYS[2], instance))
      alive = until_ms ~= nil and until_ms > now
    end
    if alive then total = total + tonumber(fields[i + 1]) else redis.call('HDEL', KEYS[1], field) end
  end
end
if total >= cap then return 0 end
redis.call('HINCRBY', KEYS[1], own .. suffix, 1)
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

/** KEYS[1] the credential's hash; ARGV[1] the field. One slot back, never below zero. */
const GIVE_SCRIPT = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left
`;

/** KEYS[1] the instances' liveness; ARGV[1] this instance, ARGV[2] how long it counts as alive. Drops instances long gone. */
const ALIVE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  if tonumber(entries[i + 1]) < now then redis.call('HDEL', KEYS[1], entries[i]) end
end
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
return 1
`;

type SlotPipeline = ChainableCommander & {
  peakopsSlotAlive(instancesKey: string, instance: string, ttlMs: number): SlotPipeline;
};

type SlotCommands = Redis & {
  peakopsSlotTake(slotsKey: string, instancesKey: string, instance: string, field: string, cap: number, ttlMs: number): Promise<number>;
  peakopsSlotGive(slotsKey: string, field: string): Promise<number>;
  peakopsSlotAlive(instancesKey: string, instance: string, ttlMs: number): Promise<number>;
};

export interface RedisSlotOptions {
  url: string;
  report: RedisReport;
  /** This instance's counts per credential, for the heartbeat to write as they are. */
  held: () => Iterable<readonly [string, Readonly<HeldSlots>]>;
  /** How often the instance says it is alive and writes its counts; it counts as alive for three of these. */
  heartbeatMs?: number;
}

/**
 * Caps counted across the cluster. Each instance keeps its own counts per credential in Redis and a liveness
 * entry it renews every heartbeat; a take sums the live instances' counts. An instance that dies (kill -9)
 * stops renewing, and its slots stop counting three heartbeats later. Each heartbeat also writes this
 * instance's counts as they are, which mends what a lost give or a Redis outage left behind.
 *
 * While Redis is unreachable each instance decides by its own count (as without Redis) rather than refusing
 * every screen: on Double 11 night a Redis outage must not lock the war room out, and a key may then hold
 * one cap per instance until Redis is back.
 */
export function redisCredentialSlots(options: RedisSlotOptions): CredentialSlots {
  const redis = redisClient(options.url, 'credential caps', { maxRetriesPerRequest: 2, enableOfflineQueue: false }, options.report) as SlotCommands;
  redis.defineCommand('peakopsSlotTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
  redis.defineCommand('peakopsSlotGive', { numberOfKeys: 1, lua: GIVE_SCRIPT });
  redis.defineCommand('peakopsSlotAlive', { numberOfKeys: 1, lua: ALIVE_SCRIPT });
  const instance = randomUUID();
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const aliveMs = 3 * heartbeatMs;
  let fallbacks = 0;
  /** Credentials written at the last heartbeat: one no longer held has its fields removed at the next. */
  let written = new Set<string>();

  const field = (kind: SlotKind) => `${instance}|${FIELD_OF[kind]}`;

  async function heartbeat() {
    // Commands defined with defineCommand are on pipelines too; ioredis' types know only the built-in ones.
    const batch = redis.pipeline() as SlotPipeline;
    batch.peakopsSlotAlive(INSTANCES_KEY, instance, aliveMs);
    const now = new Set<string>();
    for (const [credentialId, held] of options.held()) {
      now.add(credentialId);
      if (held.pending > 0) continue;
      const key = SLOTS_PREFIX + credentialId;
      batch.hset(key, field('sockets'), held.sockets, field('subscriptions'), held.subscriptions);
      batch.pexpire(key, aliveMs);
    }
    for (const credentialId of written) if (!now.has(credentialId)) batch.hdel(SLOTS_PREFIX + credentialId, field('sockets'), field('subscriptions'));
    const before = written;
    written = now;
    try {
      // A pipeline answers each command's error in its results rather than failing: a Redis out of memory
      // refuses the writes and still answers.
      const refused = (await batch.exec())?.find(([error]) => error)?.[0];
      if (refused) throw refused;
    } catch (error) {
      // The removals may not have happened: the next heartbeat sends them again (removing twice is harmless).
      for (const credentialId of before) written.add(credentialId);
      throw error;
    }
  }
  let heartbeatFailures = 0;
  /** A heartbeat refused while Redis answers: said once, as the client says an outage once. */
  let refusing = false;
  const beat = () =>
    void heartbeat().then(
      () => {
        if (!refusing) return;
        refusing = false;
        options.report({ message: 'Redis (credential caps) takes the heartbeat again', down: false });
      },
      (error: Error) => {
        // The next beat writes everything again. Until one does, the other instances count this one's slots
        // as last written, and stop counting them once its liveness lapses (three heartbeats).
        heartbeatFailures++;
        if (refusing || redis.status !== 'ready') return; // unreachable: the client reports that itself
        refusing = true;
        options.report({ message: `Redis (credential caps) refused a heartbeat: ${error.message}; other instances may count this one's sockets wrong`, down: true });
      },
    );
  // At once on every (re)connection, before any take waiting for it: the instance is alive and its counts as
  // they are before it counts anyone else's. Registered before the takes' own wait below, so it goes first.
  redis.on('ready', beat);
  const timer = setInterval(beat, heartbeatMs);
  timer.unref();

  // At start the client is still connecting, and without an offline queue a take would fail over to this
  // instance's own count: a restarted instance's reconnect storm would then be held to nothing cluster-wide.
  // Takes wait for the first connection, a moment at most.
  let connecting: Promise<void> | null = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timeout);
      connecting = null;
      resolve();
    };
    const timeout = setTimeout(done, CONNECT_WAIT_MS);
    timeout.unref();
    redis.once('ready', done);
  });

  return {
    async take(kind, credentialId, cap, held) {
      if (connecting) await connecting;
      try {
        return (await redis.peakopsSlotTake(SLOTS_PREFIX + credentialId, INSTANCES_KEY, instance, FIELD_OF[kind], cap, aliveMs)) === 1;
      } catch {
        fallbacks++;
        return held < cap;
      }
    },
    give(kind, credentialId) {
      redis.peakopsSlotGive(SLOTS_PREFIX + credentialId, field(kind)).catch(() => {}); // mended at the next heartbeat
    },
    localFallbacks: () => fallbacks,
    heartbeatFailures: () => heartbeatFailures,
    async close() {
      clearInterval(timer);
      // Gone at once rather than three heartbeats from now: the other instances stop counting its slots.
      await redis.hdel(INSTANCES_KEY, instance).catch(() => {});
      await closeRedis(redis);
    },
  };
}
