import { and, count, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { customers, type CustomerRow } from './customer.table.js';

/** Membership tiers by cumulative spend, from the manuals: SILVER ≥ ¥500, GOLD ≥ ¥2,000, DIAMOND ≥ ¥5,000. */
export const MEMBERSHIP_TIERS = ['NORMAL', 'SILVER', 'GOLD', 'DIAMOND'] as const;
export type MembershipTier = (typeof MEMBERSHIP_TIERS)[number];
const TIER_FLOORS_FEN: Record<MembershipTier, number> = { NORMAL: 0, SILVER: 50_000, GOLD: 200_000, DIAMOND: 500_000 };

export function membershipTier(spendFen: number): MembershipTier {
  if (spendFen >= TIER_FLOORS_FEN.DIAMOND) return 'DIAMOND';
  if (spendFen >= TIER_FLOORS_FEN.GOLD) return 'GOLD';
  if (spendFen >= TIER_FLOORS_FEN.SILVER) return 'SILVER';
  return 'NORMAL';
}

function tierCondition(tier: MembershipTier): SQL | undefined {
  const index = MEMBERSHIP_TIERS.indexOf(tier);
  const next = MEMBERSHIP_TIERS[index + 1];
  return and(gte(customers.spendFen, TIER_FLOORS_FEN[tier]), next ? lt(customers.spendFen, TIER_FLOORS_FEN[next]) : undefined);
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
  filter: { shopIds?: readonly string[] | null; tier?: MembershipTier | null },
  args: ConnectionArgs,
) {
  const where = and(
    shopVisible(viewer, customers.shopId),
    filter.shopIds ? inArray(customers.shopId, [...filter.shopIds]) : undefined,
    filter.tier ? tierCondition(filter.tier) : undefined,
  );
  return paginate<CustomerRow>(
    args,
    { column: customers.createdAt, type: 'timestamptz', direction: 'asc', value: (c) => c.createdAt, idColumn: customers.id, id: (c) => c.id },
    ({ bounds, orderBy, limit }) => db.select().from(customers).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(customers).where(where))[0]?.n ?? 0,
  );
}
