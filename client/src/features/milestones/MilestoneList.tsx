import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { MilestoneItem, needsResponsePlan } from './MilestoneItem';
import type { MilestoneRow } from './milestones.documents';

export { needsResponsePlan };

/** What needs the room's attention first: missing plans, then open work by due date, finished work last. */
export function boardOrder(milestones: readonly MilestoneRow[]): MilestoneRow[] {
  const rank = (m: MilestoneRow) => (needsResponsePlan(m) ? 0 : m.status === 'DONE' ? 2 : 1);
  return [...milestones].sort((a, b) => rank(a) - rank(b) || Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

export interface MilestoneListProps {
  milestones: readonly MilestoneRow[];
  /** The viewer may manage: each milestone gets an edit button. */
  canEdit?: boolean;
  onEdit?: (milestone: MilestoneRow, opener: HTMLElement) => void;
}

/**
 * The board in attention order (boardOrder). Only the first milestone, the one the room must act on first,
 * shows its completion standard; the rest are one line each (name, owner and due, status and risk; 实际情况
 * below when reported) with the standard as their tooltip, so the wall's panel lists several, not one card.
 */
export function MilestoneList(props: MilestoneListProps) {
  const { t } = useI18n();
  // Listed by id, so a changed milestone is the same item updated in place (and keeps its focus).
  const byId = createMemo(() => new Map(props.milestones.map((m) => [m.id, m])));
  const orderedIds = createMemo(() => boardOrder(props.milestones).map((m) => m.id), undefined, { equals: sameIds });
  return (
    <Show when={props.milestones.length > 0} fallback={<p class="empty">{t('milestones.empty')}</p>}>
      <ul class="milestones" data-testid="milestones">
        <For each={orderedIds()}>
          {(id, index) => (
            <Show when={byId().get(id)}>
              {(m) => <MilestoneItem milestone={m()} detailed={index() === 0} canEdit={props.canEdit ?? false} onEdit={(opener) => props.onEdit?.(m(), opener)} />}
            </Show>
          )}
        </For>
      </ul>
    </Show>
  );
}
