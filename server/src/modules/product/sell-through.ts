import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import type { Channel } from '../../db/enums.js';
import { campaigns } from '../campaign/campaign.table.js';
import { shops } from '../shop/shop.table.js';
import { products, skus } from './product.table.js';

/**
 * Sell-through (动销率, DOMAIN.md) = SKUs with a sale in the period / SKUs on sale. Both counts are of the
 * SKUs on sale now in the scope's shops, so the rate lies in [0, 1]; a SKU delisted since it sold counts in
 * neither. Units come from the SKU rollups of the scope (sources and a campaign narrow what counts as a
 * sale); which SKUs are on sale is a state of the catalogue, so only shops, channels and a campaign's shops
 * narrow the denominator.
 */
export interface SellThrough {
  skusOnSale: number;
  skusSold: number;
  /** skusSold / skusOnSale; null when no SKU is on sale. */
  rate: number | null;
}

export interface SkuScope {
  shopIds?: readonly string[] | null;
  campaignId?: string | null;
  channels?: readonly Channel[] | null;
}

/** The SKUs a scope covers: the viewer's shops, narrowed by the scope's shops, channels (the shop's platform) and campaign's shops. */
export function skuScopeCondition(viewer: Viewer, scope: SkuScope): SQL | undefined {
  return and(
    shopVisible(viewer, skus.shopId),
    scope.shopIds?.length ? inArray(skus.shopId, [...scope.shopIds]) : undefined,
    scope.channels?.length ? sql`${skus.shopId} in (select ${shops.id} from ${shops} where ${inArray(shops.platform, [...scope.channels])})` : undefined,
    scope.campaignId ? sql`${skus.shopId} = any(select unnest(${campaigns.shopIds}) from ${campaigns} where ${campaigns.id} = ${scope.campaignId})` : undefined,
  );
}

/** `soldSkuIds`: the SKUs with units sold in the window and scope (from the rollups). */
export async function loadSellThrough(db: DbOrTx, condition: SQL | undefined, soldSkuIds: readonly string[]): Promise<SellThrough> {
  const sold = soldSkuIds.length === 0 ? sql<number>`0` : sql<number>`count(*) filter (where ${skus.id} = any(${sql.param([...soldSkuIds])}::uuid[]))`;
  const [row] = await db
    .select({ onSale: count(), sold: sold.mapWith(Number) })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(products.status, 'ON_SALE'), condition));
  const skusOnSale = row?.onSale ?? 0;
  const skusSold = row?.sold ?? 0;
  return { skusOnSale, skusSold, rate: skusOnSale === 0 ? null : skusSold / skusOnSale };
}
