import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime } from '../../lib/format';
import type { MilestoneRow } from './milestones.documents';

/** A response plan worth a line: a HIGH or MEDIUM risk still open; a done milestone's plan is history. */
function shownPlan(m: Pick<MilestoneRow, 'riskLevel' | 'responsePlan' | 'status'>): string | undefined {
  const plan = m.responsePlan?.trim();
  return plan && m.status !== 'DONE' && (m.riskLevel === 'HIGH' || m.riskLevel === 'MEDIUM') ? plan : undefined;
}

/**
 * A HIGH risk without a response plan is the one thing on this board that must not be missed — while the
 * milestone is open: one done owes no plan (the server's responsePlanDueAt is null, and no alert stands).
 */
export function needsResponsePlan(m: Pick<MilestoneRow, 'riskLevel' | 'responsePlan' | 'status'>): boolean {
  return m.status !== 'DONE' && m.riskLevel === 'HIGH' && !m.responsePlan?.trim();
}

/**
 * Open, not yet 已逾期, and its campaign gives a grace after the due time (MILESTONE_OVERDUE): the board says
 * until when, the moment it turns 已逾期 and the alert fires, so a milestone past its due time is not read as on track.
 */
export function inGrace(m: Pick<MilestoneRow, 'status' | 'overdue' | 'dueAt' | 'overdueAt'>): boolean {
  return m.status !== 'DONE' && !m.overdue && Date.parse(m.overdueAt) > Date.parse(m.dueAt);
}

export interface MilestoneItemProps {
  milestone: MilestoneRow;
  /** Shown only to a viewer with MANAGE: updateMilestone would refuse anyone else. */
  canEdit: boolean;
  /** `opener` gets the focus back when the editor closes. */
  onEdit: (opener: HTMLElement) => void;
  /**
   * With the completion standard as a line of its own; compact, it is the item's tooltip, so a wall panel
   * shows several milestones instead of one card. 实际情况, what someone reported, always shows.
   */
  detailed: boolean;
}

/**
 * One milestone: name, status and risk, owner and due time (Beijing), the completion standard, the
 * 实际情况 note when there is one, and the missing-plan warning. Lines that may not fit are cut with an
 * ellipsis and readable in full as a tooltip.
 */
export function MilestoneItem(props: MilestoneItemProps) {
  const { t, locale } = useI18n();
  const m = () => props.milestone;
  const standard = () => t('milestones.standard', { text: m().completionStandard });
  const graceNote = () => (
    <span data-testid="milestone-grace" title={t('milestones.graceHint')}>
      {t('milestones.graceUntil', { at: formatDateTime(m().overdueAt, locale()) })}
    </span>
  );
  return (
    <li
      class={`milestone risk-${m().riskLevel.toLowerCase()}`}
      classList={{ 'needs-plan': needsResponsePlan(m()), done: m().status === 'DONE', compact: !props.detailed }}
      title={props.detailed ? undefined : `${t('milestones.owner')} ${m().owner} · ${t('milestones.due')} ${formatDateTime(m().dueAt, locale())}\n${standard()}`}
      data-testid="milestone"
      data-id={m().id}
      data-needs-plan={needsResponsePlan(m()) ? 'true' : 'false'}
    >
      <div class="milestone-line">
        <span class="milestone-name" title={m().name}>
          {m().name}
        </span>
        {/* Compact: owner and due on the name's line, so the item is one line. */}
        <Show when={!props.detailed}>
          <span class="milestone-meta" classList={{ overdue: m().overdue }} data-testid="milestone-meta">
            {m().owner} · {formatDateTime(m().dueAt, locale())}
            <Show when={m().overdue}> · {t('milestones.overdue')}</Show>
            <Show when={inGrace(m())}> · {graceNote()}</Show>
          </span>
        </Show>
        <span class={`milestone-status status-${m().status.toLowerCase()}`}>{t(`milestone.${m().status}`)}</span>
        <span class="risk-chip">{t(`risk.${m().riskLevel}`)}</span>
        <Show when={props.canEdit}>
          <button type="button" class="milestone-edit" aria-label={t('milestones.editNamed', { name: m().name })} onClick={(e) => props.onEdit(e.currentTarget)}>
            {t('milestones.edit')}
          </button>
        </Show>
      </div>
      <Show when={props.detailed}>
        <div class="milestone-meta" data-testid="milestone-meta" title={`${t('milestones.owner')} ${m().owner} · ${t('milestones.due')} ${formatDateTime(m().dueAt, locale())}`}>
          {t('milestones.owner')} {m().owner} · {t('milestones.due')} {formatDateTime(m().dueAt, locale())}
          <Show when={m().overdue}>
            <span class="overdue"> · {t('milestones.overdue')}</span>
          </Show>
          <Show when={inGrace(m())}> · {graceNote()}</Show>
        </div>
        <div class="milestone-standard" title={m().completionStandard}>
          {standard()}
        </div>
      </Show>
      <Show when={m().actualSituation?.trim()}>
        {(text) => (
          <div class="milestone-actual" data-testid="milestone-actual" title={text()}>
            {t('milestones.actual', { text: text() })}
          </div>
        )}
      </Show>
      {/* What the room will do about a risk: on the wall's compact rows too, where the editor is not open. */}
      <Show when={shownPlan(m())}>
        {(text) => (
          <div class="milestone-plan" data-testid="milestone-plan" title={text()}>
            {t('milestones.planLine', { text: text() })}
          </div>
        )}
      </Show>
      <Show when={needsResponsePlan(m())}>
        <div class="no-plan" data-testid="no-plan-warning">
          ⚠ {t('milestones.noPlan')}
          <Show when={m().responsePlanDueAt}>
            {(due) => (
              <Show when={m().responsePlanOverdue} fallback={<> · {t('milestones.planDue', { at: formatDateTime(due(), locale()) })}</>}>
                {' · '}
                <span class="overdue" data-testid="plan-overdue">
                  {t('milestones.planOverdue', { at: formatDateTime(due(), locale()) })}
                </span>
              </Show>
            )}
          </Show>
        </div>
      </Show>
    </li>
  );
}
