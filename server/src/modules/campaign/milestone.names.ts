import type { MILESTONE_STATUSES, RISK_LEVELS } from './campaign.table.js';

/** A milestone's status and risk as the room says them, Chinese then English (the retrospective's sheet). */
export const MILESTONE_STATUS_NAMES: Record<(typeof MILESTONE_STATUSES)[number], string> = {
  NOT_STARTED: '未开始 / Not started',
  IN_PROGRESS: '进行中 / In progress',
  DONE: '已完成 / Done',
  DELAYED: '已延期 / Delayed',
};

export const RISK_NAMES: Record<(typeof RISK_LEVELS)[number], string> = {
  NONE: '无风险 / No risk',
  LOW: '低风险 / Low risk',
  MEDIUM: '中风险 / Medium risk',
  HIGH: '高风险 / High risk',
};
