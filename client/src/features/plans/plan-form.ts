import { isDate } from '../../lib/shanghai-day';
import type { PlanCreate } from './plans.documents';

/** 新建运营计划 as typed. */
export interface PlanForm {
  name: string;
  owner: string;
  /** Calendar days (date inputs), Asia/Shanghai. */
  periodStart: string;
  periodEnd: string;
  /** e.g. GMV +30% */
  goal: string;
  strategy: string;
  shopIds: readonly string[];
}

export type PlanProblem = 'name' | 'owner' | 'period' | 'goal' | 'shops';

export const emptyPlanForm = (): PlanForm => ({ name: '', owner: '', periodStart: '', periodEnd: '', goal: '', strategy: '', shopIds: [] });

/** The createPlan input, or what the page finds missing. A period of one day is a period (the server's rule: the end not before the start). */
export function createPlanInput(form: PlanForm): { input: PlanCreate } | { problem: PlanProblem } {
  const name = form.name.trim();
  const owner = form.owner.trim();
  const goal = form.goal.trim();
  const strategy = form.strategy.trim();
  if (name === '') return { problem: 'name' };
  if (owner === '') return { problem: 'owner' };
  if (!isDate(form.periodStart) || !isDate(form.periodEnd) || form.periodEnd < form.periodStart) return { problem: 'period' };
  if (goal === '') return { problem: 'goal' };
  if (form.shopIds.length === 0) return { problem: 'shops' };
  return { input: { name, owner, periodStart: form.periodStart, periodEnd: form.periodEnd, goal, shopIds: [...form.shopIds], ...(strategy ? { strategy } : {}) } };
}
