import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { keyPrefix, newApiKeySecret, sha256 } from '../../auth/secrets.js';
import { coversShops, shopsOf, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { lockCreatesOf } from '../../db/creator-lock.js';
import { rows } from '../../db/rows.js';
import { DomainError, InputErrors, notFound, type UserErrorShape } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { shanghaiDateTime } from '../../lib/time.js';
import { parseInput, text } from '../../lib/validate.js';
import { assertShopsVisible } from '../shop/shop.service.js';
import type { AnnounceRevoked } from '../user/user.service.js';
import { API_KEY_SCOPES, apiKeys, type ApiKeyRow } from './api-key.table.js';

const CreateApiKeyInput = z.object({
  name: text(100),
  /** Null or omitted: every shop the caller has (only a caller over every shop gets an all-shops key). */
  shopIds: z.array(z.string().uuid()).min(1, said('name at least one shop, or omit to mean all', '至少指定一个店铺；不填则表示全部店铺')).max(1000).nullish(),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, said('a key needs at least one scope', 'API 密钥至少需要一项权限')).max(3),
  expiresAt: z.date().nullish(),
  trustedDocumentsOnly: z.boolean().nullish(),
});

/**
 * No key can be broader than its creator: its scopes are among the creator's permissions, its shops
 * among the creator's shops, and it expires no later than the creator's own credential.
 */
function narrowerThanCaller(viewer: Viewer, data: z.output<typeof CreateApiKeyInput>, now: Date): UserErrorShape[] {
  const problems: UserErrorShape[] = [];
  const isAdmin = viewer.permissions.has('ADMIN');
  data.scopes.forEach((scope, i) => {
    if (!isAdmin && !viewer.permissions.has(scope)) {
      problems.push({ field: ['input', 'scopes', String(i)], message: `you do not hold ${scope} yourself`, messageZh: `你自己没有 ${scope} 权限`, code: 'FORBIDDEN' });
    }
  });
  const shops = data.shopIds ? shopsOf(data.shopIds) : viewer.shops;
  if (!coversShops(viewer.shops, shops)) {
    problems.push({ field: ['input', 'shopIds'], message: 'a key can cover only shops you can see yourself', messageZh: 'API 密钥只能覆盖你自己能看到的店铺', code: 'FORBIDDEN' });
  }
  if (data.expiresAt && data.expiresAt <= now) {
    problems.push({ field: ['input', 'expiresAt'], message: 'must be in the future', messageZh: '必须是将来的时间', code: 'INVALID_INPUT' });
  }
  const ceiling = viewer.kind === 'API_KEY' ? viewer.expiresAt : null;
  if (ceiling && (!data.expiresAt || data.expiresAt > ceiling)) {
    problems.push({
      field: ['input', 'expiresAt'],
      message: `a key created by a key expires no later than it (${ceiling.toISOString()})`,
      messageZh: `由 API 密钥创建的密钥，过期时间不能晚于创建它的密钥（${shanghaiDateTime(ceiling)} 北京时间）`,
      code: 'FORBIDDEN',
    });
  }
  return problems;
}

/**
 * Unrevoked keys one creator may keep: `apiKeys` sends a creator all of them, unpaged, and a team's or a
 * partner's pipelines, screens and integrations come to a few dozen. Expired keys count until revoked (they
 * are still listed). The bootstrap admin key is exempt, as from the other per-credential limits.
 */
export const MAX_LIVE_API_KEYS_PER_CREATOR = 100;

async function assertRoomForKey(tx: DbOrTx, viewer: Viewer): Promise<void> {
  await lockCreatesOf(tx, 'api-keys', viewer.id);
  const [live] = await tx.select({ n: count() }).from(apiKeys).where(and(eq(apiKeys.createdBy, viewer.id), isNull(apiKeys.revokedAt)));
  if ((live?.n ?? 0) >= MAX_LIVE_API_KEYS_PER_CREATOR) {
    throw new DomainError('LIMIT_REACHED', {
      en: `a credential keeps at most ${MAX_LIVE_API_KEYS_PER_CREATOR} unrevoked keys; revoke one it no longer needs first`,
      zh: `每个凭证最多保留 ${MAX_LIVE_API_KEYS_PER_CREATOR} 个未吊销的 API 密钥；请先吊销一个不再需要的`,
    });
  }
}

export async function createApiKey(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<{ key: ApiKeyRow; secret: string }> {
  const data = parseInput(CreateApiKeyInput, input);
  const problems = narrowerThanCaller(viewer, data, now);
  if (problems.length > 0) throw new InputErrors(problems);
  // A caller over every shop covers any id: one that names no shop would make a key that sees nothing.
  // (A caller limited to some shops was checked against them above.)
  if (data.shopIds && viewer.shops === 'ALL') await assertShopsVisible(db, viewer, data.shopIds, ['input', 'shopIds']);
  const secret = newApiKeySecret();
  const shops = data.shopIds ? [...new Set(data.shopIds)] : viewer.shops === 'ALL' ? null : [...viewer.shops];
  const key = await db.transaction(async (tx) => {
    if (viewer.kind !== 'ADMIN_KEY') await assertRoomForKey(tx, viewer);
    const [row] = await tx
      .insert(apiKeys)
      .values({
        name: data.name,
        prefix: keyPrefix(secret),
        secretHash: sha256(secret),
        shopIds: shops,
        scopes: [...new Set(data.scopes)],
        trustedDocumentsOnly: data.trustedDocumentsOnly ? 'TRUSTED_ONLY' : 'ANY',
        expiresAt: data.expiresAt ?? null,
        createdBy: viewer.id,
      })
      .returning();
    return row!;
  });
  return { key, secret };
}

/** ADMIN sees every key; anyone else the keys they created. */
function keysOf(viewer: Viewer) {
  return viewer.permissions.has('ADMIN') ? undefined : eq(apiKeys.createdBy, viewer.id);
}

export function listApiKeys(db: DbOrTx, viewer: Viewer, options: { includeRevoked: boolean }): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(keysOf(viewer), options.includeRevoked ? undefined : isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
}

export async function loadApiKeys(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<ApiKeyRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(apiKeys).where(and(inArray(apiKeys.id, [...ids]), keysOf(viewer)));
}

/** Revoking is immediate: every instance forgets the key and closes its sockets within a tick. */
export async function revokeApiKey(db: DbOrTx, viewer: Viewer, id: string, announce: AnnounceRevoked, now: Date): Promise<ApiKeyRow> {
  const [existing] = await db.select().from(apiKeys).where(and(eq(apiKeys.id, id), keysOf(viewer)));
  if (!existing) throw notFound('API key', ['input', 'id']);
  if (existing.revokedAt) return existing;
  // Keys are never deleted, so the row read above is still there to update.
  const [row] = await db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)).returning();
  announce([`key:${row!.id}`]);
  return row!;
}

/**
 * Revokes every live key a staff member minted, and the keys those keys minted, down the chain: what a disabled
 * account's keys stood on is gone, and re-enabling the account must not bring them back (as it does not its
 * sessions). Returns the revocation ids to announce once the caller's transaction commits.
 */
export async function revokeKeysMintedBy(tx: DbOrTx, userId: string, now: Date): Promise<string[]> {
  const revoked = await rows<{ id: string }>(
    tx,
    sql`with recursive minted(id) as (
          select id from api_keys where created_by = ${`user:${userId}`}
          union
          select k.id from api_keys k join minted m on k.created_by = 'key:' || m.id::text
        )
        update api_keys set revoked_at = ${now.toISOString()}::timestamptz
        where id in (select id from minted) and revoked_at is null
        returning id`,
  );
  return revoked.map((r) => `key:${r.id}`);
}
