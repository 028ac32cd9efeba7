import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';

export interface MilestoneRow {
  id: string;
  name: string;
  owner: string;
  dueAt: string;
  completionStandard: string;
  status: string;
  riskLevel: string;
  responsePlan: string | null;
  responsePlanDueAt: string | null;
  responsePlanOverdue: boolean;
  overdue: boolean;
}

/** A HIGH risk without a response plan is the one thing on this board that must not be missed. */
export function needsResponsePlan(m: Pick<MilestoneRow, 'riskLevel' | 'responsePlan'>): boolean {
  return m.riskLevel === 'HIGH' && !m.responsePlan?.trim();
}

/** What needs the room's attention first: missing plans, then open work by due date, finished work last. */
export function boardOrder(milestones: readonly MilestoneRow[]): MilestoneRow[] {
  const rank = (m: MilestoneRow) => (needsResponsePlan(m) ? 0 : m.status === 'DONE' ? 2 : 1);
  return [...milestones].sort((a, b) => rank(a) - rank(b) || Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

export function MilestoneList(props: { milestones: readonly MilestoneRow[] }) {
  const { t, locale } = useI18n();
  const ordered = createMemo(() => boardOrder(props.milestones));
  return (
    <Show when={props.milestones.length > 0} fallback={<p class="empty">{t('milestones.empty')}</p>}>
      <ul class="milestones" data-testid="milestones">
        <For each={ordered()}>
          {(m) => (
            <li
              class={`milestone risk-${m.riskLevel.toLowerCase()}`}
              classList={{ 'needs-plan': needsResponsePlan(m), done: m.status === 'DONE' }}
              data-testid="milestone"
              data-needs-plan={needsResponsePlan(m) ? 'true' : 'false'}
            >
              <div class="milestone-line">
                <span class="milestone-name">{m.name}</span>
                <span class={`milestone-status status-${m.status.toLowerCase()}`}>{t(`milestone.${m.status}` as MessageKey)}</span>
                <span class="risk-chip">{t(`risk.${m.riskLevel}` as MessageKey)}</span>
              </div>
              <div class="milestone-meta">
                {t('milestones.owner')} {m.owner} · {t('milestones.due')} {formatDateTime(m.dueAt, locale())}
                <Show when={m.overdue}>
                  <span class="overdue"> · {t('milestones.overdue')}</span>
                </Show>
              </div>
              <div class="milestone-standard">{t('milestones.standard', { text: m.completionStandard })}</div>
              <Show when={needsResponsePlan(m)}>
                <div class="no-plan" data-testid="no-plan-warning">
                  ⚠ {t('milestones.noPlan')}
                  <Show when={m.responsePlanDueAt}>{(due) => <> · {t('milestones.planDue', { at: formatDateTime(due(), locale()) })}</>}</Show>
                </div>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
