import { and, inArray } from 'drizzle-orm';
import { canSeeShop, shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import type { Channel } from '../../db/enums.js';
import { loadCampaigns } from '../campaign/campaign.service.js';
import { skus } from '../product/product.table.js';
import { loadShops } from '../shop/shop.service.js';
import type { EventIssue, ParsedEvent } from './ingest.parse.js';

/** A parsed event whose shop, SKUs and campaign were found and belong together. */
export type ValidEvent = ParsedEvent & { channel: Channel };

/**
 * The checks that need the database, for a whole batch at once: one query each for shops, SKUs and
 * campaigns, whatever the batch size.
 */
export async function validateAgainstCatalog(
  db: DbOrTx,
  viewer: Viewer,
  events: ParsedEvent[],
): Promise<{ valid: ValidEvent[]; rejected: { index: number; issues: EventIssue[] }[] }> {
  const shopIds = [...new Set(events.map((e) => e.shopId))];
  const skuIds = [...new Set(events.flatMap((e) => [...(e.items?.map((i) => i.skuId) ?? []), ...(e.skuId ? [e.skuId] : [])]))];
  const campaignIds = [...new Set(events.flatMap((e) => (e.campaignId ? [e.campaignId] : [])))];

  const [shopRows, skuRows, campaignRows] = await Promise.all([
    loadShops(db, viewer, shopIds),
    skuIds.length === 0
      ? []
      : db.select({ id: skus.id, shopId: skus.shopId }).from(skus).where(and(inArray(skus.id, skuIds), shopVisible(viewer, skus.shopId))),
    loadCampaigns(db, viewer, campaignIds),
  ]);
  const platformOf = new Map(shopRows.map((s) => [s.id, s.platform]));
  const shopOfSku = new Map(skuRows.map((s) => [s.id, s.shopId]));
  const shopsOfCampaign = new Map(campaignRows.map((c) => [c.id, new Set(c.shopIds)]));

  const valid: ValidEvent[] = [];
  const rejected: { index: number; issues: EventIssue[] }[] = [];
  for (const event of events) {
    const issues: EventIssue[] = [];
    const platform = platformOf.get(event.shopId);
    if (!canSeeShop(viewer, event.shopId)) {
      // A shop outside the caller's grant: refused as such, whether or not it exists (no existence leak).
      issues.push({ path: ['shopId'], message: 'your credential does not cover this shop', code: 'FORBIDDEN' });
    } else if (!platform) {
      issues.push({ path: ['shopId'], message: 'shop not found', code: 'NOT_FOUND' });
    } else if (event.channel && event.channel !== platform) {
      issues.push({ path: ['channel'], message: `the shop sells on ${platform}, not ${event.channel}`, code: 'INVALID_INPUT' });
    }
    if (event.skuId && shopOfSku.get(event.skuId) !== event.shopId) {
      issues.push({ path: ['skuId'], message: 'not a SKU of this shop', code: 'NOT_FOUND' });
    }
    event.items?.forEach((item, i) => {
      if (shopOfSku.get(item.skuId) !== event.shopId) {
        issues.push({ path: ['items', String(i), 'skuId'], message: 'not a SKU of this shop', code: 'NOT_FOUND' });
      }
    });
    if (event.campaignId) {
      const campaignShops = shopsOfCampaign.get(event.campaignId);
      if (!campaignShops) issues.push({ path: ['campaignId'], message: 'campaign not found', code: 'NOT_FOUND' });
      else if (!campaignShops.has(event.shopId)) {
        issues.push({ path: ['campaignId'], message: 'the shop does not take part in this campaign', code: 'INVALID_INPUT' });
      }
    }
    if (issues.length > 0 || !platform) rejected.push({ index: event.index, issues });
    else valid.push({ ...event, channel: platform });
  }
  return { valid, rejected };
}
