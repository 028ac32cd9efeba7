import { addDays, DAY_MS, HOUR_MS, lastFriday1700, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import type { operationPlans, planTasks, TaskStatus } from '../modules/plan/plan.table.js';

type PlanInsert = typeof operationPlans.$inferInsert;
type TaskInsert = typeof planTasks.$inferInsert;

interface TaskSpec {
  title: string;
  owner: string;
  /** Days from today, so statuses stay believable whatever day the demo is started. */
  from: number;
  to: number;
  budgetYuan: number;
  personDays: string;
  status: TaskStatus;
  delayReason?: string;
  catchUpPlan?: string;
  /** Its owner missed the last Friday's update: the one task the 未按时周更 flag has to show. */
  missedLastUpdate?: true;
}

const TASKS: readonly TaskSpec[] = [
  { title: '双11 货品规划与备货', owner: '刘洋', from: -52, to: -18, budgetYuan: 0, personDays: '12.0', status: 'DONE' },
  { title: '老客召回短信与会员入会礼', owner: '陈静', from: -45, to: -14, budgetYuan: 60_000, personDays: '6.5', status: 'DONE' },
  { title: '客服机器人知识库更新', owner: '陈静', from: -30, to: -12, budgetYuan: 8_000, personDays: '3.5', status: 'DONE' },
  {
    title: '抖音达人矩阵种草（20 位腰部达人）',
    owner: '赵敏',
    from: -35,
    to: -3,
    budgetYuan: 300_000,
    personDays: '15.0',
    status: 'DELAYED',
    delayReason: '两位头部达人档期临时取消，替补达人报价超出预算 40%',
    catchUpPlan: '改为 6 位腰部达人加店播加场，预算内执行，月底前补足曝光量',
  },
  {
    title: '拼多多百亿补贴报名',
    owner: '刘洋',
    from: -20,
    to: -2,
    budgetYuan: 150_000,
    personDays: '4.0',
    status: 'DELAYED',
    delayReason: '资质审核被驳回：品牌授权书已过期',
    catchUpPlan: '已补交新授权书，审核通过后 3 个工作日内上线补贴商品',
  },
  {
    title: '直通车与京东快车关键词优化',
    owner: '王磊',
    from: -25,
    to: 10,
    budgetYuan: 200_000,
    personDays: '8.0',
    status: 'IN_PROGRESS',
    missedLastUpdate: true,
  },
  { title: '双12 年终盛典方案策划', owner: '李娜', from: -7, to: 6, budgetYuan: 20_000, personDays: '5.5', status: 'IN_PROGRESS' },
  { title: '年货节选品与供应链对接', owner: '刘洋', from: 5, to: 30, budgetYuan: 50_000, personDays: '10.0', status: 'NOT_STARTED' },
  { title: '季度复盘与明年经营规划', owner: '李娜', from: 20, to: 37, budgetYuan: 0, personDays: '6.0', status: 'NOT_STARTED' },
];

/**
 * The operations plan for the quarter containing `now` (2026年Q4 for a November 2026 demo), with
 * tasks placed around today so each status is one a weekly review would plausibly report.
 */
export function buildPlan(shopIds: string[], now: Date, newId: () => string): { plan: PlanInsert; tasks: TaskInsert[] } {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
  const periodStart = `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`;
  const nextQuarter = quarter === 3 ? `${year + 1}-01-01` : `${year}-${String(quarter * 3 + 4).padStart(2, '0')}-01`;
  const createdAt = new Date(Math.min(now.getTime(), startOfShanghaiDay(periodStart).getTime() - 7 * DAY_MS));
  const plan: PlanInsert = {
    id: newId(),
    name: `${year}年Q${quarter + 1}运营计划`,
    periodStart,
    periodEnd: addDays(nextQuarter, -1),
    goal: 'GMV 同比 +30%',
    strategy:
      '以大促为核心节点：引流款抢流量、利润款保毛利、形象款拉品牌；天猫、京东主攻搜索与活动会场，' +
      '抖音做内容种草与直播，拼多多冲百亿补贴；大促期间作战室实时盯盘，按小时调整投放预算。',
    owner: '李娜',
    shopIds,
    createdAt,
    updatedAt: createdAt,
  };
  const tasks = TASKS.map(
    (t, i): TaskInsert => ({
      planId: plan.id!,
      title: t.title,
      owner: t.owner,
      startsOn: addDays(today, t.from),
      endsOn: addDays(today, t.to),
      budgetFen: t.budgetYuan * 100,
      personDays: t.personDays,
      status: t.status,
      delayReason: t.delayReason ?? null,
      catchUpPlan: t.catchUpPlan ?? null,
      createdAt,
      updatedAt: lastUpdate(t, i, today, now, createdAt),
    }),
  );
  return { plan, tasks };
}

/**
 * When a task was last updated, as a team keeping the weekly rhythm (计划每周五 17:00 更新, judged by
 * plan.service.ts isStale) leaves it: a DONE task on the day it was done; any other on the Friday afternoon
 * of the last weekly deadline before `now`, each owner at their own time before 17:00, or on the day it
 * started if that came later. NOT_STARTED tasks too, since the rule asks every task that is not DONE for
 * its weekly update. The task that missed the last update was last touched the Friday before.
 */
function lastUpdate(t: TaskSpec, index: number, today: string, now: Date, createdAt: Date): Date {
  const day = (daysFromToday: number, hour: number) => startOfShanghaiDay(addDays(today, daysFromToday)).getTime() + hour * HOUR_MS;
  let at: number;
  if (t.status === 'DONE') at = day(t.to, 18);
  else {
    const deadline = lastFriday1700(now).getTime() - (t.missedLastUpdate ? 7 * DAY_MS : 0);
    // Between about 13:40 and 16:40: the week's updates come in over the afternoon, not at one instant.
    const friday = deadline - (20 + ((index * 47) % 180)) * MINUTE_MS;
    at = t.status === 'NOT_STARTED' ? friday : Math.max(friday, day(t.from, 10));
  }
  return new Date(Math.min(now.getTime(), Math.max(createdAt.getTime(), at)));
}
