import { inArray } from 'drizzle-orm';
import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { CHANNEL_NAMES, TRAFFIC_SOURCE_NAMES, type Channel, type TrafficSource } from '../db/enums.js';
import { alerts, campaignMilestones, milestoneChanges, skus } from '../db/tables.js';
import { fenToYuanGrouped } from '../lib/money.js';
import { DEFAULT_RETENTION, minuteRollupsKeptFrom } from '../modules/history/history.retention.js';
import { bestAndWorst, rankByRoi } from '../modules/retrospective/retrospective.figures.js';
import { openRetrospective, writeRetrospectiveLessons } from '../modules/retrospective/retrospective.service.js';
import type { Demo618 } from './demo.618.js';
import { plan618Alerts } from './demo.618.alerts.js';
import { LESSONS_HOURS, plan618Milestones } from './demo.618.milestones.js';
import { plan618Spend, record618Spend } from './demo.618.spend.js';
import { createRandom } from './demo.random.js';
import { HOUR_MS } from '../lib/time.js';
import { pct } from '../lib/locale.js';

/** Who wrote the 复盘: the operations lead who owns the 活动复盘 milestone. */
const LESSONS_BY = '李娜';
/** The author wrote on the day, when every minute rollup of the campaign was still kept. */
const minutesKeptOn = (writtenAt: Date) => minuteRollupsKeptFrom(writtenAt, DEFAULT_RETENTION);

/**
 * Everything of the 618 that is not an event, once its orders are ingested: spend through the
 * marketing service, milestones with their history, the alerts of those days and the lessons.
 */
export async function record618(tx: DbOrTx, the618: Demo618): Promise<void> {
  const { campaign } = the618;
  const spend = plan618Spend(the618);
  await record618Spend(tx, the618, spend);
  const { milestones, changes } = plan618Milestones(campaign.id, campaign.startsAt, { shippedWithin24h: shippedWithin24h(the618) }, createRandom(0x618_3));
  await tx.insert(campaignMilestones).values(milestones);
  await tx.insert(milestoneChanges).values(changes);
  const alertRows = plan618Alerts(the618, spend);
  if (alertRows.length > 0) await tx.insert(alerts).values(alertRows);

  const writtenAt = new Date(campaign.startsAt.getTime() + LESSONS_HOURS * HOUR_MS);
  if (writtenAt > the618.now) return;
  const lessons = await lessonsFrom(tx, campaign.id, writtenAt);
  await writeRetrospectiveLessons(tx, { ...SYSTEM, displayName: LESSONS_BY }, { campaignId: campaign.id, lessons }, writtenAt, minutesKeptOn(writtenAt));
}

/** Share of the 618's shipped orders that left the warehouse within 24 hours of payment. */
export function shippedWithin24h(the618: Demo618): number {
  const shipped = the618.orders.filter((o) => o.inCampaign && o.shippedAt !== null);
  return shipped.filter((o) => o.shippedAt! - o.paidAt <= 24 * HOUR_MS).length / Math.max(1, shipped.length);
}

/** The lessons quote the retrospective's own figures as its author saw them on the day she wrote. */
async function lessonsFrom(tx: DbOrTx, campaignId: string, writtenAt: Date): Promise<string> {
  const r = await openRetrospective(tx, SYSTEM, campaignId, writtenAt, minutesKeptOn(writtenAt));
  const [totals, pareto, mix, figures] = await Promise.all([r.totals(), r.pareto(), r.buyerMix(), r.progress.figures()]);
  const channels = bestAndWorst(rankByRoi(totals.byChannel));
  const sources = bestAndWorst(rankByRoi(totals.bySource));
  const [top] = pareto.skus;
  const [topSku] = top ? await tx.select({ code: skus.code, spec: skus.spec }).from(skus).where(inArray(skus.id, [top.skuId])) : [];
  const roi = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(2));
  // She writes 天猫 and 活动会场, as the screen names them, not the codes the figures are keyed by.
  const channel = (c: Channel | undefined) => (c ? CHANNEL_NAMES[c].zh : '—');
  const source = (s: TrafficSource | undefined) => (s ? TRAFFIC_SOURCE_NAMES[s].zh : '—');
  return [
    `1. 目标：GMV ¥${fenToYuanGrouped(totals.all.gmvFen)}，达成率 ${pct(figures.achievementRate ?? 0)}，差距主要在 6.8–6.14 的平台期，6.18 当晚零点与 20 点后两个高峰未能补足。明年平台期提前排好直播与会场坑位。`,
    `2. 渠道：${channel(channels.best?.channel)} ROI ${roi(channels.best?.roi)} 最好，${channel(channels.worst?.channel)} ROI ${roi(channels.worst?.roi)} 最差；按流量来源看${source(sources.best?.source)}（${roi(sources.best?.roi)}）最好、${source(sources.worst?.source)}（${roi(sources.worst?.roi)}）最差。抖音千川投流 ROI 长期低于 1，下次设止损线：ROI < 1 持续 2 小时自动下调出价，预算向会场坑位和推荐流量倾斜。`,
    `3. 商品：${pareto.skus.length} 个 SKU（共动销 ${pareto.soldSkus} 个）贡献 80% GMV，第一名 ${topSku ? `${topSku.code}（${topSku.spec}）` : '—'}。爆款 6 月 7 日跌破库存预警线，下次爆款备货提前到 5 月中旬，库存预警线从 50 件提高到按 3 天销量。`,
    `4. 客户：新客 ${mix.newBuyers.toLocaleString('en-US')} 人、老客 ${mix.returningBuyers.toLocaleString('en-US')} 人，新客占比 ${pct(mix.buyers > 0 ? mix.newBuyers / mix.buyers : 0)}。新客 7 天内推送入会礼与复购券，争取双11 前完成二次购买。`,
    '5. 履约与售后：6.17–6.18 天猫、京东爆仓，出现超 24 小时未发货与“发货太慢”退款；拼多多四件套批次质量问题造成退款率突增。明年大促前与仓配签临时产能，新批次到货先抽检再上架。',
  ].join('\n');
}
