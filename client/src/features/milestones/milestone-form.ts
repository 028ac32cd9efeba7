import { shanghaiInstant } from '../../lib/shanghai-day';
import type { MilestoneCreate } from './milestones.data';
import type { RiskLevel } from './milestones.documents';

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** 新建关键节点 as typed. */
export interface MilestoneForm {
  name: string;
  owner: string;
  /** datetime-local value, Asia/Shanghai. */
  dueAt: string;
  completionStandard: string;
  /** Empty: not stated (the server's NONE). */
  riskLevel: RiskLevel | '';
  responsePlan: string;
  actualSituation: string;
}

export type MilestoneProblem = 'name' | 'owner' | 'due' | 'standard';

export const emptyMilestoneForm = (): MilestoneForm => ({ name: '', owner: '', dueAt: '', completionStandard: '', riskLevel: '', responsePlan: '', actualSituation: '' });

/**
 * The createMilestone input, or what the page finds missing. A HIGH risk may come without its response plan
 * (风险应对方案): the manuals give it 24 hours, and the server starts that clock (responsePlanDueAt).
 */
export function createMilestoneInput(campaignId: string, form: MilestoneForm): { input: MilestoneCreate } | { problem: MilestoneProblem } {
  const name = form.name.trim();
  const owner = form.owner.trim();
  const completionStandard = form.completionStandard.trim();
  const responsePlan = form.responsePlan.trim();
  const actualSituation = form.actualSituation.trim();
  if (name === '') return { problem: 'name' };
  if (owner === '') return { problem: 'owner' };
  if (!LOCAL.test(form.dueAt)) return { problem: 'due' };
  if (completionStandard === '') return { problem: 'standard' };
  return {
    input: {
      campaignId,
      name,
      owner,
      dueAt: shanghaiInstant(form.dueAt),
      completionStandard,
      ...(form.riskLevel ? { riskLevel: form.riskLevel } : {}),
      ...(responsePlan ? { responsePlan } : {}),
      ...(actualSituation ? { actualSituation } : {}),
    },
  };
}
