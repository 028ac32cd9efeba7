import type { GraphQLArmorConfig, GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { BucketPolicy } from './rate-limit.js';

/** What each of Armor's limits refuses, in the words of a zh-CN reader (Armor itself speaks English). */
const IN_CHINESE = {
  maxDepth: (limit: number) => `查询嵌套深度超过上限 ${limit}`,
  maxAliases: (limit: number) => `别名数量超过上限 ${limit}`,
  maxTokens: (limit: number) => `查询的词法单元数量超过上限 ${limit}`,
  maxDirectives: (limit: number) => `指令数量超过上限 ${limit}`,
  costLimit: (limit: number) => `查询的静态成本超过上限 ${limit}`,
} as const;

/**
 * Armor's refusal as the API's other refusals read: `BAD_USER_INPUT` (the caller's document, not an
 * outage) and the sentence in Chinese as `extensions.messageZh`, with what was found when Armor says.
 * Armor throws the error it hands here, so the words travel with it.
 */
function refusing<Limit extends { n: number } | { maxCost: number }>(
  kind: keyof typeof IN_CHINESE,
  limit: Limit,
): Limit & { onReject: GraphQLArmorRejectCallback[] } {
  const value = 'n' in limit ? limit.n : limit.maxCost;
  const onReject: GraphQLArmorRejectCallback = (_context, error) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const words = IN_CHINESE[kind](value) + (found ? `（实际 ${found}）` : '');
    Object.assign(error.extensions, { code: 'BAD_USER_INPUT', messageZh: words });
  };
  return { ...limit, onReject: [onReject] };
}

/**
 * Limits checked before execution (GraphQL Armor). Every document of the war room and the demo passes
 * them with room to spare (limits.test.ts checks each); docs/SECURITY.md explains each value.
 */
export const ARMOR_LIMITS = {
  /** The deepest screen document nests 5 selection sets; partners get room for orders → items → sku → product. */
  maxDepth: refusing('maxDepth', { n: 12 }),
  /** The screen uses none; partners batching a few lookups in one request need a handful. */
  maxAliases: refusing('maxAliases', { n: 20 }),
  /** The largest screen document has ~250 tokens. */
  maxTokens: refusing('maxTokens', { n: 3000 }),
  maxDirectives: refusing('maxDirectives', { n: 30 }),
  /** Armor's static complexity (objects 2, scalars 1, × 1.5 per level). */
  costLimit: refusing('costLimit', { maxCost: 20_000 }),
} satisfies GraphQLArmorConfig;

/**
 * The bucket per credential: up to 20,000 points, refilled at 10,000 a second. A page of 20 orders with
 * items costs ~60 points, so a partner runs ~160 such pages a second; an ingest batch costs one point
 * per event, so one pipeline sustains 10,000 events a second per key (more keys, more budget).
 */
export const DEFAULT_BUCKET: BucketPolicy = { maximumAvailable: 20_000, restoreRate: 10_000 };

/** Per credential: across every instance with Redis (auth/credential-slots.ts), else per instance. The bootstrap admin key is exempt: it is the operator's own automation. */
export const CREDENTIAL_LIMITS = {
  /** A wall of screens shares a key; 50 sockets per key is a wall of 50. */
  socketsPerCredential: 50,
  /** A screen opens ~6 subscriptions. */
  subscriptionsPerCredential: 300,
};
