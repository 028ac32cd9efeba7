/**
 * Incidents written into the history so that reports, ROI and alerts have something real to find.
 * The traffic generator and the reports both read this one list, and alerts quote the reports'
 * figures, so an anomaly note, an alert and the orders behind them always describe the same day.
 */
export const INCIDENTS = {
  /** 主图改版 on JD: search visitors who carted ordered far less that day. */
  conversionDrop: { platform: 'JD', daysAgo: 6, source: 'SEARCH', conversionFactor: 0.35 },
  /** A bad batch on Pinduoduo: orders paid that day came back, mostly as 质量问题. */
  refundSpike: { platform: 'PINDUODUO', daysAgo: 4, refundRate: 0.18, reason: '质量问题' },
  roiBelowOne: [
    { platform: 'DOUYIN', daysAgo: 5, source: 'SOCIAL', roi: 0.82 },
    { platform: 'PINDUODUO', daysAgo: 12, source: 'PAID', roi: 0.91 },
  ],
  /**
   * Today's 直播间投流 runs hot on every shop: SOCIAL spend above what it sells, both in the day so far
   * and in the live traffic's spend (which swings around this ROI), for the rule engine to find by itself.
   */
  liveSocialOverspend: { source: 'SOCIAL', roi: 0.85 },
} as const;
