import { closeRedis, redisClient, type RedisReport } from '../lib/redis.js';

/**
 * A leaky bucket per credential, as Shopify's GraphQL Admin API meters it: the bucket holds up to
 * `maximumAvailable` points and refills at `restoreRate` points a second; a request whose cost is
 * more than what is available is refused whole (HTTP 429) and nothing of it runs.
 */
export interface BucketPolicy {
  maximumAvailable: number;
  restoreRate: number;
}

export interface BucketResult {
  allowed: boolean;
  /** Points left after this request (or, when refused, what was available). */
  currentlyAvailable: number;
  /** Seconds until the request's cost would be available (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly policy: BucketPolicy;
  take(credentialId: string, cost: number): Promise<BucketResult>;
  /** Takes metered by this instance's own bucket because Redis did not answer (/metrics); 0 without Redis. */
  localFallbacks(): number;
  close(): Promise<void>;
}

function retryAfter(policy: BucketPolicy, available: number, cost: number): number {
  return Math.max(1, Math.ceil((cost - available) / policy.restoreRate));
}

/** One process's buckets: right for a single instance (and PGlite). */
/** `now`: wall-clock milliseconds, passed by the caller (the app passes Date.now: refills are real time). */
export function memoryRateLimiter(policy: BucketPolicy, now: () => number): RateLimiter {
  const buckets = new Map<string, { available: number; at: number }>();
  return {
    policy,
    async take(id, cost) {
      const t = now();
      const bucket = buckets.get(id) ?? { available: policy.maximumAvailable, at: t };
      const available = Math.min(policy.maximumAvailable, bucket.available + ((t - bucket.at) / 1000) * policy.restoreRate);
      const allowed = available >= cost;
      const left = allowed ? available - cost : available;
      buckets.set(id, { available: left, at: t });
      // Full buckets carry no information; dropping them keeps the map as small as the active callers.
      if (buckets.size > 50_000) for (const [key, b] of buckets) if (b.available >= policy.maximumAvailable) buckets.delete(key);
      return { allowed, currentlyAvailable: Math.floor(left), retryAfterSeconds: allowed ? 0 : retryAfter(policy, available, cost) };
    },
    localFallbacks: () => 0,
    async close() {},
  };
}

/**
 * Refill and take in one Lua script on the Redis server, with the Redis server's clock, so every
 * instance shares one budget per credential and no two instances can spend the same points.
 */
const TAKE_SCRIPT = `
local max = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'a', 't')
local available = tonumber(state[1]) or max
local at = tonumber(state[2]) or now
available = math.min(max, available + (now - at) / 1000 * rate)
local allowed = 0
if available >= cost then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'a', tostring(available), 't', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(max / rate * 1000) + 1000)
return {allowed, tostring(available)}
`;

/**
 * While Redis is unreachable each instance meters from a bucket of its own (as without REDIS_URL)
 * instead of failing every request: on Double 11 night a Redis outage must not take the API down with
 * it, and a caller can then spend at most one budget per instance. Budgets refill in real time, as
 * Redis's own clock does. Commands are not queued while disconnected, so the fallback is immediate.
 */
export function redisRateLimiter(policy: BucketPolicy, url: string, report: RedisReport): RateLimiter {
  const redis = redisClient(url, 'rate limits', { maxRetriesPerRequest: 2, enableOfflineQueue: false }, report);
  const local = memoryRateLimiter(policy, Date.now);
  redis.defineCommand('peakopsTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  let fallbacks = 0;
  const take = (redis as unknown as { peakopsTake(key: string, ...args: number[]): Promise<[number, string]> }).peakopsTake.bind(redis);
  return {
    policy,
    async take(id, cost) {
      let reply: [number, string];
      try {
        reply = await take(`peakops:bucket:${id}`, policy.maximumAvailable, policy.restoreRate, cost);
      } catch {
        fallbacks++;
        return local.take(id, cost);
      }
      const [allowed, availableText] = reply;
      const available = Number(availableText);
      return {
        allowed: allowed === 1,
        currentlyAvailable: Math.floor(available),
        retryAfterSeconds: allowed === 1 ? 0 : retryAfter(policy, available, cost),
      };
    },
    localFallbacks: () => fallbacks,
    close: () => closeRedis(redis),
  };
}
