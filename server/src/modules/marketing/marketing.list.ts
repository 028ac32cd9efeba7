import { and, count, eq, gte, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import { assertShopsInGrant, shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import type { TrafficSource } from '../../db/enums.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { visibleRowsById } from '../../db/visible-by-id.js';
import { assertWindow } from '../metrics/metrics.service.js';
import { marketingSpend, type MarketingSpendRow } from './marketing.table.js';

export interface SpendFilter {
  shopIds?: readonly string[] | null;
  /** spentAt at or after this instant. */
  from?: Date | null;
  /** spentAt strictly before this instant: [from, to) windows tile as metrics' windows do. */
  to?: Date | null;
  sources?: readonly TrafficSource[] | null;
  campaignId?: string | null;
  /** null: every entry; true: only voided ones; false: only those that count. */
  voided?: boolean | null;
}

/** Recorded entries by id, of the caller's shops only: node(id:) of another shop's entry is null. */
export function loadSpendEntries(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<MarketingSpendRow[]> {
  return visibleRowsById(db, marketingSpend, viewer, ids);
}

/**
 * The recorded entries of the caller's shops, voided ones kept (they stay stored, and an operator must
 * see what was taken back and why), newest spentAt first with ties by id so cursors stay stable. Naming a
 * shop outside the grant is FORBIDDEN before any read, as in dailyReports and metrics. Keyset on
 * (spent_at, id): one shop's page walks marketing_spend_shop_spent_idx; a page over several shops reads
 * their entries in the window and keeps the newest, fine at ad-report volumes (an entry per shop, source
 * and hour).
 */
export function listSpend(db: DbOrTx, viewer: Viewer, filter: SpendFilter, args: ConnectionArgs) {
  assertShopsInGrant(viewer, filter.shopIds, ['filter', 'shopIds']);
  if (filter.from && filter.to) assertWindow(filter.from, filter.to);
  const m = marketingSpend;
  // An empty list restricts nothing, as in every other filter of the API.
  const where = and(
    shopVisible(viewer, m.shopId),
    filter.shopIds?.length ? inArray(m.shopId, [...filter.shopIds]) : undefined,
    filter.from ? gte(m.spentAt, filter.from) : undefined,
    filter.to ? lt(m.spentAt, filter.to) : undefined,
    filter.sources?.length ? inArray(m.source, [...filter.sources]) : undefined,
    filter.campaignId ? eq(m.campaignId, filter.campaignId) : undefined,
    filter.voided == null ? undefined : filter.voided ? isNotNull(m.voidedAt) : isNull(m.voidedAt),
  );
  return paginate<MarketingSpendRow>(
    args,
    { column: m.spentAt, type: 'timestamptz', direction: 'desc', value: (e) => e.spentAt, idColumn: m.id, id: (e) => e.id },
    ({ bounds, orderBy, limit }) => db.select().from(m).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(m).where(where))[0]?.n ?? 0,
  );
}
