import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { FactsCache, perDatabase } from '../../lib/facts-cache.js';
import { skus, type SkuRow } from './product.table.js';

/** What a SKU is, as opposed to what it holds (price, cost, stock, thresholds, which change). */
export type SkuFacts = Pick<SkuRow, 'id' | 'shopId' | 'productId' | 'code'>;

/**
 * The facts of SKUs that never change once written, cached per database: a SKU's shop, product and code
 * are set when it is created, updateSku cannot change any of them, and SKUs are never deleted. So no
 * entry can go stale, on this instance or any other: a SKU created a moment ago is a miss, read and
 * remembered; a price or stock change touches nothing cached. That is why there is no invalidation and
 * no Redis notice. Ingestion checks an event's SKUs against their shop here, and an order's lines name
 * their SKU's code from here without a query (product.schema.ts).
 *
 * It holds facts only, never visibility: whoever reads an entry checks the caller's grant on its shop.
 */
export class SkuFactsCache {
  private readonly facts = new FactsCache<SkuFacts>();

  get(id: string): SkuFacts | undefined {
    return this.facts.get(id);
  }

  /** Keeps the facts of rows read elsewhere (the SKU loader), so the next reader needs no query. */
  remember(rows: readonly SkuFacts[]): void {
    // A page asking for prices loads the same SKUs every time: only the new ones are copied.
    const fresh = rows.filter((r) => this.facts.get(r.id) === undefined);
    if (fresh.length > 0) this.facts.remember(fresh.map((r) => [r.id, { id: r.id, shopId: r.shopId, productId: r.productId, code: r.code }] as const));
  }

  /** The facts of `ids`, reading the missing ones first; ids not found are left out (and not cached). */
  lookUp(db: DbOrTx, ids: readonly string[]): Promise<Map<string, SkuFacts>> {
    return this.facts.lookUp(ids, async (missing) =>
      (await db.select({ id: skus.id, shopId: skus.shopId, productId: skus.productId, code: skus.code }).from(skus).where(inArray(skus.id, missing))).map(
        (r) => [r.id, r] as const,
      ),
    );
  }
}

/** The cache of one database. */
export const skuFacts: (db: DbOrTx) => SkuFactsCache = perDatabase(() => new SkuFactsCache());
