import { builder } from '../builder.js';
import { CHANNELS, TRAFFIC_SOURCES } from '../db/enums.js';

export const ChannelEnum = builder.enumType('Channel', {
  description: 'The platform a shop sells on (渠道/平台).',
  values: CHANNELS,
});

export const TrafficSourceEnum = builder.enumType('TrafficSource', {
  description: 'Where a visit came from: 搜索, 推荐, 活动会场, 付费推广, 内容/直播, 直接访问, 其他.',
  values: TRAFFIC_SOURCES,
});
