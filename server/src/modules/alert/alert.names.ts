/** The rules' and severities' Chinese names, as the room says them: webhooks' robots and the retrospective's sheet. */
export const RULE_ZH: Record<string, string> = {
  CONVERSION_DROP: '转化率下跌',
  GMV_BEHIND_PACE: 'GMV 落后计划',
  REFUND_RATE_SPIKE: '退款率飙升',
  LOW_STOCK: '库存预警',
  ROI_BELOW_ONE: 'ROI 低于 1',
  MILESTONE_OVERDUE: '关键节点逾期',
  HIGH_RISK_WITHOUT_PLAN: '高风险未提交应对方案',
  // Each shop sets its own hours (24 by default); the alert's message names them, the alert's threshold is an order count.
  UNSHIPPED_OVERDUE: '超时未发货',
  RECTIFICATION_OVERDUE: '整改报告逾期',
  ORDERS_STALLED: '下单中断',
  WEBHOOK_PAUSED: 'Webhook 已暂停',
};
export const SEVERITY_ZH: Record<string, string> = { INFO: '提示', WARNING: '警告', CRITICAL: '严重' };
