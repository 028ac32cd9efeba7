import type { campaignMilestones, MilestoneStatus, RiskLevel } from '../modules/campaign/campaign.table.js';
import type { milestoneChanges } from '../modules/campaign/milestone-changes.table.js';
import { seededUuid, type Random } from './demo.random.js';
import { HOUR_MS } from '../lib/time.js';


type MilestoneInsert = typeof campaignMilestones.$inferInsert;
type ChangeInsert = typeof milestoneChanges.$inferInsert;

/** One change of status or risk: hours from the campaign's start, and who made it. */
type Step = readonly [hours: number, status: MilestoneStatus, risk: RiskLevel, by: string];

interface Spec {
  name: string;
  owner: string;
  /** Hours from the campaign's start. */
  dueHours: number;
  completionStandard: string;
  responsePlan?: string;
  actualSituation: string;
  steps: readonly Step[];
}

export interface MilestoneFacts {
  /** Share of the 618's shipped orders that left within 24 hours of payment. */
  shippedWithin24h: number;
}

/**
 * The 618's 关键节点 as they went: every one DONE in the end, some late, the stock and the page
 * speed through HIGH risk with a response plan written within the day, and logistics caught by the
 * final-day 爆仓 the alerts also show. Each step is a row of milestone_changes.
 */
function specs(facts: MilestoneFacts): Spec[] {
  const created = -38 * 24;
  return [
    {
      name: '大促会场报名与预售',
      owner: '刘洋',
      dueHours: -10 * 24,
      completionStandard: '四个平台主会场报名全部通过，预售商品 5 月 20 日前上线',
      actualSituation: '四个平台会场均报名通过，预售 5 月 19 日上线，定金订单 1,200 余笔',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [-30 * 24, 'IN_PROGRESS', 'LOW', '刘洋'], [-13 * 24 + 16, 'DONE', 'LOW', '刘洋']],
    },
    {
      name: '客服培训',
      owner: '陈静',
      dueHours: -3 * 24,
      completionStandard: '618 话术与价保规则培训完成，考核通过率 ≥ 95%',
      actualSituation: '首轮考核通过率 88%，补训一场后达 97%，比计划晚 1 天完成',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [-10 * 24, 'IN_PROGRESS', 'LOW', '陈静'], [-5 * 24 + 18, 'IN_PROGRESS', 'MEDIUM', '陈静'], [-2 * 24 + 10, 'DONE', 'LOW', '陈静']],
    },
    {
      name: '优惠券配置',
      owner: '王磊',
      dueHours: -2 * 24,
      completionStandard: '跨店每满200减30 及店铺券全渠道配置完成并经测试',
      actualSituation: '全渠道配置完成，测试 36 个叠券场景无误',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [-6 * 24, 'IN_PROGRESS', 'NONE', '王磊'], [-3 * 24 + 15, 'DONE', 'NONE', '王磊']],
    },
    {
      name: '页面性能优化',
      owner: '张伟',
      dueHours: -24,
      completionStandard: '活动页面加载时间 < 3 秒（4G 网络首屏）',
      responsePlan: '首屏图片改 WebP 并预热 CDN；会场楼层懒加载；压测仍不达标则下线首屏视频模块',
      actualSituation: '首屏 2.4 秒（4G），3 倍峰值压测通过',
      steps: [
        [created, 'NOT_STARTED', 'NONE', '李娜'],
        [-8 * 24, 'IN_PROGRESS', 'MEDIUM', '张伟'],
        [-4 * 24 + 11, 'IN_PROGRESS', 'HIGH', '张伟'],
        [-2 * 24 + 17, 'IN_PROGRESS', 'LOW', '张伟'],
        [-27, 'DONE', 'LOW', '张伟'],
      ],
    },
    {
      name: '应急预案演练',
      owner: '孙浩',
      dueHours: -24,
      completionStandard: '宕机等突发事件 10 分钟内响应、30 分钟内解决，全链路演练完成并留档',
      actualSituation: '全链路演练 2 次，平均响应 6 分钟、恢复 22 分钟，已留档',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [-9 * 24, 'IN_PROGRESS', 'NONE', '孙浩'], [-2 * 24 + 21, 'DONE', 'NONE', '孙浩']],
    },
    {
      name: '直播排期',
      owner: '赵敏',
      dueHours: 2 * 24,
      completionStandard: '活动期每日店播 ≥ 6 场，3 位头部主播档期确认',
      actualSituation: '1 位头部主播档期临时取消，改为 2 位腰部主播并加开店播，6 月 4 日完成排期，晚 2 天',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [-15 * 24, 'IN_PROGRESS', 'LOW', '赵敏'], [24 + 9, 'DELAYED', 'MEDIUM', '赵敏'], [3 * 24 + 19, 'DONE', 'LOW', '赵敏']],
    },
    {
      name: '库存备货',
      owner: '刘洋',
      dueHours: 14 * 24,
      completionStandard: '爆款 SKU 库存覆盖 6.18 当日预测销量 120%，库存≤50 的 SKU 全部补足',
      responsePlan: '工厂加急补货 3,000 件，72 小时内入仓；到仓前爆款转预售并下调直通车出价',
      actualSituation: '天猫爆款 6 月 7 日库存跌破预警线，补货 6 月 9 日到仓；6.18 当日爆款库存覆盖 130%',
      steps: [
        [created, 'NOT_STARTED', 'NONE', '李娜'],
        [-20 * 24, 'IN_PROGRESS', 'LOW', '刘洋'],
        [3 * 24 + 10, 'IN_PROGRESS', 'MEDIUM', '刘洋'],
        [6 * 24 + 21.75, 'IN_PROGRESS', 'HIGH', '刘洋'],
        [8 * 24 + 16.5, 'IN_PROGRESS', 'LOW', '刘洋'],
        [13 * 24 + 11, 'DONE', 'LOW', '刘洋'],
      ],
    },
    {
      name: '物流发货保障',
      owner: '周杰',
      dueHours: 18 * 24,
      completionStandard: '大促订单 24 小时内发货率 ≥ 98%',
      responsePlan: '仓库两班倒并增派临时工 40 人；顺丰、中通加开夜间车次；超 24 小时未发货订单客服主动致歉补偿 5 元券',
      actualSituation: `6.17–6.18 天猫、京东单量超预测，仓库爆仓；24 小时内发货率 ${(facts.shippedWithin24h * 100).toFixed(1)}%，未达标，6 月 20 日积压清零`,
      steps: [
        [created, 'NOT_STARTED', 'NONE', '李娜'],
        [-7 * 24, 'IN_PROGRESS', 'LOW', '周杰'],
        [16 * 24 + 11, 'IN_PROGRESS', 'HIGH', '周杰'],
        [17 * 24 + 20, 'IN_PROGRESS', 'MEDIUM', '周杰'],
        [19 * 24 + 12, 'DONE', 'LOW', '周杰'],
      ],
    },
    {
      name: '活动复盘',
      owner: '李娜',
      dueHours: 20 * 24,
      completionStandard: '提交复盘报告：目标达成率、贡献 80% GMV 的商品、渠道 ROI、新客占比与经验沉淀',
      actualSituation: '复盘报告已提交，经验教训已沉淀',
      steps: [[created, 'NOT_STARTED', 'NONE', '李娜'], [18 * 24 + 10, 'IN_PROGRESS', 'NONE', '李娜'], [LESSONS_HOURS, 'DONE', 'NONE', '李娜']],
    },
  ];
}

/** 6.20 15:30: the lessons are written, a day and a half after the end (due within two days). */
export const LESSONS_HOURS = 19 * 24 + 15.5;

export function plan618Milestones(campaignId: string, startsAt: Date, facts: MilestoneFacts, random: Random) {
  const at = (hours: number) => new Date(startsAt.getTime() + Math.round(hours * HOUR_MS));
  const milestones: (MilestoneInsert & { id: string })[] = [];
  const changes: ChangeInsert[] = [];
  for (const spec of specs(facts)) {
    const id = seededUuid(random);
    const first = spec.steps[0]!;
    const last = spec.steps.at(-1)!;
    milestones.push({
      id,
      campaignId,
      name: spec.name,
      owner: spec.owner,
      dueAt: at(spec.dueHours),
      completionStandard: spec.completionStandard,
      status: last[1],
      riskLevel: last[2],
      responsePlan: spec.responsePlan ?? null,
      actualSituation: spec.actualSituation,
      highRiskSince: null,
      completedAt: at(last[0]),
      createdAt: at(first[0]),
      updatedAt: at(last[0]),
    });
    for (const [hours, status, riskLevel, by] of spec.steps) changes.push({ id: seededUuid(random), milestoneId: id, status, riskLevel, changedAt: at(hours), changedBy: by });
  }
  return { milestones, changes };
}
