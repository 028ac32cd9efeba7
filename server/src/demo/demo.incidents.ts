/**
 * Incidents written into the history so that reports, ROI and alerts have something real to find.
 * Order generation and the reports both read this one list, and alerts quote the reports' figures,
 * so an anomaly note, an alert and the orders behind them always describe the same day.
 */
export const INCIDENTS = {
  conversionDrop: { platform: 'JD', daysAgo: 6, source: 'SEARCH', orderFactor: 0.7, conversionRate: 0.011 },
  refundSpike: { platform: 'PINDUODUO', daysAgo: 4, fullRefundRate: 0.12 },
  roiBelowOne: [
    { platform: 'DOUYIN', daysAgo: 5, source: 'SOCIAL', roi: 0.82 },
    { platform: 'PINDUODUO', daysAgo: 12, source: 'PAID', roi: 0.91 },
  ],
} as const;
