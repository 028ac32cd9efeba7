import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { isUuid } from '../lib/uuid.js';
import { apiKeys, type ApiKeyRow } from '../modules/api-key/api-key.table.js';
import { users } from '../modules/user/user.table.js';
import { ROLE_PERMISSIONS, shopsOf, type Permission, type Viewer } from './viewer.js';

/** Keys made by keys made by keys…: far deeper than any real delegation; past it the chain is not trusted. */
const MAX_CHAIN = 16;

/** What a key may do now: its own grant cut to what each credential above it still holds. */
export interface KeyStanding {
  shops: Viewer['shops'];
  permissions: ReadonlySet<Permission>;
  /** The earliest expiry along the chain. */
  expiresAt: Date | null;
  /** The key's id and every credential above it: revoking or disabling any of them ends the key. */
  revocationIds: string[];
}

export function intersectShops(a: Viewer['shops'], b: Viewer['shops']): Viewer['shops'] {
  if (a === 'ALL') return b;
  if (b === 'ALL') return a;
  return new Set([...a].filter((id) => b.has(id)));
}

function intersectPermissions(a: ReadonlySet<Permission>, b: ReadonlySet<Permission>): Set<Permission> {
  return new Set([...a].filter((p) => b.has(p)));
}

function earlier(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * A key stands only while whoever made it still does: a partner's key made by a key the admin revoked, or
 * by a staff member since disabled, stops with it (a departed employee keeps nothing through the keys they
 * minted), and a creator narrowed to fewer shops or a lower role narrows the keys below it. The chain is
 * walked up `createdBy` (`key:<id>` → its own creator … → `user:<id>`, `admin-key` or `system`), one row by
 * primary key per step, only when the credential is not in the authenticator's cache. Null: the key or a
 * credential above it is revoked, expired, disabled or gone.
 */
export async function keyStanding(db: Db, key: ApiKeyRow, now: Date): Promise<KeyStanding | null> {
  if (key.revokedAt) return null;
  let shops = shopsOf(key.shopIds);
  let permissions: ReadonlySet<Permission> = new Set<Permission>(key.scopes);
  let expiresAt = key.expiresAt;
  const revocationIds = [`key:${key.id}`];
  let creator = key.createdBy;
  for (let step = 0; step < MAX_CHAIN; step++) {
    const [kind, id] = creator.split(':', 2) as [string, string | undefined];
    if (kind === 'key') {
      if (!id || !isUuid(id)) return null;
      const [parent] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
      if (!parent || parent.revokedAt || (parent.expiresAt && parent.expiresAt.getTime() <= now.getTime())) return null;
      shops = intersectShops(shops, shopsOf(parent.shopIds));
      permissions = intersectPermissions(permissions, new Set<Permission>(parent.scopes));
      expiresAt = earlier(expiresAt, parent.expiresAt);
      revocationIds.push(`key:${parent.id}`);
      creator = parent.createdBy;
      continue;
    }
    if (kind === 'user') {
      if (!id || !isUuid(id)) return null;
      const [user] = await db.select().from(users).where(eq(users.id, id));
      if (!user || user.disabledAt) return null;
      // An ADMIN is over every shop, whatever an old row's shopIds say (as a session reads it).
      shops = intersectShops(shops, user.role === 'ADMIN' ? 'ALL' : shopsOf(user.shopIds));
      permissions = intersectPermissions(permissions, ROLE_PERMISSIONS[user.role]);
      revocationIds.push(`user:${user.id}`);
    }
    // `admin-key` and `system` stand as long as the installation does.
    return { shops, permissions, expiresAt, revocationIds };
  }
  return null;
}
