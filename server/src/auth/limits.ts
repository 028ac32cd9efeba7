import type { GraphQLArmorConfig, GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import type { BucketPolicy } from './rate-limit.js';

/**
 * Limits checked before execution (GraphQL Armor). Every document of the war room and the demo passes
 * them with room to spare (limits.test.ts checks each); docs/SECURITY.md explains each value.
 */
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
function refusedAs(limit: keyof typeof IN_CHINESE, value: number): GraphQLArmorRejectCallback[] {
  return [
    (_context, error) => {
      const found = /found (\d+)/.exec(error.message)?.[1];
      const words = IN_CHINESE[limit](value) + (found ? `（实际 ${found}）` : '');
      Object.assign(error.extensions, { code: 'BAD_USER_INPUT', messageZh: words });
    },
  ];
}

export const ARMOR_LIMITS = {
  /** The deepest screen document nests 5 selection sets; partners get room for orders → items → sku → product. */
  maxDepth: { n: 12, onReject: refusedAs('maxDepth', 12) },
  /** The screen uses none; partners batching a few lookups in one request need a handful. */
  maxAliases: { n: 20, onReject: refusedAs('maxAliases', 20) },
  /** The largest screen document has ~250 tokens. */
  maxTokens: { n: 3000, onReject: refusedAs('maxTokens', 3000) },
  maxDirectives: { n: 30, onReject: refusedAs('maxDirectives', 30) },
  /** Armor's static complexity (objects 2, scalars 1, × 1.5 per level). */
  costLimit: { maxCost: 20_000, onReject: refusedAs('costLimit', 20_000) },
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
