import type { GraphQLArmorConfig } from '@escape.tech/graphql-armor-types';
import type { BucketPolicy } from './rate-limit.js';

/**
 * Limits checked before execution (GraphQL Armor). Every document of the war room and the demo passes
 * them with room to spare (limits.test.ts checks each); docs/SECURITY.md explains each value.
 */
export const ARMOR_LIMITS = {
  /** The deepest screen document nests 5 selection sets; partners get room for orders → items → sku → product. */
  maxDepth: { n: 12 },
  /** The screen uses none; partners batching a few lookups in one request need a handful. */
  maxAliases: { n: 20 },
  /** The largest screen document has ~250 tokens. */
  maxTokens: { n: 3000 },
  maxDirectives: { n: 30 },
  /** Armor's static complexity (objects 2, scalars 1, × 1.5 per level). */
  costLimit: { maxCost: 20_000 },
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
