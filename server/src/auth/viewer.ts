import { inArray, sql, type Column, type SQL } from 'drizzle-orm';
import type { ApiKeyScope } from '../modules/api-key/api-key.table.js';
import type { Role } from '../modules/user/user.table.js';
import { forbidden } from '../errors.js';

/**
 * What a caller may do. READ: queries and subscriptions; INGEST: ingestEvents, recordMarketingSpend and voidMarketingSpend;
 * MANAGE: change the operations data of their shops (campaigns, milestones, plans, alerts, marketing
 * spend, keys no broader than their own); ADMIN: users, keys for anyone, the audit trail.
 */
export type Permission = 'READ' | 'INGEST' | 'MANAGE' | 'ADMIN';

export type PrincipalKind = 'USER' | 'API_KEY' | 'ADMIN_KEY' | 'SYSTEM' | 'ANONYMOUS';

/**
 * Who is calling and which shops they may see. Every service function takes a viewer and filters
 * by it; resolvers never decide visibility themselves.
 */
export interface Viewer {
  /** Stable principal id for audit fields: `user:<uuid>`, `key:<uuid>`, `admin-key`, `system`. */
  id: string;
  kind: PrincipalKind;
  displayName: string;
  /** 'ALL' for callers over every shop; otherwise exactly the shops they were granted. */
  shops: 'ALL' | ReadonlySet<string>;
  permissions: ReadonlySet<Permission>;
  /** Staff only. */
  role?: Role;
  /** API keys only. */
  scopes?: readonly ApiKeyScope[];
  /** API keys: the visible prefix, for the audit trail and key lists. */
  keyPrefix?: string;
  /** When the credential stops being valid (access token or key expiry); sockets close then. */
  expiresAt?: Date | null;
  /** What a revocation names: `session:<id>`, `key:<id>`, `user:<id>`. A socket closes when any of its ids is revoked. */
  revocationIds?: readonly string[];
  /** Screen keys may run only the trusted documents. */
  trustedDocumentsOnly?: boolean;
}

const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set(['READ', 'INGEST', 'MANAGE', 'ADMIN']);

/** In-process work with no caller (the demo history, the simulator inside `npm start`). */
export const SYSTEM: Viewer = {
  id: 'system',
  kind: 'SYSTEM',
  displayName: 'PeakOps',
  shops: 'ALL',
  permissions: ALL_PERMISSIONS,
};

/** A request without a valid credential: it may only sign in or refresh a session. */
export const ANONYMOUS: Viewer = {
  id: 'anonymous',
  kind: 'ANONYMOUS',
  displayName: 'Anonymous',
  shops: new Set(),
  permissions: new Set(),
};

/** `PEAKOPS_ADMIN_KEY`: the bootstrap credential over all shops. */
export const ADMIN_KEY_VIEWER: Viewer = {
  id: 'admin-key',
  kind: 'ADMIN_KEY',
  displayName: 'Admin key',
  shops: 'ALL',
  permissions: ALL_PERMISSIONS,
  keyPrefix: 'admin',
};

/** What each staff role may do (docs/SECURITY.md has the same table). */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  ADMIN: ALL_PERMISSIONS,
  OPERATOR: new Set(['READ', 'MANAGE']),
  VIEWER: new Set(['READ']),
};

export function shopsOf(shopIds: readonly string[] | null): Viewer['shops'] {
  return shopIds === null ? 'ALL' : new Set(shopIds);
}

export function canSeeShop(viewer: Viewer, shopId: string): boolean {
  return viewer.shops === 'ALL' || viewer.shops.has(shopId);
}

/**
 * Shops a caller names (a filter's or a scope's `shopIds`) must all be in its grant: the first one outside
 * is FORBIDDEN at `field` plus its index, before anything is read.
 */
export function assertShopsInGrant(viewer: Viewer, shopIds: readonly string[] | null | undefined, field: string[]): void {
  const foreign = shopIds?.findIndex((shopId) => !canSeeShop(viewer, shopId)) ?? -1;
  if (foreign >= 0) throw forbidden('Shop', [...field, String(foreign)]);
}

/** True when `inner` grants nothing beyond `outer`: shops, permissions and expiry. */
export function coversShops(outer: Viewer['shops'], inner: Viewer['shops']): boolean {
  if (outer === 'ALL') return true;
  if (inner === 'ALL') return false;
  return [...inner].every((shop) => outer.has(shop));
}

/** SQL condition "this shop id column is visible"; undefined means no restriction. */
export function shopVisible(viewer: Viewer, column: Column): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  if (viewer.shops.size === 0) return sql`false`;
  return inArray(column, [...viewer.shops]);
}

/**
 * shopVisible for a statement built once and run for every viewer of a kind: undefined for a viewer over
 * every shop, else "this column is one of the `shops` placeholder", run with `{ shops: visibleShopIds(viewer) }`.
 */
export function shopVisiblePlaceholder(viewer: Viewer, column: Column): SQL | undefined {
  return viewer.shops === 'ALL' ? undefined : sql`${column} = any(${sql.placeholder('shops')}::uuid[])`;
}

/** The `shops` value for shopVisiblePlaceholder: no shops is an empty array, so no rows (as shopVisible's `false`). */
export function visibleShopIds(viewer: Viewer): string[] {
  return viewer.shops === 'ALL' ? [] : [...viewer.shops];
}

/**
 * SQL condition for rows owned by several shops (campaigns, plans): visible only when every shop is,
 * so a partner never sees a target set for a merchant they do not represent.
 */
export function allShopsVisible(viewer: Viewer, shopIdsColumn: Column): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  const ids = [...viewer.shops];
  return sql`${shopIdsColumn} <@ ${sql.param(ids)}::uuid[]`;
}

/** A stable string for the shops a viewer sees, for topic keys shared by viewers who see the same. */
export function shopsKey(viewer: Viewer): string {
  return viewer.shops === 'ALL' ? 'ALL' : [...viewer.shops].sort().join(',');
}
