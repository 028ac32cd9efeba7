import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../modules/api-key/api-key.table.js';
import { sessions, users } from '../modules/user/user.table.js';
import type { AccessTokenSigner } from './access-token.js';
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from './secrets.js';
import { keyStanding } from './key-standing.js';
import { ADMIN_KEY_VIEWER, ROLE_PERMISSIONS, shopsOf, type Viewer } from './viewer.js';
import { MINUTE_MS } from '../lib/time.js';

/** Why a request has no viewer: no credential at all, or one that is wrong, expired or revoked. */
export type AuthFailure = 'MISSING' | 'INVALID';
export type AuthResult = { viewer: Viewer } | { failure: AuthFailure };

/**
 * How long a verified credential is trusted without asking the database again, by a request and by an
 * open socket (auth/revocation-sweep.ts). Revocations evict at once through the revocation notice (on
 * every instance with Redis), so this only bounds how long an instance that missed a notice keeps
 * honouring a revoked credential.
 */
export const CREDENTIAL_RECHECK_MS = 10_000;
/** Credentials remembered per instance; past this the oldest are forgotten (they are simply checked again). */
const CACHE_ENTRIES = 50_000;
/** lastUsedAt is written at most this often per key: a hot ingest key must not write on every batch. */
const LAST_USED_EVERY_MS = MINUTE_MS;

/** The credential of an `Authorization: Bearer <credential>` header; null for none, or for any other shape. */
export function bearerCredential(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? null;
}

export interface Authenticator {
  /** Reads `Bearer <credential>`; anything else is INVALID, nothing is MISSING. */
  authenticate(authorization: string | null | undefined): Promise<AuthResult>;
  /** Forget cached credentials that a revocation names (`key:<id>`, `session:<id>`, `user:<id>`). */
  evict(revokedIds: readonly string[]): void;
}

interface CacheEntry {
  viewer: Viewer;
  checkedAt: number;
}

export function createAuthenticator(options: {
  db: Db;
  adminKey?: string;
  signer: AccessTokenSigner;
  now: () => Date;
  onError: (error: unknown) => void;
}): Authenticator {
  const { db, signer, now } = options;
  // Hashed once: each request then costs one SHA-256 (also its cache key), compared in constant time.
  const adminKeyHash = options.adminKey ? Buffer.from(sha256(options.adminKey), 'hex') : null;
  const cache = new Map<string, CacheEntry>();
  const lastUsedWritten = new Map<string, number>();

  async function lookUpApiKey(secret: string): Promise<Viewer | null> {
    const [key] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, sha256(secret)));
    if (!key) return null;
    const standing = await keyStanding(db, key, now());
    if (!standing) return null;
    return {
      id: `key:${key.id}`,
      kind: 'API_KEY',
      displayName: key.name,
      shops: standing.shops,
      permissions: standing.permissions,
      // What the key may still do: a scope its creator lost is not the key's to use either.
      scopes: key.scopes.filter((scope) => standing.permissions.has(scope)),
      keyPrefix: key.prefix,
      expiresAt: standing.expiresAt,
      revocationIds: standing.revocationIds,
      trustedDocumentsOnly: key.trustedDocumentsOnly === 'TRUSTED_ONLY',
    };
  }

  async function lookUpSession(token: string): Promise<Viewer | null> {
    const claims = await signer.verify(token, now());
    if (!claims) return null;
    const [row] = await db
      .select({ user: users, session: sessions })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, claims.sessionId), eq(users.id, claims.userId), isNull(sessions.revokedAt), isNull(users.disabledAt)));
    if (!row) return null;
    const { user } = row;
    return {
      id: `user:${user.id}`,
      kind: 'USER',
      displayName: user.name,
      // An ADMIN is over every shop (user.service.ts refuses a grant of some); a row from before that rule counts so.
      shops: user.role === 'ADMIN' ? 'ALL' : shopsOf(user.shopIds),
      permissions: ROLE_PERMISSIONS[user.role],
      role: user.role,
      expiresAt: claims.expiresAt,
      revocationIds: [`session:${claims.sessionId}`, `user:${user.id}`],
    };
  }

  function touchKey(viewer: Viewer, at: number) {
    const last = lastUsedWritten.get(viewer.id) ?? 0;
    if (at - last < LAST_USED_EVERY_MS) return;
    lastUsedWritten.set(viewer.id, at);
    const keyId = viewer.id.slice('key:'.length);
    db.update(apiKeys)
      .set({ lastUsedAt: new Date(at) })
      .where(eq(apiKeys.id, keyId))
      .then(() => undefined, options.onError);
  }

  return {
    async authenticate(authorization) {
      if (!authorization) return { failure: 'MISSING' };
      const credential = bearerCredential(authorization);
      if (!credential) return { failure: 'INVALID' };
      const at = now().getTime();
      // Keyed by the credential itself: a hit costs one map lookup, no hashing. The map lives only in
      // this process's memory, like the request that carried the credential; it is never written out.
      const cached = cache.get(credential);
      let viewer = cached && (cached.viewer.kind === 'ADMIN_KEY' || at - cached.checkedAt < CREDENTIAL_RECHECK_MS) ? cached.viewer : undefined;
      if (!viewer) {
        const isAdminKey = adminKeyHash !== null && timingSafeEqual(Buffer.from(sha256(credential), 'hex'), adminKeyHash);
        const found = isAdminKey ? ADMIN_KEY_VIEWER : credential.startsWith('pk_') ? await lookUpApiKey(credential) : await lookUpSession(credential);
        if (!found) {
          cache.delete(credential);
          return { failure: 'INVALID' };
        }
        viewer = found;
        cache.delete(credential); // re-inserted last: Map order is then oldest-checked first
        cache.set(credential, { viewer, checkedAt: at });
        if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      if (viewer.expiresAt && viewer.expiresAt.getTime() <= at) {
        cache.delete(credential);
        return { failure: 'INVALID' };
      }
      if (viewer.kind === 'API_KEY') touchKey(viewer, at);
      return { viewer };
    },
    evict(revokedIds) {
      const revoked = new Set(revokedIds);
      for (const [key, entry] of cache) {
        if (entry.viewer.revocationIds?.some((id) => revoked.has(id))) cache.delete(key);
      }
    },
  };
}
