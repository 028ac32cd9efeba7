import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { scaledSplit, splitAsInput } from '../modules/campaign/campaign.split.js';
import { fenToYuan } from '../lib/money.js';
import { addDays, HOUR_MS, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { createCampaign } from '../modules/campaign/campaign.service.js';
import type { CampaignRow, MilestoneRow } from '../modules/campaign/campaign.table.js';
import { createMilestone } from '../modules/campaign/milestone.service.js';
import { planWeight } from '../modules/metrics/campaign-progress.js';
import { CARRY_AHEAD_MS, latestLive } from './demo.carry.js';
import { ENCORE_CAMPAIGN_NAME } from './demo.campaigns.js';

export interface Encore {
  /** The live campaign that ended while the demo was stopped: its record, untouched. */
  ended: CampaignRow;
  /** The 返场 opened in its place, running from now to the coming Shanghai midnight. */
  opened: CampaignRow;
  /** What the team has to do for it (encoreMilestones), so the war room's 关键节点 is not empty. */
  milestones: MilestoneRow[];
}

/**
 * A demo stopped over its midnight finds its live campaign ended, and an ended campaign's window and target
 * are its record (demo.carry.ts). Rather than a war room of zeros, the demo does what shops do the day after
 * a big sale: it opens a 返场 (encore) in the same shops with the same theme and hourly shape, from now to the
 * coming midnight, which the simulator then carries day by day as it carried the campaign before.
 *
 * Its target is the ended campaign's, scaled by what the encore's hours weigh in the plan's hourly shape against
 * what the ended window weighed: a whole day's share for a whole day, less for the rest of one, so the pace
 * starts where the traffic held the campaign. It comes with the milestones a team sets for a 返场
 * (encoreMilestones). Answers null when the live campaign is still running, was
 * cancelled, or there is none. The latest live row is locked first, then read again, so instances starting
 * together open one encore between them.
 */
export async function openEncoreIfEnded(db: DbOrTx, now: Date): Promise<Encore | null> {
  return db.transaction(async (tx) => {
    await latestLive(tx).for('update');
    const [ended] = await latestLive(tx);
    if (!ended || ended.endsAt > now) return null;
    const startsAt = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
    // Opened within the carry's reach of midnight, it runs through the next day: a window of minutes would be carried at once.
    const endsAt = startOfShanghaiDay(addDays(shanghaiDate(new Date(now.getTime() + CARRY_AHEAD_MS)), 1));
    // The ended campaign's target per unit of plan weight, times what the encore's hours weigh in the same shape.
    const window = { startsAt, endsAt, hourlyShape: ended.hourlyShape };
    const targetFen = Math.round((ended.gmvTargetFen * planWeight(window)) / planWeight(ended));
    const opened = await createCampaign(tx, SYSTEM, {
      name: ENCORE_CAMPAIGN_NAME,
      theme: ended.theme,
      startsAt,
      endsAt,
      gmvTarget: fenToYuan(Math.max(1, targetFen)),
      shopIds: ended.shopIds,
      shopTargets: ended.shopTargetsFen ? splitAsInput(scaledSplit(ended.shopTargetsFen, Math.max(1, targetFen))) : undefined,
      hourlyShape: ended.hourlyShape,
    });
    const milestones: MilestoneRow[] = [];
    for (const milestone of encoreMilestones(opened)) {
      // Nothing to announce: the rows are not committed until the encore is, and screens read the campaign when they open.
      milestones.push(await createMilestone(tx, SYSTEM, { ...milestone, campaignId: opened.id }, now, () => {}));
    }
    return { ended, opened, milestones };
  });
}

/**
 * The day after a big sale: the encore's pages go up at once, the stock left is counted for the clearance
 * prices, the after-sales peak of the big sale's orders is staffed, and the encore gets its own review. Due
 * times follow the encore's window and none is HIGH risk (no response plan falls due by itself); only the pages
 * are up, as they went up with the encore.
 */
export function encoreMilestones(encore: Pick<CampaignRow, 'startsAt' | 'endsAt'>) {
  const at = (base: Date, hours: number) => new Date(base.getTime() + hours * HOUR_MS);
  return [
    {
      name: '返场会场上线',
      owner: '张伟',
      dueAt: at(encore.startsAt, 1),
      completionStandard: '返场会场与爆款详情页换上返场素材，满减规则与双11一致，首屏加载 < 3 秒',
      status: 'DONE' as const,
      riskLevel: 'LOW' as const,
    },
    {
      name: '尾货库存清点',
      owner: '刘洋',
      dueAt: at(encore.startsAt, 4),
      completionStandard: '双11 后剩余库存逐 SKU 清点，滞销 SKU 定出清仓价，库存≤50 的爆款补货或下架',
      status: 'NOT_STARTED' as const,
      riskLevel: 'MEDIUM' as const,
    },
    {
      name: '售后高峰值守',
      owner: '陈静',
      dueAt: at(encore.endsAt, 48),
      completionStandard: '双11 订单的退款与售后申请 24 小时内处理率 ≥ 98%，差评 2 小时内回复',
      status: 'NOT_STARTED' as const,
      riskLevel: 'MEDIUM' as const,
    },
    {
      name: '返场复盘',
      owner: '李娜',
      dueAt: at(encore.endsAt, 3 * 24),
      completionStandard: '对比返场与双11正式期的转化率、客单价、退款率与投放 ROI，沉淀返场打法',
      status: 'NOT_STARTED' as const,
      riskLevel: 'NONE' as const,
    },
  ];
}
