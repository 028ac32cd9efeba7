import type { DbOrTx } from '../../db/client.js';
import { recentShopRuleSettings, unshippedCutoffs } from '../alert/rules/settings-in-force.js';
import { HOUR_MS } from '../../lib/time.js';
import { countUnshippedOverdue, type ShopCutoff } from '../order/order.service.js';
import { shops } from '../shop/shop.table.js';
import type { ScopeConditions } from './metrics.service.js';

/**
 * Paid orders of the scope still unshipped past their shop's own deadline at `at`: each shop held to its
 * UNSHIPPED_OVERDUE hours as the alert engine resolves them at that moment (a campaign under way over
 * the shop, the shop, the installation, 24 h), through the same cutoffs and the same counting statement,
 * so the tile and the alert name the same orders. Counted whether or not the rule is enabled or its
 * minimum sample reached, and for inactive shops too (which the engine does not judge): those decide
 * whether an alert opens, not whether an order is late.
 *
 * Live topics run this every tick, so the usual case costs what the fixed 24 h did: one count. The rule's
 * settings come from a read shared by every topic for up to a second (recentShopRuleSettings; a write
 * here is seen at once); when no shop's setting differs from the installation's, one cutoff serves every
 * shop. Only when some do are the scope's shops read, to hold each to its own.
 */
export async function loadUnshippedOverdue(db: DbOrTx, scope: ScopeConditions, at: Date): Promise<number> {
  const settings = await recentShopRuleSettings(db, 'UNSHIPPED_OVERDUE', at);
  let cutoff: Date | ShopCutoff[];
  if (!settings.variesByShop('UNSHIPPED_OVERDUE')) cutoff = new Date(at.getTime() - settings.resolve('UNSHIPPED_OVERDUE', {}).threshold * HOUR_MS);
  else {
    const inScope = await db.select({ id: shops.id }).from(shops).where(scope.shops);
    // A viewer without shops, or a scope whose channels no shop is on: nothing to count.
    if (inScope.length === 0) return 0;
    cutoff = unshippedCutoffs(settings, inScope.map((shop) => shop.id), at);
  }
  const overdue = await countUnshippedOverdue(db, scope, cutoff);
  return overdue.reduce((sum, shop) => sum + shop.count, 0);
}
