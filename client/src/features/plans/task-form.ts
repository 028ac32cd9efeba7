import { isDate } from '../../lib/shanghai-day';
import { amountOf } from '../../lib/yuan';
import type { PlanTaskCreate, PlanTaskRow } from './plans.documents';

type TaskStatus = PlanTaskRow['status'];

/** 新建任务 as typed. */
export interface TaskForm {
  title: string;
  owner: string;
  /** Calendar days (date inputs). */
  startsOn: string;
  endsOn: string;
  /** Yuan as typed; empty: none (0). */
  budget: string;
  /** 人天 as typed ("2.5"); empty: none (0). */
  personDays: string;
  status: TaskStatus;
  delayReason: string;
  catchUpPlan: string;
}

/** `delay`: a DELAYED task with neither its reason nor its catch-up plan (both asked for at once). */
export type TaskProblem = 'title' | 'owner' | 'dates' | 'budget' | 'personDays' | 'delayReason' | 'catchUpPlan' | 'delay';

export const emptyTaskForm = (): TaskForm => ({ title: '', owner: '', startsOn: '', endsOn: '', budget: '', personDays: '', status: 'NOT_STARTED', delayReason: '', catchUpPlan: '' });

/** The server's person-days: at most one decimal. */
const PERSON_DAYS = /^\d{1,5}(\.\d)?$/;

/** Yuan as the API's Decimal: as amountOf, and 0 allowed (a task may cost nothing); null when not an amount. */
function budgetOf(typed: string): string | null {
  return /^\s*[¥￥]?\s*0+(\.0{1,2})?\s*$/.test(typed) ? '0.00' : amountOf(typed);
}

/**
 * The createPlanTask input, or what the page finds missing. A delayed task needs its reason and its
 * catch-up plan (DOMAIN.md); with both missing the page asks for both in one go, as the server would.
 */
export function createTaskInput(planId: string, form: TaskForm): { input: PlanTaskCreate } | { problem: TaskProblem } {
  const title = form.title.trim();
  const owner = form.owner.trim();
  const delayReason = form.delayReason.trim();
  const catchUpPlan = form.catchUpPlan.trim();
  const personDays = form.personDays.trim();
  if (title === '') return { problem: 'title' };
  if (owner === '') return { problem: 'owner' };
  if (!isDate(form.startsOn) || !isDate(form.endsOn) || form.endsOn < form.startsOn) return { problem: 'dates' };
  const budget = form.budget.trim() === '' ? undefined : budgetOf(form.budget);
  if (budget === null) return { problem: 'budget' };
  if (personDays !== '' && !PERSON_DAYS.test(personDays)) return { problem: 'personDays' };
  if (form.status === 'DELAYED' && !delayReason && !catchUpPlan) return { problem: 'delay' };
  if (form.status === 'DELAYED' && !delayReason) return { problem: 'delayReason' };
  if (form.status === 'DELAYED' && !catchUpPlan) return { problem: 'catchUpPlan' };
  // A reason typed and then the status moved off DELAYED is not sent: the task is not delayed.
  const delayed = form.status === 'DELAYED';
  return {
    input: {
      planId,
      title,
      owner,
      startsOn: form.startsOn,
      endsOn: form.endsOn,
      status: form.status,
      ...(budget !== undefined ? { budget } : {}),
      ...(personDays ? { personDays } : {}),
      ...(delayed ? { delayReason, catchUpPlan } : {}),
    },
  };
}
