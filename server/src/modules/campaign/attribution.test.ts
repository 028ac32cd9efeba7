import { describe, expect, it } from 'vitest';
import { partnerViewer } from '../../../test/fixtures.js';
import { attributionIssues, type AttributionLookups } from './attribution.js';

const OWN = '11111111-1111-4111-8111-111111111111';
const FOREIGN = '22222222-2222-4222-8222-222222222222';
const MISSING = '33333333-3333-4333-8333-333333333333';
const CAMPAIGN = '44444444-4444-4444-8444-444444444444';
const partner = partnerViewer([OWN, MISSING]);
// What the caller may see: its shop (on TMALL) and a campaign of its shop only.
const lookups: AttributionLookups = { platformOf: new Map([[OWN, 'TMALL']]), shopsOfCampaign: new Map([[CAMPAIGN, new Set([OWN])]]) };

describe('where an ingested entry is counted: the same checks for events and spend', () => {
  it('passes an entry of its own shop, on its platform or with none named, in a campaign it takes part in', () => {
    expect(attributionIssues(partner, { shopId: OWN, channel: 'TMALL', campaignId: CAMPAIGN }, lookups)).toEqual([]);
    expect(attributionIssues(partner, { shopId: OWN }, lookups)).toEqual([]);
  });

  it('refuses a shop outside the grant as such, whether or not it exists, and one that does not exist as not found', () => {
    expect(attributionIssues(partner, { shopId: FOREIGN }, lookups)).toEqual([{ path: ['shopId'], message: 'your credential does not cover this shop', messageZh: '你的凭证未覆盖此店铺', code: 'FORBIDDEN' }]);
    expect(attributionIssues(partner, { shopId: MISSING }, lookups)).toEqual([{ path: ['shopId'], message: 'shop not found', messageZh: '店铺不存在', code: 'NOT_FOUND' }]);
  });

  it('reports every problem at once: the channel, and the campaign even when the shop is refused', () => {
    expect(attributionIssues(partner, { shopId: OWN, channel: 'JD', campaignId: MISSING }, lookups)).toEqual([
      { path: ['channel'], message: 'the shop sells on TMALL, not JD', messageZh: '该店铺在 TMALL 销售，不是 JD', code: 'INVALID_INPUT' },
      { path: ['campaignId'], message: 'campaign not found', messageZh: '活动不存在', code: 'NOT_FOUND' },
    ]);
    expect(attributionIssues(partner, { shopId: FOREIGN, campaignId: CAMPAIGN }, lookups)).toEqual([
      { path: ['shopId'], message: 'your credential does not cover this shop', messageZh: '你的凭证未覆盖此店铺', code: 'FORBIDDEN' },
      { path: ['campaignId'], message: 'the shop does not take part in this campaign', messageZh: '该店铺未参加此活动', code: 'INVALID_INPUT' },
    ]);
  });
});
