import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { Channel } from '../../db/enums.js';
import type { ItemIssue } from '../../lib/validate.js';

/** Where an ingested entry — a producer event, a spend entry — is counted. */
export interface Attribution {
  shopId: string;
  channel?: Channel | null;
  campaignId?: string | null;
}

/** What a batch's checks need, looked up once for the whole batch by the caller. */
export interface AttributionLookups {
  /** The platform of each shop the caller may see that exists. */
  platformOf: ReadonlyMap<string, Channel>;
  /** The shops of each campaign the caller may see that exists. */
  shopsOfCampaign: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The catalog checks every ingested entry passes, events and spend alike: the shop within the caller's
 * grant (refused as such whether or not it exists: no existence leak), existing, and selling on the
 * channel named; the campaign existing, with the shop taking part. Every problem is reported at once.
 */
export function attributionIssues(viewer: Viewer, entry: Attribution, { platformOf, shopsOfCampaign }: AttributionLookups): ItemIssue[] {
  const issues: ItemIssue[] = [];
  const platform = platformOf.get(entry.shopId);
  if (!canSeeShop(viewer, entry.shopId)) {
    issues.push({ path: ['shopId'], message: 'your credential does not cover this shop', messageZh: '你的凭证未覆盖此店铺', code: 'FORBIDDEN' });
  } else if (!platform) {
    issues.push({ path: ['shopId'], message: 'shop not found', messageZh: '店铺不存在', code: 'NOT_FOUND' });
  } else if (entry.channel && entry.channel !== platform) {
    issues.push({ path: ['channel'], message: `the shop sells on ${platform}, not ${entry.channel}`, messageZh: `该店铺在 ${platform} 销售，不是 ${entry.channel}`, code: 'INVALID_INPUT' });
  }
  if (entry.campaignId) {
    const campaignShops = shopsOfCampaign.get(entry.campaignId);
    if (!campaignShops) issues.push({ path: ['campaignId'], message: 'campaign not found', messageZh: '活动不存在', code: 'NOT_FOUND' });
    else if (!campaignShops.has(entry.shopId)) {
      issues.push({ path: ['campaignId'], message: 'the shop does not take part in this campaign', messageZh: '该店铺未参加此活动', code: 'INVALID_INPUT' });
    }
  }
  return issues;
}
