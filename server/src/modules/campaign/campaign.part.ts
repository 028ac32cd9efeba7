import { sql, type SQL } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer.js';
import { campaigns, type CampaignRow } from './campaign.table.js';

/**
 * Who sees a campaign, and what of it. A viewer over every shop of the campaign sees all of it. A viewer
 * over some of its shops (a shop's own operator, a partner in a multi-shop 双11) sees their part once the
 * target is split by shop (目标拆解): their shops, their shops' targets, and figures of their shops only.
 * Without a split their part has no target to be judged by, so the campaign stays out of their sight.
 */
export function campaignSeenBy(viewer: Viewer): SQL | undefined {
  if (viewer.shops === 'ALL') return undefined;
  const ids = sql.param([...viewer.shops]);
  return sql`(${campaigns.shopIds} <@ ${ids}::uuid[] or (${campaigns.shopTargetsFen} is not null and ${campaigns.shopIds} && ${ids}::uuid[]))`;
}

/** The same rule for a row in hand. */
export function seesCampaign(viewer: Viewer, campaign: Pick<CampaignRow, 'shopIds' | 'shopTargetsFen'>): boolean {
  if (viewer.shops === 'ALL') return true;
  const { shops } = viewer;
  if (campaign.shopIds.every((id) => shops.has(id))) return true;
  return campaign.shopTargetsFen != null && campaign.shopIds.some((id) => shops.has(id));
}

/** True when the viewer sees every shop of the campaign: edits of a campaign, its milestones and its record need this. */
export function seesWholeCampaign(viewer: Viewer, campaign: Pick<CampaignRow, 'shopIds'>): boolean {
  if (viewer.shops === 'ALL') return true;
  const { shops } = viewer;
  return campaign.shopIds.every((id) => shops.has(id));
}

/**
 * The campaign as this viewer sees it: whole, or cut to their part (their shops, the sum of their shops'
 * targets, marked `partial`). Everything downstream (progress, plan curve, pace, retrospective) then
 * judges the part by its own target. Call only with a row the viewer sees (seesCampaign).
 */
export function campaignPartFor(viewer: Viewer, campaign: CampaignRow): CampaignRow {
  if (seesWholeCampaign(viewer, campaign) || viewer.shops === 'ALL') return campaign;
  const { shops } = viewer;
  return campaignPartOf(campaign, campaign.shopIds.filter((id) => shops.has(id)));
}

/** A split campaign cut to some of its shops: those shops, the sum of their targets, marked `partial`. */
export function campaignPartOf(campaign: CampaignRow, shopIds: readonly string[]): CampaignRow {
  const targets = campaign.shopTargetsFen ?? {};
  const shopTargetsFen = Object.fromEntries(shopIds.map((id) => [id, targets[id] ?? 0]));
  const gmvTargetFen = shopIds.reduce((sum, id) => sum + (targets[id] ?? 0), 0);
  return { ...campaign, shopIds: [...shopIds], shopTargetsFen, gmvTargetFen, partial: true };
}
