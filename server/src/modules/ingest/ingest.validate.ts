import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { Db } from '../../db/client.js';
import type { Channel } from '../../db/enums.js';
import { attributionIssues, type AttributionLookups } from '../campaign/attribution.js';
import { campaignsForAttribution } from '../campaign/campaign.service.js';
import { catalogCache } from './ingest.catalog.js';
import type { ItemIssue } from '../../lib/validate.js';
import type { ParsedEvent } from './ingest.parse.js';

/** A parsed event whose shop, SKUs and campaign were found and belong together. */
export type ValidEvent = ParsedEvent & { channel: Channel };

/**
 * The checks that need the database, for a whole batch at once: at most one query each for shops,
 * SKUs (both cached: ingest.catalog.ts) and campaigns, whatever the batch size.
 */
export async function validateAgainstCatalog(
  db: Db,
  viewer: Viewer,
  events: ParsedEvent[],
): Promise<{ valid: ValidEvent[]; rejected: { index: number; issues: ItemIssue[] }[] }> {
  // Only shops the caller may see are looked up: a foreign shop is refused before its existence is known.
  const shopIds = [...new Set(events.map((e) => e.shopId))].filter((id) => canSeeShop(viewer, id));
  // Plain loops: a batch has up to 5,000 events, and arrays made per event only fed the sets.
  const skuIds = new Set<string>();
  const campaignIds = new Set<string>();
  for (const e of events) {
    if (e.skuId) skuIds.add(e.skuId);
    if (e.items) for (const item of e.items) skuIds.add(item.skuId);
    if (e.campaignId) campaignIds.add(e.campaignId);
  }

  const catalog = catalogCache(db);
  const [platformOf, skuShops, campaignRows] = await Promise.all([
    catalog.shopPlatforms(db, shopIds),
    catalog.skuShops(db, [...skuIds]),
    campaignsForAttribution(db, viewer, [...campaignIds]),
  ]);
  // A SKU of a shop outside the caller's grant does not exist for them, whatever event names it.
  const shopOfSku = new Map([...skuShops].filter(([, shopId]) => canSeeShop(viewer, shopId)));
  const lookups: AttributionLookups = { platformOf, shopsOfCampaign: new Map(campaignRows.map((c) => [c.id, new Set(c.shopIds)])) };

  const valid: ValidEvent[] = [];
  const rejected: { index: number; issues: ItemIssue[] }[] = [];
  for (const event of events) {
    const issues = attributionIssues(viewer, event, lookups);
    const platform = lookups.platformOf.get(event.shopId);
    if (event.skuId && shopOfSku.get(event.skuId) !== event.shopId) {
      issues.push({ path: ['skuId'], message: 'not a SKU of this shop', messageZh: '不是该店铺的 SKU', code: 'NOT_FOUND' });
    }
    event.items?.forEach((item, i) => {
      if (shopOfSku.get(item.skuId) !== event.shopId) {
        issues.push({ path: ['items', String(i), 'skuId'], message: 'not a SKU of this shop', messageZh: '不是该店铺的 SKU', code: 'NOT_FOUND' });
      }
    });
    if (issues.length > 0 || !platform) rejected.push({ index: event.index, issues });
    else {
      // The parsed event belongs to this batch alone: it is completed in place rather than copied.
      const ready = event as ValidEvent;
      ready.channel = platform;
      valid.push(ready);
    }
  }
  return { valid, rejected };
}
