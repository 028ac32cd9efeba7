import { inArray, sql, type Column, type SQL } from 'drizzle-orm';

/**
 * Who is calling and which shops they may see. Every service function takes a viewer and filters
 * by it; resolvers never decide visibility themselves.
 */
export interface Viewer {
  /** Stable id for audit fields (acknowledgedBy, …). */
  id: string;
  kind: 'OPERATOR' | 'PARTNER' | 'SYSTEM';
  displayName: string;
  /** 'ALL' for staff of the operating company; otherwise the exact shops a partner was granted. */
  shops: 'ALL' | ReadonlySet<string>;
}

/** Until sign-in exists (security issue), a local operator who sees every shop. */
export const LOCAL_OPERATOR: Viewer = {
  id: 'local-operator',
  kind: 'OPERATOR',
  displayName: 'Local operator',
  shops: 'ALL',
};

export function canSeeShop(viewer: Viewer, shopId: string): boolean {
  return viewer.shops === 'ALL' || viewer.shops.has(shopId);
}

/** SQL condition "this shop id column is visible"; undefined means no restriction. */
export function shopVisible(viewer: Viewer, column: Column): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  if (viewer.shops.size === 0) return sql`false`;
  return inArray(column, [...viewer.shops]);
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
