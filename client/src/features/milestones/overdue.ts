import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { MilestoneRow } from './milestones.documents';

/** setTimeout's longest delay is ~24.8 days; waking once a day to look again is plenty. */
const MAX_WAIT_MS = 86_400_000;

/** Past due and not DONE: the server's rule (isOverdue), on this screen's clock. */
export function isOverdue(m: Pick<MilestoneRow, 'status' | 'dueAt'>, nowMs: number): boolean {
  return m.status !== 'DONE' && Date.parse(m.dueAt) < nowMs;
}

/**
 * The screen's wall clock, moved on only when the next unfinished milestone falls due: a due time
 * passing publishes nothing (no milestoneChanged), and a board loaded once would otherwise keep the
 * `overdue` the server worked out at load time for good.
 */
export function createDueClock(milestones: Accessor<readonly MilestoneRow[]>): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    const current = now();
    const upcoming = milestones()
      .filter((m) => m.status !== 'DONE')
      .map((m) => Date.parse(m.dueAt))
      .filter((due) => due >= current);
    if (upcoming.length === 0) return;
    // Just past the due time: isOverdue asks for due < now.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(Math.min(...upcoming) - current + 1, MAX_WAIT_MS));
    onCleanup(() => clearTimeout(timer));
  });
  return now;
}

/** Each milestone with `overdue` as of `nowMs`: the server's verdict stands, and time passing adds to it. */
export function withOverdue(milestones: readonly MilestoneRow[], nowMs: number): MilestoneRow[] {
  return milestones.map((m) => (m.overdue || !isOverdue(m, nowMs) ? m : { ...m, overdue: true }));
}
