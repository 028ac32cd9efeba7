import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { jsonRecords } from '../../db/rows.js';
import { FactsCache, perDatabase } from '../../lib/facts-cache.js';
import { Hll, SparseHll, sketchHex } from '../../lib/hll.js';
import { DAY_MS } from '../../lib/time.js';
import { rate } from '../metrics/metrics.formulas.js';
import { productLaunchTraffic, productTrialBuyers } from './launch.table.js';
import { skuFacts } from './product.facts.js';
import { products } from './product.table.js';

/** The manuals' new-product rule: 7-day conversion ≥ 3 % → promote, else a candidate for delisting. */
export const NEW_PRODUCT_DAYS = 7;
export const PROMOTE_CONVERSION = 0.03;
const TRIAL_MS = NEW_PRODUCT_DAYS * DAY_MS;

export const NEW_PRODUCT_VERDICTS = ['PROMOTE', 'DELIST_CANDIDATE'] as const;
export type NewProductVerdict = (typeof NEW_PRODUCT_VERDICTS)[number];

/** The traffic event fields the count reads (ingestion's validated events have them). */
export interface LaunchTrafficEvent {
  type: string;
  occurredAt: Date;
  shopId: string;
  skuId: string | null;
  visitorId: string | null;
}

/** A line of a paid order as the order module counts the sale (order.apply.ts PaidLine). */
export interface LaunchSale {
  skuId: string;
  paidAt: Date;
  buyer: string | null;
}

const isProductTraffic = (e: LaunchTrafficEvent) => (e.type === 'PRODUCT_VIEW' || e.type === 'ADD_TO_CART') && e.skuId !== null;

/**
 * When each product was created, in epoch ms, cached per database: a product's creation never changes
 * and products are never deleted, so no entry can go stale (as product.facts.ts for SKUs). Ingestion
 * reads it for every product a batch views or sells, so a batch needs no query once its products are known.
 */
const creationOf: (db: DbOrTx) => FactsCache<number> = perDatabase(() => new FactsCache<number>());

/** A SKU's product and when that product's trial began (epoch ms). */
interface SkuTrial {
  productId: string;
  startsAt: number;
}

/**
 * The trials of the SKUs a batch names, read from the caches into a map of the batch's own: a cache may
 * start over between two awaits (FactsCache's bound), and what was looked up must still be there to count.
 */
export class LaunchTrials {
  private readonly bySku = new Map<string, SkuTrial>();

  /** `db` owns the caches (the database, never a transaction of it: the caches are per database). */
  private constructor(private readonly db: DbOrTx) {}

  /** The trials of the SKUs that `events` view or add to cart. */
  static async ofTraffic(db: DbOrTx, events: readonly LaunchTrafficEvent[]): Promise<LaunchTrials> {
    const skuIds = new Set<string>();
    for (const e of events) if (isProductTraffic(e)) skuIds.add(e.skuId!);
    const trials = new LaunchTrials(db);
    await trials.lookUp(db, skuIds);
    return trials;
  }

  /**
   * Adds the trials of `skuIds` not known yet (a paid order's lines may name SKUs no event of the batch
   * did), reading what the caches miss through `query`: inside a transaction, the transaction itself.
   */
  async lookUp(query: DbOrTx, skuIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(skuIds)].filter((id) => !this.bySku.has(id));
    if (missing.length === 0) return;
    const facts = await skuFacts(this.db).lookUp(query, missing);
    const productIds = [...new Set([...facts.values()].map((f) => f.productId))];
    const created = await creationOf(this.db).lookUp(productIds, async (ids) =>
      (await query.select({ id: products.id, createdAt: products.createdAt }).from(products).where(inArray(products.id, ids))).map(
        (p) => [p.id, p.createdAt.getTime()] as const,
      ),
    );
    for (const [skuId, f] of facts) {
      const startsAt = created.get(f.productId);
      if (startsAt !== undefined) this.bySku.set(skuId, { productId: f.productId, startsAt });
    }
  }

  /** The product whose trial `at` falls in, for a SKU of it; null outside its trial (nearly every event). */
  productInTrial(skuId: string, at: Date): string | null {
    const trial = this.bySku.get(skuId);
    if (!trial) return null;
    const t = at.getTime();
    return t >= trial.startsAt && t < trial.startsAt + TRIAL_MS ? trial.productId : null;
  }
}

interface ProductTally {
  productId: string;
  productViews: number;
  addToCarts: number;
  visitors: SparseHll | null;
  carters: SparseHll | null;
  /** Who paid in the trial: counted exactly (productTrialBuyers), and merged into a sketch kept from before migration 0034. */
  buyers: Set<string> | null;
}

/**
 * One batch's views, add-to-carts and sales that fall in their product's trial (its first NEW_PRODUCT_DAYS
 * days after creation), per product: one upsert for the whole batch. Made inside the batch's transaction,
 * from accepted events only, as the rollups are. Events of older products, the catalogue's great majority,
 * cost a map lookup each and write nothing.
 */
export class LaunchTally {
  private readonly tallies = new Map<string, ProductTally>();

  constructor(private readonly trials: LaunchTrials) {}

  private of(productId: string): ProductTally {
    let tally = this.tallies.get(productId);
    if (!tally) this.tallies.set(productId, (tally = { productId, productViews: 0, addToCarts: 0, visitors: null, carters: null, buyers: null }));
    return tally;
  }

  /** An accepted traffic event: a view or add-to-cart of a product in its trial counts. */
  count(e: LaunchTrafficEvent): void {
    if (!isProductTraffic(e)) return;
    const productId = this.trials.productInTrial(e.skuId!, e.occurredAt);
    if (productId === null) return;
    const tally = this.of(productId);
    // Visitor ids are per shop, as in the rollups.
    const visitor = `${e.shopId}:${e.visitorId}`;
    (tally.visitors ??= new SparseHll()).add(visitor);
    if (e.type === 'PRODUCT_VIEW') tally.productViews++;
    else {
      tally.addToCarts++;
      (tally.carters ??= new SparseHll()).add(visitor);
    }
  }

  /** The batch's sales (lines of orders counted as paid): a product paid for in its trial gains the buyer. `tx`: the batch's transaction. */
  async countSales(tx: DbOrTx, sales: readonly LaunchSale[]): Promise<void> {
    if (sales.length === 0) return;
    await this.trials.lookUp(tx, sales.map((s) => s.skuId));
    for (const sale of sales) {
      if (sale.buyer === null) continue;
      const productId = this.trials.productInTrial(sale.skuId, sale.paidAt);
      if (productId !== null) (this.of(productId).buyers ??= new Set()).add(sale.buyer);
    }
  }

  /**
   * The batch's statements, none when nothing counted: the products' rows upserted in product order (every
   * batch locks them in that order), then the trial's buyers inserted in key order, and merged into the
   * sketches rows kept from before migration 0034 (only rows the upsert has just locked).
   */
  statements(): SQL[] {
    if (this.tallies.size === 0) return [];
    const tallies = [...this.tallies.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
    const records = tallies.map((t) => ({ p: t.productId, v: t.productViews, c: t.addToCarts, vis: sketchHex(t.visitors), cart: sketchHex(t.carters) }));
    const statements = [
      sql`
      insert into product_launch_traffic (product_id, product_views, add_to_carts, visitors, carters)
      select p, v, c, decode(vis, 'hex'), decode(cart, 'hex')
      from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(p uuid, v int, c int, vis text, cart text)
      on conflict (product_id) do update set
        product_views = product_launch_traffic.product_views + excluded.product_views,
        add_to_carts = product_launch_traffic.add_to_carts + excluded.add_to_carts,
        visitors = peakops_hll_union(product_launch_traffic.visitors, excluded.visitors),
        carters = peakops_hll_union(product_launch_traffic.carters, excluded.carters)`,
    ];
    const buyers = tallies.filter((t) => t.buyers !== null);
    if (buyers.length === 0) return statements;
    // Inserted in the statement's key order (its ORDER BY), the same in every batch.
    const keys = buyers.flatMap((t) => [...t.buyers!].map((b) => ({ p: t.productId, b })));
    statements.push(
      sql`
      insert into product_trial_buyers (product_id, buyer)
      select p, b from jsonb_to_recordset(${jsonRecords(keys)}::jsonb) as r(p uuid, b text) order by p, b
      on conflict do nothing`,
    );
    const sketches = buyers.map((t) => {
      const sketch = new SparseHll();
      for (const b of t.buyers!) sketch.add(b);
      return { p: t.productId, buy: sketchHex(sketch) };
    });
    statements.push(
      sql`
      update product_launch_traffic t set buyers = peakops_hll_union(t.buyers, decode(r.buy, 'hex'))
      from jsonb_to_recordset(${jsonRecords(sketches)}::jsonb) as r(p uuid, buy text)
      where t.product_id = r.p and t.buyers is not null`,
    );
    return statements;
  }
}


/** What was counted of a product's trial. */
export interface LaunchCounts {
  productViews: number;
  addToCarts: number;
  visitors: number;
  carters: number;
  buyers: number;
}

const NONE: LaunchCounts = { productViews: 0, addToCarts: 0, visitors: 0, carters: 0, buyers: 0 };

/**
 * The trial counts of `productIds`, in their order, for the products the viewer may see (others read as
 * nothing counted): one indexed statement for any number of products.
 */
export async function launchCounts(db: DbOrTx, viewer: Viewer, productIds: readonly string[]): Promise<LaunchCounts[]> {
  if (productIds.length === 0) return [];
  const found = await db
    .select({
      productId: productLaunchTraffic.productId,
      productViews: productLaunchTraffic.productViews,
      addToCarts: productLaunchTraffic.addToCarts,
      visitors: productLaunchTraffic.visitors,
      carters: productLaunchTraffic.carters,
      buyersSketch: productLaunchTraffic.buyers,
      buyers: sql<number>`(select count(*)::int from ${productTrialBuyers} where ${productTrialBuyers.productId} = ${productLaunchTraffic.productId})`.mapWith(Number),
    })
    .from(productLaunchTraffic)
    .innerJoin(products, eq(products.id, productLaunchTraffic.productId))
    .where(and(inArray(productLaunchTraffic.productId, [...productIds]), shopVisible(viewer, products.shopId)));
  const byProduct = new Map(found.map((t) => [t.productId, t]));
  return productIds.map((id) => {
    const t = byProduct.get(id);
    if (!t) return NONE;
    const estimate = (sketch: Uint8Array | null) => new Hll().merge(sketch).estimate();
    // A trial counted before migration 0034 keeps its buyers' sketch, which has every later buyer merged in.
    const buyers = t.buyersSketch === null ? t.buyers : estimate(t.buyersSketch);
    return { productViews: t.productViews, addToCarts: t.addToCarts, visitors: estimate(t.visitors), carters: estimate(t.carters), buyers };
  });
}

/** A product's trial and what the rule makes of it. */
export interface Launch extends LaunchCounts {
  startedAt: Date;
  endsAt: Date;
  complete: boolean;
  conversionRate: number | null;
  addToCartRate: number | null;
  verdict: NewProductVerdict | null;
}

/**
 * The rule applied: conversion = buyers / visitors of the trial (DOMAIN.md's conversion, for one product).
 * No verdict while the trial runs, nor without a single recorded visitor (the producer may not send the
 * SKU of its product views: then there is nothing to judge, rather than a delisting).
 */
export function judgeLaunch(createdAt: Date, counts: LaunchCounts, now: Date): Launch {
  const endsAt = new Date(createdAt.getTime() + TRIAL_MS);
  const complete = now.getTime() >= endsAt.getTime();
  const conversionRate = counts.visitors > 0 ? rate(counts.buyers, counts.visitors) : null;
  const addToCartRate = counts.visitors > 0 ? rate(counts.carters, counts.visitors) : null;
  const verdict = !complete || conversionRate === null ? null : conversionRate >= PROMOTE_CONVERSION ? 'PROMOTE' : 'DELIST_CANDIDATE';
  return { ...counts, startedAt: createdAt, endsAt, complete, conversionRate, addToCartRate, verdict };
}
