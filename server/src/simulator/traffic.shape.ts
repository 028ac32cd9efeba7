import type { Channel, TrafficSource } from '../db/enums.js';
import { WeightedTable } from '../demo/demo.random.js';
import { HOUR_MS, shanghaiHourOfDay } from '../lib/time.js';


/**
 * Relative traffic by Asia/Shanghai hour (0–23) on a Double 11 day: the sale opens at 00:00 with
 * the 零点 rush (deposits settle, carts filled in advance check out), sinks to a trough from 3 to 7,
 * climbs through the morning with a lunch bump, and peaks from 20 to 23 (live streams, after work).
 */
export const DOUBLE_11_DAY: readonly number[] = Object.freeze([
  10.0, 6.0, 3.0, 1.5, 1.0, 1.0, 1.2, 1.5,
  2.5, 3.5, 4.0, 4.5, 5.0, 5.0, 4.0, 3.8,
  3.8, 4.0, 4.5, 5.5, 7.0, 8.0, 8.0, 6.5,
]);

/** An ordinary day: late-morning and evening peaks, quiet small hours, a short tail after midnight. */
export const ORDINARY_DAY: readonly number[] = Object.freeze([
  3, 1.8, 0.8, 0.4, 0.3, 0.3, 0.5, 1.2,
  2.2, 3.5, 5.5, 6, 5, 4.2, 4, 4.2,
  4.3, 4, 4, 5, 6.8, 7.5, 7.2, 5,
]);

const mean = (shape: readonly number[]) => shape.reduce((s, w) => s + w, 0) / shape.length;

/**
 * Mean intensity of `shape` over [from, to) relative to the shape's daily mean: 1 over a whole day,
 * 10/4.3 ≈ 2.3 in the first hour of Double 11. Multiplying an average rate by it follows the curve.
 */
export function curveFactor(shape: readonly number[], from: number, to: number): number {
  if (to <= from) return 0;
  let weighted = 0;
  for (let t = from; t < to; ) {
    const next = Math.min(to, (Math.floor(t / HOUR_MS) + 1) * HOUR_MS);
    weighted += shape[shanghaiHourOfDay(t)]! * (next - t);
    t = next;
  }
  return weighted / (to - from) / mean(shape);
}

/** The largest weight of `shape` in any hour touching [from, to): the bound for rejection sampling. */
export function peakWeight(shape: readonly number[], from: number, to: number): number {
  if (to - from >= 24 * HOUR_MS) return Math.max(...shape);
  let peak = 0;
  for (let t = Math.floor(from / HOUR_MS) * HOUR_MS; t < to; t += HOUR_MS) peak = Math.max(peak, shape[shanghaiHourOfDay(t)]!);
  return peak;
}

/** Share of visits by platform when the catalog gives a shop no weight of its own. */
export const PLATFORM_WEIGHT: Record<Channel, number> = {
  TMALL: 30,
  JD: 26,
  DOUYIN: 23,
  PINDUODUO: 21,
  TAOBAO: 20,
  XIAOHONGSHU: 8,
  OWN_SITE: 5,
};

/** The source mix of an ordinary day on a search-led platform (DOMAIN.md: search is the biggest source). */
export const SOURCE_MIX: Record<TrafficSource, number> = {
  SEARCH: 35,
  RECOMMENDATION: 20,
  CAMPAIGN: 15,
  PAID: 12,
  SOCIAL: 10,
  DIRECT: 5,
  OTHER: 3,
};

/**
 * How likely a visitor from each source is to order, relative to the average: 直接访问 and 活动会场
 * visitors arrive ready to buy, content (内容/直播) visitors browse.
 */
export const SOURCE_CONVERSION: Record<TrafficSource, number> = {
  SEARCH: 1.0,
  RECOMMENDATION: 0.8,
  CAMPAIGN: 1.25,
  PAID: 0.9,
  SOCIAL: 0.75,
  DIRECT: 1.35,
  OTHER: 0.8,
};

/** Content platforms sell through short videos and live streams, so SOCIAL takes share from search there. */
export function sourceTable(platform: Channel, { inCampaign }: { inCampaign: boolean }): WeightedTable<TrafficSource> {
  const content = platform === 'DOUYIN' || platform === 'XIAOHONGSHU';
  const mix = { ...SOURCE_MIX };
  if (content) {
    mix.SEARCH -= 13;
    mix.SOCIAL += 13;
  }
  // During a campaign the 活动会场 (campaign venue) pulls roughly twice its usual share.
  if (inCampaign) mix.CAMPAIGN *= 2;
  return new WeightedTable(Object.entries(mix) as [TrafficSource, number][]);
}
