import { and, count, inArray, sql, type SQL } from 'drizzle-orm';
import { assertShopsInGrant, shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { rows } from '../../db/rows.js';
import { RFM_SEGMENTS, rfmSegmentSql, type RfmSegment } from './customer.rfm.js';
import { customers, type CustomerRow } from './customer.table.js';

/**
 * Membership tiers by cumulative spend net of refunds (spendFen − refundedFen), from the manuals:
 * SILVER ≥ ¥500, GOLD ≥ ¥2,000, DIAMOND ≥ ¥5,000. A refund that takes net spend below a line drops the tier.
 */
export const MEMBERSHIP_TIERS = ['NORMAL', 'SILVER', 'GOLD', 'DIAMOND'] as const;
export type MembershipTier = (typeof MEMBERSHIP_TIERS)[number];
const TIER_FLOORS_FEN: Record<MembershipTier, number> = { NORMAL: 0, SILVER: 50_000, GOLD: 200_000, DIAMOND: 500_000 };

export function membershipTier(spendFen: number, refundedFen = 0): MembershipTier {
  const net = spendFen - refundedFen;
  if (net >= TIER_FLOORS_FEN.DIAMOND) return 'DIAMOND';
  if (net >= TIER_FLOORS_FEN.GOLD) return 'GOLD';
  if (net >= TIER_FLOORS_FEN.SILVER) return 'SILVER';
  return 'NORMAL';
}

function tierCondition(tier: MembershipTier): SQL | undefined {
  const index = MEMBERSHIP_TIERS.indexOf(tier);
  const next = MEMBERSHIP_TIERS[index + 1];
  const net = sql`(${customers.spendFen} - ${customers.refundedFen})`;
  return and(sql`${net} >= ${TIER_FLOORS_FEN[tier]}`, next ? sql`${net} < ${TIER_FLOORS_FEN[next]}` : undefined);
}

export async function loadCustomers(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(customers)
    .where(and(inArray(customers.id, [...ids]), shopVisible(viewer, customers.shopId)));
}

export function listCustomers(
  db: DbOrTx,
  viewer: Viewer,
  filter: { shopIds?: readonly string[] | null; tier?: MembershipTier | null; segment?: RfmSegment | null },
  args: ConnectionArgs,
  now: Date,
) {
  const where = and(
    shopVisible(viewer, customers.shopId),
    filter.shopIds?.length ? inArray(customers.shopId, [...filter.shopIds]) : undefined,
    filter.tier ? tierCondition(filter.tier) : undefined,
    filter.segment ? sql`${rfmSegmentSql(now)} = ${filter.segment}` : undefined,
  );
  return paginate<CustomerRow>(
    args,
    { column: customers.createdAt, type: 'timestamptz', direction: 'asc', value: (c) => c.createdAt, idColumn: customers.id, id: (c) => c.id },
    ({ bounds, orderBy, limit }) => db.select().from(customers).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(customers).where(where))[0]?.n ?? 0,
  );
}

export interface SegmentSummary {
  segment: RfmSegment;
  customers: number;
  paidOrders: number;
  spendFen: number;
  netSpendFen: number;
  /** Of all customers in the scope. */
  share: number;
  /** Customers with ≥ 2 paid orders / customers with ≥ 1, within the segment; null without buyers. */
  repurchaseRate: number | null;
}

/** Per RFM segment, from the customers table, for the caller's shops (or the named ones, which must be visible). */
export async function customerSegments(db: DbOrTx, viewer: Viewer, shopIds: readonly string[] | null, now: Date): Promise<SegmentSummary[]> {
  assertShopsInGrant(viewer, shopIds, ['shopIds']);
  const where = and(shopVisible(viewer, customers.shopId), shopIds ? inArray(customers.shopId, [...shopIds]) : undefined) ?? sql`true`;
  const found = await rows<{ segment: RfmSegment; customers: string | number; paid_orders: string | number; spend: string | number; refunded: string | number; buyers: string | number; repeat: string | number }>(
    db,
    sql`select ${rfmSegmentSql(now)} as segment, count(*) as customers, coalesce(sum(${customers.paidOrders}), 0) as paid_orders,
          coalesce(sum(${customers.spendFen}), 0) as spend, coalesce(sum(${customers.refundedFen}), 0) as refunded,
          count(*) filter (where ${customers.paidOrders} >= 1) as buyers, count(*) filter (where ${customers.paidOrders} >= 2) as repeat
        from ${customers} where ${where} group by 1`,
  );
  const total = found.reduce((sum, r) => sum + Number(r.customers), 0);
  return RFM_SEGMENTS.map((segment) => {
    const r = found.find((f) => f.segment === segment);
    const n = Number(r?.customers ?? 0);
    const buyers = Number(r?.buyers ?? 0);
    return {
      segment,
      customers: n,
      paidOrders: Number(r?.paid_orders ?? 0),
      spendFen: Number(r?.spend ?? 0),
      netSpendFen: Number(r?.spend ?? 0) - Number(r?.refunded ?? 0),
      share: total === 0 ? 0 : n / total,
      repurchaseRate: buyers === 0 ? null : Number(r?.repeat ?? 0) / buyers,
    };
  });
}
