import { pgEnum } from 'drizzle-orm/pg-core';

// Dimensions shared by many modules (orders, events, rollups, reports), so they live with the db plumbing.

/** The platform a shop sells on; metrics call it the channel. */
export const CHANNELS = ['TAOBAO', 'TMALL', 'JD', 'PINDUODUO', 'DOUYIN', 'XIAOHONGSHU', 'OWN_SITE'] as const;
export type Channel = (typeof CHANNELS)[number];
export const channelEnum = pgEnum('channel', CHANNELS);

/** A channel as the room names it in a sentence, the words the screens show for it (client/src/i18n 'channel.*'). */
export const CHANNEL_NAMES: Record<Channel, { zh: string; en: string }> = {
  TAOBAO: { zh: '淘宝', en: 'Taobao' },
  TMALL: { zh: '天猫', en: 'Tmall' },
  JD: { zh: '京东', en: 'JD' },
  PINDUODUO: { zh: '拼多多', en: 'Pinduoduo' },
  DOUYIN: { zh: '抖音', en: 'Douyin' },
  XIAOHONGSHU: { zh: '小红书', en: 'Xiaohongshu' },
  OWN_SITE: { zh: '官网', en: 'Own site' },
};

/** Where a visit came from (搜索, 推荐, 活动会场, 直通车, 内容/直播, 直接访问, 其他). */
export const TRAFFIC_SOURCES = ['SEARCH', 'RECOMMENDATION', 'CAMPAIGN', 'PAID', 'SOCIAL', 'DIRECT', 'OTHER'] as const;
export type TrafficSource = (typeof TRAFFIC_SOURCES)[number];
export const trafficSourceEnum = pgEnum('traffic_source', TRAFFIC_SOURCES);

/**
 * A source as the room names it in a sentence (an alert, a refusal on the console), the words the war room and
 * the console show for it (client/src/i18n 'source.*'): "2026-12-02 社交分享 的…", never the code.
 */
export const TRAFFIC_SOURCE_NAMES: Record<TrafficSource, { zh: string; en: string }> = {
  SEARCH: { zh: '搜索', en: 'Search' },
  RECOMMENDATION: { zh: '推荐', en: 'Recommended' },
  CAMPAIGN: { zh: '活动会场', en: 'Event venue' },
  PAID: { zh: '付费推广', en: 'Paid ads' },
  SOCIAL: { zh: '社交分享', en: 'Social' },
  DIRECT: { zh: '直接访问', en: 'Direct' },
  OTHER: { zh: '其他', en: 'Other' },
};
