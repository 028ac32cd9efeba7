import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { lowStockLine, type EffectiveSettings, type RuleSettingsIndex } from '../alert/rules/rule-settings.js';
import { recentShopRuleSettings } from '../alert/rules/settings-in-force.js';
import { skus } from './product.table.js';

/**
 * The low-stock lines in force (库存预警): the LOW_STOCK alert's, resolved as the engine resolves them (a
 * campaign under way beats the shop, the shop beats the installation, else the SKU's own line), so the
 * products page never calls a SKU low that the alert does not, or the other way round.
 */
export class LowStockLines {
  constructor(private readonly settings: RuleSettingsIndex) {}

  /** The line one SKU is judged by. */
  of(sku: { shopId: string; lowStockThreshold: number }): number {
    return lowStockLine(this.settings, sku);
  }

  /**
   * A SKU (of the `skus` table in scope) at or below its line, as SQL: one CASE over the few shops a setting
   * sets apart, the installation's line (or the SKU's own) for every other shop.
   */
  condition(): SQL {
    const lineOf = (s: EffectiveSettings): SQL => (s.thresholdIsExplicit ? sql`${Math.trunc(s.threshold)}::integer` : sql`${skus.lowStockThreshold}`);
    const otherwise = lineOf(this.settings.resolve('LOW_STOCK', {}));
    const apart = this.settings
      .shopsSetApart('LOW_STOCK')
      .map((shopId) => sql`when ${skus.shopId} = ${shopId} then ${lineOf(this.settings.resolveForShop('LOW_STOCK', shopId))}`);
    const line = apart.length === 0 ? otherwise : sql`(case ${sql.join(apart, sql` `)} else ${otherwise} end)`;
    return sql`${skus.stock} <= ${line}`;
  }
}

/**
 * The lines in force at `at`, read through the settings read the fulfilment tile shares (one or two
 * statements, at most once a second per instance, fresh after a change written here): a page of products,
 * or a live tick's top products, costs no statement per SKU.
 */
export async function lowStockLinesAt(db: DbOrTx, at: Date): Promise<LowStockLines> {
  return new LowStockLines(await recentShopRuleSettings(db, 'LOW_STOCK', at));
}
