import { createSignal, For, Show, untrack } from 'solid-js';
import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useSaveFailure } from '../console/save-failure';
import type { PlanTaskRow, PlanTaskUpdate } from './plans.documents';

const STATUSES: readonly PlanTaskRow['status'][] = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED'];

/** Only what was changed here; blank text clears. */
export function changedTask(task: PlanTaskRow, form: { status: PlanTaskRow['status']; delayReason: string; catchUpPlan: string }): PlanTaskUpdate {
  const input: PlanTaskUpdate = { id: task.id };
  if (form.status !== task.status) input.status = form.status;
  if (form.delayReason.trim() !== (task.delayReason ?? '')) input.delayReason = form.delayReason.trim();
  if (form.catchUpPlan.trim() !== (task.catchUpPlan ?? '')) input.catchUpPlan = form.catchUpPlan.trim();
  return input;
}

/** The weekly update of one task (MANAGE): status, and for a delay its reason and catch-up plan. */
export function PlanTaskEditor(props: { task: PlanTaskRow; onSave: (input: PlanTaskUpdate) => Promise<MutationOutcome<unknown>>; onClose: () => void }) {
  const { t } = useI18n();
  const opened = untrack(() => props.task);
  const [status, setStatus] = createSignal(opened.status);
  const [delayReason, setDelayReason] = createSignal(opened.delayReason ?? '');
  const [catchUpPlan, setCatchUpPlan] = createSignal(opened.catchUpPlan ?? '');
  const [pending, setPending] = createSignal(false);
  const failure = useSaveFailure();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setPending(true);
    const outcome = await props.onSave(changedTask(opened, { status: status(), delayReason: delayReason(), catchUpPlan: catchUpPlan() }));
    setPending(false);
    failure.show(outcome);
    if (outcome.ok) props.onClose();
  };
  return (
    <form class="plan-task-editor" data-testid="plan-task-editor" onSubmit={(e) => void submit(e)}>
      <label class="field field-inline">
        {t('plans.status')}
        <select value={status()} onChange={(e) => setStatus(e.currentTarget.value as PlanTaskRow['status'])}>
          <For each={STATUSES}>{(s) => <option value={s} selected={s === status()}>{t(`task.${s}` as MessageKey)}</option>}</For>
        </select>
      </label>
      <Show when={status() === 'DELAYED' || delayReason() || catchUpPlan()}>
        <label class="field">
          {t('plans.delayReason')}
          <textarea rows={2} value={delayReason()} onInput={(e) => setDelayReason(e.currentTarget.value)} />
        </label>
        <label class="field">
          {t('plans.catchUpPlan')}
          <textarea rows={2} value={catchUpPlan()} onInput={(e) => setCatchUpPlan(e.currentTarget.value)} />
        </label>
      </Show>
      <FormActions message={failure.message()} pending={pending()} submitLabel={t('plans.saveTask')} onCancel={() => props.onClose()} />
    </form>
  );
}
