import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { Channel } from '../../db/enums.js';
import type { ItemIssue } from '../../lib/validate.js';
import { shanghaiDateTime } from '../../lib/time.js';

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

/** What the spend check needs of a campaign: its window and whether it was cancelled. */
export interface CampaignWindow {
  startsAt: Date;
  endsAt: Date;
  cancelledAt: Date | null;
}

/**
 * Campaign spend is spend during the campaign (the ad platforms' and the manuals' rule): an entry counts for a
 * campaign only when it was spent inside [startsAt, endsAt), and never for a cancelled one. The campaign's ROI
 * counts nothing else, so spend named for it outside the window would be counted nowhere; warm-up spend before
 * a campaign, and spend after it, is recorded without one. Events are not held to it: a refund after the end
 * must still name its order's campaign (order.apply.ts), so a window check there would be per event type.
 */
export function spendWindowIssues(spentAt: Date, campaign: CampaignWindow): ItemIssue[] {
  if (campaign.cancelledAt) {
    return [{ path: ['campaignId'], message: 'the campaign was cancelled: record this spend without a campaign', messageZh: '该活动已取消：请不选活动记录这笔花费', code: 'INVALID_INPUT' }];
  }
  if (campaign.startsAt <= spentAt && spentAt < campaign.endsAt) return [];
  const from = shanghaiDateTime(campaign.startsAt).slice(0, 16);
  const to = shanghaiDateTime(campaign.endsAt).slice(0, 16);
  return [
    {
      path: ['campaignId'],
      message: `spend counts for a campaign only during it (${from} – ${to} Asia/Shanghai): record spend outside it without a campaign`,
      messageZh: `活动花费须发生在活动期间（北京时间 ${from} 至 ${to}）：活动期外的花费请不选活动记录`,
      code: 'INVALID_INPUT',
    },
  ];
}
