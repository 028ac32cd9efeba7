import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { jsonRecords, rows } from '../../db/rows.js';
import { FactsCache, perDatabase } from '../../lib/facts-cache.js';
import { Hll, SparseHll } from '../../lib/hll.js';
import { DAY_MS } from '../../lib/time.js';
import { rate } from '../metrics/metrics.formulas.js';
import { orderItems, orders } from '../order/order.table.js';
import { productLaunchTraffic } from './launch.table.js';
import { skuFacts, type SkuFactsCache } from './product.facts.js';
import { products, skus } from './product.table.js';

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

const counted = (e: LaunchTrafficEvent) => (e.type === 'PRODUCT_VIEW' || e.type === 'ADD_TO_CART') && e.skuId !== null;

/**
 * When each product was created, in epoch ms, cached per database: a product's creation never changes
 * and products are never deleted, so no entry can go stale (as product.facts.ts for SKUs). Ingestion
 * reads it for every product view, so a batch needs no query once its products are known.
 */
const creationOf: (db: DbOrTx) => FactsCache<number> = perDatabase(() => new FactsCache<number>());

interface ProductTally {
  productId: string;
  productViews: number;
  addToCarts: number;
  visitors: SparseHll;
  carters: SparseHll | null;
}

/**
 * A batch's product views and add-to-carts that fall in their product's trial (its first
 * NEW_PRODUCT_DAYS days after creation), per product: one upsert for the whole batch. Events of older
 * products, the catalogue's great majority, cost two map lookups each and write nothing.
 */
export class LaunchTraffic {
  private readonly tallies = new Map<string, ProductTally>();

  private constructor(
    private readonly facts: SkuFactsCache,
    private readonly created: FactsCache<number>,
  ) {}

  /**
   * Ready to count `events`: the creation of every product they view is known once this resolves. Their
   * SKUs must have been looked up already (ingestion's catalog check does it).
   */
  static async forBatch(db: DbOrTx, events: readonly LaunchTrafficEvent[]): Promise<LaunchTraffic> {
    const facts = skuFacts(db);
    const created = creationOf(db);
    const productIds = new Set<string>();
    for (const e of events) {
      if (!counted(e)) continue;
      const productId = facts.get(e.skuId!)?.productId;
      if (productId !== undefined && created.get(productId) === undefined) productIds.add(productId);
    }
    if (productIds.size > 0) {
      await created.lookUp([...productIds], async (missing) =>
        (await db.select({ id: products.id, createdAt: products.createdAt }).from(products).where(inArray(products.id, missing))).map(
          (p) => [p.id, p.createdAt.getTime()] as const,
        ),
      );
    }
    return new LaunchTraffic(facts, created);
  }

  /** Counts an accepted event if it is a view or add-to-cart of a product still in its trial when it happened. */
  count(e: LaunchTrafficEvent): void {
    if (!counted(e)) return;
    const productId = this.facts.get(e.skuId!)?.productId;
    if (productId === undefined) return;
    const created = this.created.get(productId);
    const at = e.occurredAt.getTime();
    if (created === undefined || at < created || at >= created + TRIAL_MS) return;
    let tally = this.tallies.get(productId);
    if (!tally) this.tallies.set(productId, (tally = { productId, productViews: 0, addToCarts: 0, visitors: new SparseHll(), carters: null }));
    // Visitor ids are per shop, as in the rollups.
    const visitor = `${e.shopId}:${e.visitorId}`;
    tally.visitors.add(visitor);
    if (e.type === 'PRODUCT_VIEW') tally.productViews++;
    else {
      tally.addToCarts++;
      (tally.carters ??= new SparseHll()).add(visitor);
    }
  }

  /** The batch's upsert, rows in product order (every batch locks them in that order); null when nothing counted. */
  statement(): SQL | null {
    if (this.tallies.size === 0) return null;
    const records = [...this.tallies.values()]
      .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
      .map((t) => ({ p: t.productId, v: t.productViews, c: t.addToCarts, vis: hex(t.visitors), cart: t.carters ? hex(t.carters) : null }));
    return sql`
      insert into product_launch_traffic (product_id, product_views, add_to_carts, visitors, carters)
      select p, v, c, decode(vis, 'hex'), decode(cart, 'hex')
      from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(p uuid, v int, c int, vis text, cart text)
      on conflict (product_id) do update set
        product_views = product_launch_traffic.product_views + excluded.product_views,
        add_to_carts = product_launch_traffic.add_to_carts + excluded.add_to_carts,
        visitors = peakops_hll_union(product_launch_traffic.visitors, excluded.visitors),
        carters = peakops_hll_union(product_launch_traffic.carters, excluded.carters)`;
  }
}

const hex = (sketch: SparseHll) => Buffer.from(sketch.toBytes()).toString('hex');

/** What was counted of a product's trial: traffic from its row, buyers exactly from the orders. */
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
 * nothing counted). Buyers: distinct customers with a paid order holding one of the product's SKUs, paid
 * in the trial (refunds not deducted, as for `buyers` everywhere). Two statements for any number of products.
 */
export async function launchCounts(db: DbOrTx, viewer: Viewer, productIds: readonly string[]): Promise<LaunchCounts[]> {
  if (productIds.length === 0) return [];
  const ids = [...productIds];
  const [traffic, buyers] = await Promise.all([
    db
      .select({
        productId: productLaunchTraffic.productId,
        productViews: productLaunchTraffic.productViews,
        addToCarts: productLaunchTraffic.addToCarts,
        visitors: productLaunchTraffic.visitors,
        carters: productLaunchTraffic.carters,
      })
      .from(productLaunchTraffic)
      .innerJoin(products, sql`${products.id} = ${productLaunchTraffic.productId}`)
      .where(and(inArray(productLaunchTraffic.productId, ids), shopVisible(viewer, products.shopId))),
    rows<{ product_id: string; buyers: number | string }>(
      db,
      sql`select ${skus.productId} as product_id, count(distinct ${orders.customerId}) as buyers
        from ${skus}
        join ${products} on ${products.id} = ${skus.productId}
        join ${orderItems} on ${orderItems.skuId} = ${skus.id}
        join ${orders} on ${orders.id} = ${orderItems.orderId}
        where ${inArray(skus.productId, ids)} ${viewerCondition(viewer)}
          and ${orders.paidAt} >= ${products.createdAt}
          and ${orders.paidAt} < ${products.createdAt} + ${`${NEW_PRODUCT_DAYS} days`}::interval
        group by ${skus.productId}`,
    ),
  ]);
  const byProduct = new Map(traffic.map((t) => [t.productId, t]));
  const buyersOf = new Map(buyers.map((b) => [b.product_id, Number(b.buyers)]));
  return ids.map((id) => {
    const t = byProduct.get(id);
    const b = buyersOf.get(id) ?? 0;
    if (!t) return { ...NONE, buyers: b };
    return {
      productViews: t.productViews,
      addToCarts: t.addToCarts,
      visitors: new Hll().merge(t.visitors).estimate(),
      carters: new Hll().merge(t.carters).estimate(),
      buyers: b,
    };
  });
}

function viewerCondition(viewer: Viewer): SQL {
  const visible = shopVisible(viewer, skus.shopId);
  return visible ? sql`and ${visible}` : sql``;
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
