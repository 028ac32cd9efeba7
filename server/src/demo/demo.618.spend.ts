import { encodeGlobalID } from '@pothos/plugin-relay';
import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import type { Channel, TrafficSource } from '../db/enums.js';
import { fenToYuan } from '../lib/money.js';
import { shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { recordSpend, type SpendEntryInput } from '../modules/marketing/marketing.service.js';
import type { Demo618 } from './demo.618.js';
import { createRandom } from './demo.random.js';

/**
 * The ROI each shop bought on each paid source over the 618. 会场坑位 (CAMPAIGN) paid best; Douyin's
 * 千川 live-stream boosting (SOCIAL) burned twice what it sold, which the lessons take up.
 */
const ROI: Record<'PAID' | 'SOCIAL' | 'RECOMMENDATION' | 'CAMPAIGN', Partial<Record<Channel, number>>> = {
  CAMPAIGN: { TMALL: 11, JD: 9, PINDUODUO: 7, DOUYIN: 5 },
  RECOMMENDATION: { TMALL: 6, JD: 4.5, PINDUODUO: 3.8, DOUYIN: 2.6 },
  PAID: { TMALL: 4.2, JD: 3.6, PINDUODUO: 3, DOUYIN: 2.2 },
  SOCIAL: { TMALL: 1.6, JD: 1.5, PINDUODUO: 1.4, DOUYIN: 0.5 },
};
const PAID_SOURCES = Object.keys(ROI) as (keyof typeof ROI)[];

export interface Spend618 {
  shopId: string;
  date: string;
  source: TrafficSource;
  spendFen: number;
}

/** The GMV of the 618's orders paid in its window, by shop, Asia/Shanghai day and source. */
export function gmvByShopDaySource(the618: Demo618): Map<string, number> {
  const gmv = new Map<string, number>();
  for (const o of the618.orders) {
    if (!o.inCampaign || o.paidAt > the618.now.getTime()) continue;
    const key = `${o.shopId}|${shanghaiDate(new Date(o.paidAt))}|${o.source}`;
    gmv.set(key, (gmv.get(key) ?? 0) + o.amountFen);
  }
  return gmv;
}

/** Each day's spend per shop and paid source: what it sold over its ROI, give or take 15 %. */
export function plan618Spend(the618: Demo618): Spend618[] {
  const random = createRandom(0x618_5);
  const platform = new Map(the618.shops.map((s) => [s.id, s.platform]));
  const spend: Spend618[] = [];
  for (const [key, gmvFen] of [...gmvByShopDaySource(the618)].sort(([a], [b]) => a.localeCompare(b))) {
    const [shopId, date, source] = key.split('|') as [string, string, TrafficSource];
    if (!PAID_SOURCES.includes(source as keyof typeof ROI)) continue;
    const roi = ROI[source as keyof typeof ROI][platform.get(shopId)!];
    if (!roi) continue;
    spend.push({ shopId, date, source, spendFen: Math.max(100, Math.round((gmvFen / roi) * random.between(0.85, 1.15))) });
  }
  return spend;
}

/** Through recordMarketingSpend's service, so the spend rolls up where metrics and the 复盘 read it. */
export async function record618Spend(tx: DbOrTx, the618: Demo618, spend: readonly Spend618[]): Promise<void> {
  const campaignId = encodeGlobalID('Campaign', the618.campaign.id);
  const entries: SpendEntryInput[] = spend.map((s) => ({
    id: `demo-618-spend-${s.date}-${s.source}`,
    shopId: encodeGlobalID('Shop', s.shopId),
    spentAt: startOfShanghaiDay(s.date),
    source: s.source,
    campaignId,
    amount: fenToYuan(s.spendFen),
  }));
  // Inside the caller's transaction: nothing is announced before it commits.
  const result = await recordSpend(tx, SYSTEM, entries, the618.now, null);
  if (result.userErrors.length > 0) throw new Error(`demo 618 spend refused: ${JSON.stringify(result.userErrors.slice(0, 3))}`);
}
