/**
 * Incidents written into the history so that reports, ROI and alerts have something real to find.
 * The traffic generator and the reports both read this one list, and alerts quote the reports'
 * figures, so an anomaly note, an alert and the orders behind them always describe the same day.
 */
export const INCIDENTS = {
  /** 主图改版 on JD: search visitors who carted ordered far less that day. */
  conversionDrop: { platform: 'JD', daysAgo: 6, source: 'SEARCH', conversionFactor: 0.35 },
  /**
   * A bad batch on Pinduoduo: orders paid that day came back, mostly as 质量问题. The daily report notes it;
   * the shop sells under the refund rule's 30 orders a day, so the engine raises no alert on it, nor does the
   * demo (demo.alerts.ts cans one only where the rule would have fired).
   */
  refundSpike: { platform: 'PINDUODUO', daysAgo: 4, refundRate: 0.18, reason: '质量问题' },
  roiBelowOne: [
    { platform: 'DOUYIN', daysAgo: 5, source: 'SOCIAL', roi: 0.82 },
    { platform: 'PINDUODUO', daysAgo: 12, source: 'PAID', roi: 0.91 },
  ],
  /**
   * 投流 that did not pay back over the last closed week: on each shop a few source-days whose budget
   * (whole yuan, at least ¥200 — the daily rule's sample floor) bought less GMV than it cost, at most
   * `roi` of it. The daily ROI_BELOW_ONE rule finds them in the spend recorded and the GMV ingested;
   * by their age, their rectification was answered (5–7 days ago), is overdue (3–4) or still open
   * (1–2, within 48 hours) — see demo.rectifications.ts.
   */
  weekOverspend: [
    { platform: 'TMALL', daysAgo: 7, source: 'PAID', roi: 0.62, budgetYuan: 320 },
    { platform: 'TMALL', daysAgo: 4, source: 'SOCIAL', roi: 0.71, budgetYuan: 260 },
    { platform: 'TMALL', daysAgo: 2, source: 'PAID', roi: 0.55, budgetYuan: 380 },
    { platform: 'JD', daysAgo: 6, source: 'SOCIAL', roi: 0.68, budgetYuan: 300 },
    { platform: 'JD', daysAgo: 3, source: 'PAID', roi: 0.74, budgetYuan: 280 },
    { platform: 'JD', daysAgo: 1, source: 'PAID', roi: 0.6, budgetYuan: 340 },
    { platform: 'DOUYIN', daysAgo: 7, source: 'SOCIAL', roi: 0.58, budgetYuan: 450 },
    { platform: 'DOUYIN', daysAgo: 4, source: 'PAID', roi: 0.8, budgetYuan: 240 },
    { platform: 'DOUYIN', daysAgo: 2, source: 'SOCIAL', roi: 0.66, budgetYuan: 420 },
    { platform: 'PINDUODUO', daysAgo: 6, source: 'PAID', roi: 0.7, budgetYuan: 260 },
    { platform: 'PINDUODUO', daysAgo: 3, source: 'SOCIAL', roi: 0.64, budgetYuan: 300 },
    { platform: 'PINDUODUO', daysAgo: 2, source: 'PAID', roi: 0.72, budgetYuan: 280 },
  ],
  /**
   * Today's 直播间投流 runs hot on every shop: SOCIAL spend above what it sells, both in the day so far
   * and in the live traffic's spend (which swings around this ROI), for the rule engine to find by itself.
   */
  liveSocialOverspend: { source: 'SOCIAL', roi: 0.85 },
} as const;
