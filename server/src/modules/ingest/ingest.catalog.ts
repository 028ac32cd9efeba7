import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Channel } from '../../db/enums.js';
import { skus } from '../product/product.table.js';
import { shops } from '../shop/shop.table.js';

/**
 * The catalog facts ingestion checks on every event — a shop's platform, a SKU's shop — cached per
 * database so a batch usually needs no catalog query at all.
 *
 * Only facts that never change once written are cached, and only rows that were found:
 * - a shop's platform is set by createShop and updateShop cannot change it; shops are never deleted;
 * - a SKU's shop is set when the SKU is created (skus.shop_id) and updateSku cannot move it; SKUs are
 *   never deleted; prices are not looked up (an event carries its own unit prices).
 * So no entry can go stale: a SKU or shop created a moment ago — on this instance or any other — is a
 * miss, looked up and found; a price or stock change touches nothing cached. That is why there is no
 * invalidation and no Redis notice. Campaigns are not cached: updateCampaign changes a campaign's
 * shops, and the check "the shop takes part in this campaign" must see that at once on every instance.
 * Visibility is not cached either: the caller's grant is checked against the shop id every time.
 */
export class CatalogCache {
  /** Far above any real catalog. */
  static readonly MAX_ENTRIES = 200_000;
  private readonly platformOfShop = new Map<string, Channel>();
  private readonly shopOfSku = new Map<string, string>();

  shopPlatforms(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Channel>> {
    return lookUp(this.platformOfShop, ids, async (missing) =>
      (await db.select({ id: shops.id, platform: shops.platform }).from(shops).where(inArray(shops.id, missing))).map((s) => [s.id, s.platform]),
    );
  }

  skuShops(db: DbOrTx, ids: readonly string[]): Promise<Map<string, string>> {
    return lookUp(this.shopOfSku, ids, async (missing) =>
      (await db.select({ id: skus.id, shopId: skus.shopId }).from(skus).where(inArray(skus.id, missing))).map((s) => [s.id, s.shopId]),
    );
  }
}

/** The cached values of `ids`, loading the missing ones first; ids not found are left out (and not cached). */
async function lookUp<V>(cache: Map<string, V>, ids: readonly string[], load: (missing: string[]) => Promise<[string, V][]>): Promise<Map<string, V>> {
  const missing = ids.filter((id) => !cache.has(id));
  if (missing.length > 0) {
    const found = await load(missing);
    // Past the bound the cache starts over rather than grow without limit.
    if (cache.size + found.length > CatalogCache.MAX_ENTRIES) cache.clear();
    for (const [key, value] of found) cache.set(key, value);
  }
  return pick(cache, ids);
}

function pick<V>(map: Map<string, V>, ids: readonly string[]): Map<string, V> {
  const result = new Map<string, V>();
  for (const id of ids) {
    const value = map.get(id);
    if (value !== undefined) result.set(id, value);
  }
  return result;
}

const caches = new WeakMap<object, CatalogCache>();

/** The cache of one database (the tests run PGlite and PostgreSQL side by side in one process). */
export function catalogCache(db: DbOrTx): CatalogCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CatalogCache()));
  return cache;
}
