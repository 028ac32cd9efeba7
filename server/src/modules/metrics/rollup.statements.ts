import { and, eq, sql, type Column, type SQL } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer.js';
import type { RollupColumns, RollupPiece } from './metrics.window.js';

/**
 * Rollup statements built once per shape and run with values. Building a drizzle select and rendering
 * its SQL cost ~1.7 ms of every `metrics` request at 10M orders (docs/BENCHMARKS.md, Read): the text of
 * a window's statement depends only on which granularities its pieces have and which scope filters are
 * set, so those make the shape, and the pieces' bounds, the shops, the campaign, the channels and the
 * sources are placeholders.
 */

export interface DimensionColumns {
  shopId: Column;
  channel: Column;
  source: Column;
  campaignId: Column;
}

export interface ScopeFilter {
  /** Which filters are set, e.g. `shops:SC`: part of a statement's shape. */
  shape: string;
  values: Record<string, unknown>;
  /** The filters as placeholders on a rollup table's dimension columns; undefined when none. */
  condition(table: DimensionColumns): SQL | undefined;
}

export interface ScopeFilterInput {
  shopIds?: readonly string[] | null;
  campaignId?: string | null;
  channels?: readonly string[] | null;
  sources?: readonly string[] | null;
}

/** Omitted and empty lists both mean "no restriction"; the viewer's shops always apply (none: no rows). */
export function scopeFilter(viewer: Viewer, scope: ScopeFilterInput): ScopeFilter {
  const visible = viewer.shops === 'ALL' ? 'all' : viewer.shops.size === 0 ? 'none' : 'shops';
  const shopIds = scope.shopIds?.length ? [...scope.shopIds] : null;
  const channels = scope.channels?.length ? [...scope.channels] : null;
  const sources = scope.sources?.length ? [...scope.sources] : null;
  const campaignId = scope.campaignId ?? null;
  return {
    shape: `${visible}:${shopIds ? 'S' : ''}${campaignId ? 'C' : ''}${channels ? 'H' : ''}${sources ? 'O' : ''}`,
    values: {
      ...(visible === 'shops' ? { visibleShops: [...viewer.shops as ReadonlySet<string>] } : {}),
      ...(shopIds ? { scopeShops: shopIds } : {}),
      ...(campaignId ? { campaign: campaignId } : {}),
      ...(channels ? { channels } : {}),
      ...(sources ? { sources } : {}),
    },
    condition: (table) =>
      and(
        visible === 'none' ? sql`false` : undefined,
        visible === 'shops' ? sql`${table.shopId} = any(${sql.placeholder('visibleShops')}::uuid[])` : undefined,
        shopIds ? sql`${table.shopId} = any(${sql.placeholder('scopeShops')}::uuid[])` : undefined,
        campaignId ? sql`${table.campaignId} = ${sql.placeholder('campaign')}::uuid` : undefined,
        // Enum arrays travel as text[]: postgres.js has no encoder for an enum's array type.
        channels ? sql`${table.channel} = any(${sql.placeholder('channels')}::text[]::channel[])` : undefined,
        sources ? sql`${table.source} = any(${sql.placeholder('sources')}::text[]::traffic_source[])` : undefined,
      ),
  };
}

/** The pieces' condition with their bounds as placeholders; its shape is their granularities in order. */
export function piecesFilter(table: RollupColumns, pieces: readonly RollupPiece[]): { shape: string; values: Record<string, string>; condition: SQL } {
  const values: Record<string, string> = {};
  const parts = pieces.map((piece, i) => {
    values[`from${i}`] = piece.from.toISOString();
    values[`to${i}`] = piece.to.toISOString();
    return sql`(${eq(table.granularity, piece.granularity)} and ${table.bucket} >= ${sql.placeholder(`from${i}`)}::timestamptz and ${table.bucket} < ${sql.placeholder(`to${i}`)}::timestamptz)`;
  });
  return {
    shape: pieces.map((piece) => piece.granularity[0]).join('') || '-',
    values,
    condition: parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`,
  };
}
