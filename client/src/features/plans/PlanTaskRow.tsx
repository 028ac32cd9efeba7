import { createSignal, Show } from 'solid-js';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { PlanTaskEditor } from './PlanTaskEditor';
import type { PlanTaskRow as Task, PlanTaskUpdate } from './plans.documents';

/** One task: owner, status, dates, last update (flagged when the weekly Friday 17:00 update was missed); 更新 with MANAGE. */
export function PlanTaskRow(props: { task: Task; canEdit: boolean; onSave: (input: PlanTaskUpdate) => Promise<MutationOutcome<unknown>> }) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = createSignal(false);
  return (
    <tbody data-testid="plan-task" data-stale={String(props.task.stale)}>
      <tr>
        <th scope="row">
          {props.task.title}
          <Show when={props.task.delayReason}>
            {(reason) => <span class="task-note">{t('plans.delay', { reason: reason(), plan: props.task.catchUpPlan ?? '—' })}</span>}
          </Show>
        </th>
        <td>{props.task.owner}</td>
        <td>{t(`task.${props.task.status}` as MessageKey)}</td>
        <td>
          {props.task.startsOn} – {props.task.endsOn}
        </td>
        <td>
          {formatDateTime(props.task.updatedAt, locale())}
          <Show when={props.task.stale}>
            <span class="stale-flag bad">{t('plans.stale', { due: formatDateTime(props.task.weeklyUpdateDueAt, locale()) })}</span>
          </Show>
        </td>
        <td>
          <Show when={props.canEdit && !editing()}>
            <button type="button" class="link-button" aria-label={t('plans.updateNamed', { title: props.task.title })} onClick={() => setEditing(true)}>
              {t('plans.update')}
            </button>
          </Show>
        </td>
      </tr>
      <Show when={props.canEdit && editing()}>
        <tr>
          <td colSpan={6}>
            <PlanTaskEditor task={props.task} onSave={props.onSave} onClose={() => setEditing(false)} />
          </td>
        </tr>
      </Show>
    </tbody>
  );
}
