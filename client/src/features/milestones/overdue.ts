import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { MilestoneRow } from './milestones.documents';

/** setTimeout's longest delay is ~24.8 days; waking once a day to look again is plenty. */
const MAX_WAIT_MS = 86_400_000;

/**
 * Not DONE and past `overdueAt` (its due time plus the MILESTONE_OVERDUE grace set for its campaign): the
 * server's rule (isOverdue), which is the alert's, on this screen's clock. Within the grace it is not 已逾期:
 * the board never says so before the alert does.
 */
export function isOverdue(m: Pick<MilestoneRow, 'status' | 'overdueAt'>, nowMs: number): boolean {
  return m.status !== 'DONE' && Date.parse(m.overdueAt) < nowMs;
}

type PlanFields = Pick<MilestoneRow, 'riskLevel' | 'responsePlan' | 'responsePlanDueAt'>;

/** The deadline of a response plan still missing (HIGH risk, none written), in ms; null when none is due. */
const missingPlanDue = (m: PlanFields): number | null =>
  m.riskLevel === 'HIGH' && !m.responsePlan?.trim() && m.responsePlanDueAt ? Date.parse(m.responsePlanDueAt) : null;

/** HIGH risk, no response plan, and its hours are up (24, or its campaign's HIGH_RISK_WITHOUT_PLAN): the server's rule (responsePlanOverdue), on this screen's clock. */
export function isPlanOverdue(m: PlanFields, nowMs: number): boolean {
  const due = missingPlanDue(m);
  return due !== null && due < nowMs;
}

/**
 * The screen's wall clock, moved on only when the next unfinished milestone or missing response plan
 * falls due: a due time passing publishes nothing (no milestoneChanged), and a board loaded once would
 * otherwise keep the `overdue` the server worked out at load time for good.
 */
export function createDueClock(milestones: Accessor<readonly MilestoneRow[]>): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    const current = now();
    const upcoming = milestones()
      .flatMap((m) => [m.status !== 'DONE' ? Date.parse(m.overdueAt) : null, missingPlanDue(m)])
      .filter((due): due is number => due !== null && due >= current);
    if (upcoming.length === 0) return;
    // Just past the due time: isOverdue asks for overdueAt < now.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(Math.min(...upcoming) - current + 1, MAX_WAIT_MS));
    onCleanup(() => clearTimeout(timer));
  });
  return now;
}

/**
 * Each milestone with `overdue` and `responsePlanOverdue` as of `nowMs`: the server's verdicts stand,
 * and time passing adds to them.
 */
export function withOverdue(milestones: readonly MilestoneRow[], nowMs: number): MilestoneRow[] {
  return milestones.map((m) => {
    const overdue = m.overdue || isOverdue(m, nowMs);
    const responsePlanOverdue = m.responsePlanOverdue || isPlanOverdue(m, nowMs);
    return overdue === m.overdue && responsePlanOverdue === m.responsePlanOverdue ? m : { ...m, overdue, responsePlanOverdue };
  });
}
