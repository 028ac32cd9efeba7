import { pgEnum } from 'drizzle-orm/pg-core';

// Dimensions shared by many modules (orders, events, rollups, reports), so they live with the db plumbing.

/** The platform a shop sells on; metrics call it the channel. */
export const CHANNELS = ['TAOBAO', 'TMALL', 'JD', 'PINDUODUO', 'DOUYIN', 'XIAOHONGSHU', 'OWN_SITE'] as const;
export type Channel = (typeof CHANNELS)[number];
export const channelEnum = pgEnum('channel', CHANNELS);

/** Where a visit came from (搜索, 推荐, 活动会场, 直通车, 内容/直播, 直接访问, 其他). */
export const TRAFFIC_SOURCES = ['SEARCH', 'RECOMMENDATION', 'CAMPAIGN', 'PAID', 'SOCIAL', 'DIRECT', 'OTHER'] as const;
export type TrafficSource = (typeof TRAFFIC_SOURCES)[number];
export const trafficSourceEnum = pgEnum('traffic_source', TRAFFIC_SOURCES);
