import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Channel } from '../../db/enums.js';
import { FactsCache, perDatabase } from '../../lib/facts-cache.js';
import { skuFacts } from '../product/product.facts.js';
import { shops } from '../shop/shop.table.js';

/**
 * The catalog facts ingestion checks on every event — a shop's platform, a SKU's shop — cached per
 * database so a batch usually needs no catalog query at all.
 *
 * Only facts that never change once written are cached, and only rows that were found:
 * - a shop's platform is set by createShop and updateShop cannot change it; shops are never deleted;
 * - a SKU's shop is set when the SKU is created (skus.shop_id) and updateSku cannot move it; SKUs are
 *   never deleted; prices are not looked up (an event carries its own unit prices). The product module
 *   keeps those facts (product.facts.ts), for the order lines' SKU codes as well.
 * So no entry can go stale: a SKU or shop created a moment ago — on this instance or any other — is a
 * miss, looked up and found; a price or stock change touches nothing cached. That is why there is no
 * invalidation and no Redis notice. Campaigns are not cached: updateCampaign changes a campaign's
 * shops, and the check "the shop takes part in this campaign" must see that at once on every instance.
 * Visibility is not cached either: the caller's grant is checked against the shop id every time.
 */
export class CatalogCache {
  private readonly platformOfShop = new FactsCache<Channel>();

  shopPlatforms(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Channel>> {
    return this.platformOfShop.lookUp(ids, async (missing) =>
      (await db.select({ id: shops.id, platform: shops.platform }).from(shops).where(inArray(shops.id, missing))).map((s) => [s.id, s.platform] as const),
    );
  }

  async skuShops(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
    const shopOf = new Map<string, string>();
    for (const [id, facts] of await skuFacts(db).lookUp(db, ids)) shopOf.set(id, facts.shopId);
    return shopOf;
  }
}

/** The cache of one database. */
export const catalogCache: (db: DbOrTx) => CatalogCache = perDatabase(() => new CatalogCache());
