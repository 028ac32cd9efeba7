import { TRAFFIC_SOURCE_NAMES, type TrafficSource } from '../../db/enums.js';
import { pct, type Worded } from '../../lib/locale.js';
import { fenToYuanGrouped } from '../../lib/money.js';

/**
 * Each alert's sentence, in Chinese and English, from the figures that raised it: the rule engine,
 * the webhook dispatcher and the demo's history all word an alert here, so one rule reads the same
 * wherever it fired. Names and texts people typed (owners, completion standards, webhook names) are
 * quoted as they are.
 */

/** "40 分钟" / "40 min", "3.5 小时" / "3.5 h", "3 天" / "3 days": hours of cover or lateness the way the room says it. */
export function formatHours(hours: number): Worded {
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return { message: `${minutes} 分钟`, messageEn: `${minutes} min` };
  }
  // One decimal in hours up to 48 and in days past it, as the screens write the same figure (format.ts
  // formatDuration): 206.8 hours late read 9 天 in the sentence beside 当前 8.6 天.
  if (hours <= 48) {
    const tenths = (Math.round(hours * 10) / 10).toString();
    return { message: `${tenths} 小时`, messageEn: `${tenths} h` };
  }
  const days = (Math.round((hours / 24) * 10) / 10).toString();
  return { message: `${days} 天`, messageEn: `${days} days` };
}

export function conversionDropWords(f: { windowMinutes: number; rate: number; buyers: number; visitors: number; was: number; drop: number }): Worded {
  return {
    message: `近 ${f.windowMinutes} 分钟转化率 ${pct(f.rate)}（${f.buyers}/${f.visitors}），昨日同时段 ${pct(f.was)}，下降 ${pct(f.drop)}`,
    messageEn: `Last ${f.windowMinutes} min: conversion ${pct(f.rate)} (${f.buyers}/${f.visitors}), ${pct(f.was)} same time yesterday, down ${pct(f.drop)}`,
  };
}

export function refundSpikeWords(f: { rate: number; refunded: number; paid: number; threshold: number }): Worded {
  return {
    message: `近 24 小时退款率 ${pct(f.rate)}（${f.refunded}/${f.paid} 单），阈值 ${pct(f.threshold)}`,
    messageEn: `Refund rate ${pct(f.rate)} in the last 24 h (${f.refunded}/${f.paid} orders); threshold ${pct(f.threshold)}`,
  };
}

/**
 * `roi` as metrics.formulas' roiText writes it (two decimals, never rounded up past the line). The screens
 * print the alert's value beside this sentence cut the same way (client lib/format.ts formatRoiCut).
 */
/** `recovered`: back at or over the threshold while the alert clears: the advice to pause no longer stands. */
export function roiBelowOneWords(f: { roi: string; spendFen: number; gmvFen: number; period: 'today' | 'day'; recovered?: boolean }): Worded {
  const when = f.period === 'today' ? { zh: '今日 ', en: 'today' } : { zh: '', en: 'for the day' };
  const advice = f.recovered ? { zh: '已回升，观察中，暂不需调整', en: 'recovered, watching: no change needed' } : { zh: 'ROI < 1 建议暂停或调减该渠道投放', en: 'under 1: pause or cut spend' };
  return {
    message: `${when.zh}ROI ${f.roi}：花费 ¥${fenToYuanGrouped(f.spendFen)}，归因 GMV ¥${fenToYuanGrouped(f.gmvFen)}；${advice.zh}`,
    messageEn: `ROI ${f.roi} ${when.en}: spend ¥${fenToYuanGrouped(f.spendFen)}, attributed GMV ¥${fenToYuanGrouped(f.gmvFen)}; ${advice.en}`,
  };
}

/** `lastPaidClock`: the last paid order's Beijing time (HH:mm); `expected`: orders the hour before would have brought in the silence. */
export function ordersStalledWords(f: {
  silentMinutes: number;
  lastPaidClock: string;
  baseline: number;
  expected: number;
  /** The same hours a day back: the hour before the last payment, and the silence. */
  yesterday?: { before: number; silence: number } | null;
}): Worded {
  const silent = formatHours(f.silentMinutes / 60);
  const expected = Math.floor(f.expected);
  const y = f.yesterday ?? null;
  return {
    message:
      `已 ${silent.message}没有支付订单（上一单 ${f.lastPaidClock}；此前 60 分钟 ${f.baseline} 单` +
      `${y === null ? '，按此节奏' : `，昨日同时段 ${y.before} 单、其后 ${y.silence} 单，`}应有约 ${expected} 单）；请检查店铺页面、支付和数据上报`,
    messageEn:
      `No paid order for ${silent.messageEn} (the last at ${f.lastPaidClock}; the 60 min before had ${f.baseline}` +
      `${y === null ? '' : `, the same hour yesterday ${y.before} and the hours after it ${y.silence}`}, so about ${expected} were due); check the shop's pages, payments and the data feed`,
  };
}

export function unshippedWords(f: { overdue: number; deadlineHours: number; oldestHours: number }): Worded {
  return {
    message: `${f.overdue} 笔订单付款超过 ${f.deadlineHours} 小时仍未发货，最早一笔已 ${f.oldestHours} 小时`,
    messageEn: `${f.overdue} ${f.overdue === 1 ? 'order' : 'orders'} unshipped ${f.deadlineHours} h after payment; the oldest paid ${f.oldestHours} h ago`,
  };
}

/** `coverHours`: how long the stock lasts at the last `windowHours`' sales; null when nothing sold in them. */
export function lowStockWords(f: { stock: number; line: number; coverHours: number | null; windowHours: number }): Worded {
  const head = { message: `库存 ${f.stock} 件，预警线 ${f.line} 件`, messageEn: `${f.stock} in stock (alert line ${f.line})` };
  if (f.stock < 0) return { message: `${head.message}，已售罄（超卖 ${-f.stock} 件）`, messageEn: `${head.messageEn}; sold out (oversold by ${-f.stock})` };
  if (f.stock === 0) return { message: `${head.message}，已售罄`, messageEn: `${head.messageEn}; sold out` };
  if (f.coverHours === null) return { message: `${head.message}；近 ${f.windowHours} 小时无销量`, messageEn: `${head.messageEn}; no sales in the last ${f.windowHours} h` };
  const cover = formatHours(f.coverHours);
  return {
    message: `${head.message}；按近 ${f.windowHours} 小时销量约 ${cover.message}后售罄`,
    messageEn: `${head.messageEn}; sells out in about ${cover.messageEn} at the last ${f.windowHours} h's rate`,
  };
}

export function behindPaceWords(f: { actualFen: number; plannedFen: number; pace: number }): Worded {
  return {
    message: `截至目前 GMV ¥${fenToYuanGrouped(f.actualFen)}，按计划应达 ¥${fenToYuanGrouped(f.plannedFen)}，进度 ${pct(f.pace)}`,
    messageEn: `GMV ¥${fenToYuanGrouped(f.actualFen)} so far, ¥${fenToYuanGrouped(f.plannedFen)} planned by now: ${pct(f.pace)} of plan`,
  };
}

export function milestoneOverdueWords(f: { lateHours: number; owner: string; completionStandard: string }): Worded {
  const late = formatHours(f.lateHours);
  return {
    message: `关键节点已逾期 ${late.message}（负责人：${f.owner}，完成标准：${f.completionStandard}）`,
    messageEn: `Milestone ${late.messageEn} overdue (owner: ${f.owner}; done when: ${f.completionStandard})`,
  };
}

export function highRiskWithoutPlanWords(f: { hours: number; thresholdHours: number; owner: string }): Worded {
  const hours = Math.floor(f.hours);
  return {
    message: `高风险已 ${hours} 小时，超过 ${f.thresholdHours} 小时仍未提交风险应对方案（负责人：${f.owner}）`,
    messageEn: `HIGH risk for ${hours} h with no response plan, due within ${f.thresholdHours} h (owner: ${f.owner})`,
  };
}

export function rectificationOverdueWords(f: { date: string; source: TrafficSource; lateHours: number }): Worded {
  const late = formatHours(f.lateHours);
  const source = TRAFFIC_SOURCE_NAMES[f.source];
  return {
    message: `${f.date} ${source.zh}的异常数据整改报告已逾期 ${late.message}（应于 48 小时内提交）`,
    messageEn: `${f.date} ${source.en} rectification report ${late.messageEn} overdue (due within 48 h)`,
  };
}

export function webhookPausedWords(f: { url: string; failures: number; error: string }): Worded {
  return {
    message: `${f.url} 连续 ${f.failures} 次投递失败（最近一次：${f.error}），已暂停；待投递的消息保留，恢复（updateWebhook resume）后继续发送。`,
    messageEn: `${f.url} failed ${f.failures} deliveries in a row (last: ${f.error}) and is paused; its pending messages are kept and go out once it is resumed (updateWebhook resume).`,
  };
}
