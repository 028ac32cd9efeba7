import { addDays, DAY_MS, HOUR_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { allocateByRoundedPrefix } from '../lib/allocate.js';
import type { Channel } from '../db/enums.js';
import type { campaignMilestones, campaigns } from '../modules/campaign/campaign.table.js';

const YUAN = 100;
/** The live campaign's name: the simulator carries the campaign of this name into the next day (demo.carry.ts). */
export const LIVE_CAMPAIGN_NAME = '双11全球狂欢节';
/** The encore a demo opens when it finds the live campaign ended while it was stopped (demo.encore.ts). */
export const ENCORE_CAMPAIGN_NAME = '双11返场狂欢';

type CampaignInsert = typeof campaigns.$inferInsert;

/** Each platform's share of the demo's GMV on an ordinary campaign day (its live traffic and baskets: Douyin's live streams lead). */
const EVERYDAY_SHARES: Partial<Record<Channel, number>> = { DOUYIN: 38, JD: 26, TMALL: 18, PINDUODUO: 18 };
/** And in its 618 (demo.618.orders.ts: Tmall and JD lead the appliance-heavy festival, at higher baskets on Tmall and Douyin). */
const SHARES_618: Partial<Record<Channel, number>> = { TMALL: 39, DOUYIN: 34, JD: 20, PINDUODUO: 7 };

/** What the traffic needs to know of a campaign: who takes part, when, and its 满减 theme. */
export interface CampaignWindow {
  id: string;
  startsAt: Date;
  endsAt: Date;
  shopIds: readonly string[];
  theme: string;
}
type MilestoneInsert = typeof campaignMilestones.$inferInsert;

export interface DemoCampaigns {
  rows: CampaignInsert[];
  milestones: MilestoneInsert[];
  /** Every campaign's window, so orders inside one are attributed to it. */
  windows: CampaignWindow[];
  live: CampaignInsert & CampaignWindow;
  /** The most recent 618 that has ended: the 复盘's campaign. */
  ended: CampaignInsert & CampaignWindow;
  /** The HIGH-risk milestone whose 24-hour response-plan deadline has passed. */
  unplannedRisk: MilestoneInsert & { id: string };
}

/**
 * Campaign windows are placed relative to `now`, so a demo started on any date has one campaign
 * live in the war room, one finished for the 复盘 and one coming up to plan for.
 */
export function buildCampaigns(shopIds: string[], now: Date, newId: () => string, platforms: readonly Channel[] = []): DemoCampaigns {
  const today = shanghaiDate(now);
  // 目标拆解, so a shop's own staff see their part of every campaign: by the share of the GMV each shop's
  // catalog and traffic make in this demo, so each part's 达成率 reads near the whole's.
  const split = (targetFen: number, shares: Partial<Record<Channel, number>>) => {
    const parts = allocateByRoundedPrefix(targetFen, shopIds.map((_, i) => shares[platforms[i]!] ?? 1));
    return Object.fromEntries(shopIds.map((id, i) => [id, parts[i]!]));
  };
  const year = Number(today.slice(0, 4));
  const campaign = (name: string, theme: string, startsAt: Date, endsAt: Date, targetYuan: number, shares: Partial<Record<Channel, number>> = EVERYDAY_SHARES) => {
    const createdAt = new Date(Math.min(now.getTime(), startsAt.getTime() - 40 * DAY_MS));
    return {
      id: newId(),
      name,
      theme,
      startsAt,
      endsAt,
      gmvTargetFen: targetYuan * YUAN,
      shopIds,
      shopTargetsFen: split(targetYuan * YUAN, shares),
      hourlyShape: null,
      createdAt,
      updatedAt: createdAt,
    };
  };

  // Live: opened ten days ago and closing at tonight's midnight, so today is its final 零点 rush.
  // The target is set so the history leaves it a little behind plan (pace ≈ 0.85 at the start of
  // the last day) and the live traffic has something to catch up.
  const live = campaign(
    LIVE_CAMPAIGN_NAME,
    '满300减50',
    startOfShanghaiDay(addDays(today, -10)),
    startOfShanghaiDay(addDays(today, 1)),
    150_000,
  );
  // The most recent 618 that has already ended, for target-vs-actual retrospectives; from 6.19 to
  // 6.21 still last year's, whose 复盘 (due two days after the end) is written.
  let year618 = year;
  if (startOfShanghaiDay(`${year618}-06-21`).getTime() > now.getTime()) year618 -= 1;
  const ended = campaign(
    '618年中大促',
    '跨店每满200减30',
    startOfShanghaiDay(`${year618}-06-01`),
    startOfShanghaiDay(`${year618}-06-19`),
    // DOMAIN.md's example is ¥10M; at this catalog's baskets that is 15,000+ orders to ingest on a first start.
    3_000_000,
    SHARES_618,
  );
  // Coming up to plan for, as the live one is placed: 19 days after it ends, as 12.1 follows 11.12, for twelve
  // days. Placed by the calendar it was a year away for a demo started in December, while the plan's 双12
  // 方案策划 task runs this week (demo.plan.ts).
  const upcoming = campaign(
    '双12年终盛典',
    '满200减20',
    startOfShanghaiDay(addDays(today, 20)),
    startOfShanghaiDay(addDays(today, 32)),
    2_000_000,
  );

  const milestones = liveMilestones(live.id, live.startsAt, live.endsAt, now, newId);
  const unplannedRisk = milestones.find((m) => m.riskLevel === 'HIGH' && !m.responsePlan);
  if (!unplannedRisk) throw new Error('demo needs a HIGH risk without a response plan');
  return { rows: [live, ended, upcoming], milestones, windows: [live, ended, upcoming], live, ended, unplannedRisk };
}

function liveMilestones(campaignId: string, start: Date, end: Date, now: Date, newId: () => string): (MilestoneInsert & { id: string })[] {
  const at = (base: Date, hours: number) => new Date(base.getTime() + hours * HOUR_MS);
  const nowMs = now.getTime();
  const plans: Omit<MilestoneInsert, 'campaignId'>[] = [
    {
      name: '优惠券配置',
      owner: '王磊',
      dueAt: at(start, -48),
      completionStandard: '满300减50 券全渠道配置完成并经测试',
      status: 'DONE',
      riskLevel: 'NONE',
      completedAt: at(start, -60),
    },
    {
      name: '客服培训',
      owner: '陈静',
      dueAt: at(start, -72),
      completionStandard: '客服话术培训完成，考核通过率 ≥ 95%',
      status: 'DONE',
      riskLevel: 'NONE',
      completedAt: at(start, -80),
    },
    {
      name: '页面性能优化',
      owner: '张伟',
      dueAt: at(start, -24),
      completionStandard: '活动页面加载时间 < 3 秒（4G 网络首屏）',
      status: 'DONE',
      riskLevel: 'LOW',
      completedAt: at(start, -29),
    },
    {
      name: '直播排期',
      owner: '赵敏',
      dueAt: at(start, 48),
      completionStandard: '活动期每日店播 ≥ 6 场，3 位头部主播档期确认',
      status: 'DELAYED',
      riskLevel: 'MEDIUM',
    },
    {
      name: '库存备货',
      owner: '刘洋',
      dueAt: end,
      completionStandard: '爆款 SKU 库存覆盖尾日预测销量 120%，库存≤50 的 SKU 全部补足',
      status: 'IN_PROGRESS',
      riskLevel: 'HIGH',
      responsePlan: '工厂加急补货 2,000 件，48 小时内入仓；补货到仓前低库存 SKU 转预售并下调投放',
      highRiskSince: new Date(nowMs - 72 * HOUR_MS),
    },
    {
      // HIGH since 30 hours ago and still no 风险应对方案: six hours past the 24-hour rule.
      name: '应急预案演练',
      owner: '孙浩',
      dueAt: at(end, -2),
      completionStandard: '宕机等突发事件 10 分钟内响应、30 分钟内解决，全链路演练完成并留档',
      status: 'IN_PROGRESS',
      riskLevel: 'HIGH',
      highRiskSince: new Date(nowMs - 30 * HOUR_MS),
    },
    {
      name: '物流发货保障',
      owner: '周杰',
      dueAt: at(end, 48),
      completionStandard: '大促订单 48 小时内发货率 ≥ 98%',
      status: 'NOT_STARTED',
      riskLevel: 'LOW',
    },
    {
      name: '活动复盘',
      owner: '李娜',
      dueAt: at(end, 7 * 24),
      completionStandard: '提交复盘报告：目标达成率、贡献 80% GMV 的商品、渠道 ROI、新客占比与经验沉淀',
      status: 'NOT_STARTED',
      riskLevel: 'NONE',
    },
  ];
  return plans.map((m) => ({ ...m, id: newId(), campaignId }));
}
