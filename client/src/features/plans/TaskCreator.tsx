import { For, Show } from 'solid-js';
import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useCheckedForm } from '../console/save-failure';
import type { PlanTaskRow } from './plans.documents';
import type { TaskForm, TaskProblem } from './task-form';

const STATUSES: readonly PlanTaskRow['status'][] = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED'];

export interface TaskCreatorProps {
  initial: TaskForm;
  onSubmit: (form: TaskForm) => Promise<{ problem: TaskProblem } | MutationOutcome<unknown>>;
  onCancel: () => void;
}

/** 新建任务 under a plan: title, owner, start and end days, budget (yuan), person-days, status; a delay with its reason and catch-up plan. */
export function TaskCreator(props: TaskCreatorProps) {
  const { t } = useI18n();
  const { form, change, submit, problem, pending, failure } = useCheckedForm<TaskForm, TaskProblem>(() => props.initial, (typed) => props.onSubmit(typed));
  const missing = (field: 'delayReason' | 'catchUpPlan') => problem() === field || problem() === 'delay';
  return (
    <form class="console-create-form" data-testid="task-creator" onSubmit={submit}>
      <div class="console-create-grid">
        <label class="field">
          {t('plans.taskTitle')}
          <input value={form().title} maxLength={200} aria-invalid={problem() === 'title'} onInput={(e) => change({ title: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.owner')}
          <input value={form().owner} maxLength={50} aria-invalid={problem() === 'owner'} onInput={(e) => change({ owner: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.startsOn')}
          <input type="date" value={form().startsOn} aria-invalid={problem() === 'dates'} onChange={(e) => change({ startsOn: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.endsOn')}
          <input type="date" value={form().endsOn} aria-invalid={problem() === 'dates'} onChange={(e) => change({ endsOn: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.budget')}
          <input inputMode="decimal" value={form().budget} aria-invalid={problem() === 'budget'} placeholder="20000.00" onInput={(e) => change({ budget: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.personDays')}
          <input inputMode="decimal" value={form().personDays} aria-invalid={problem() === 'personDays'} placeholder="2.5" onInput={(e) => change({ personDays: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.status')}
          <select value={form().status} onChange={(e) => change({ status: e.currentTarget.value as PlanTaskRow['status'] })}>
            <For each={STATUSES}>{(s) => <option value={s} selected={s === form().status}>{t(`task.${s}` as MessageKey)}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={form().status === 'DELAYED'}>
        <label class="field">
          {t('plans.delayReason')}
          <textarea rows={2} value={form().delayReason} aria-invalid={missing('delayReason')} onInput={(e) => change({ delayReason: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('plans.catchUpPlan')}
          <textarea rows={2} value={form().catchUpPlan} aria-invalid={missing('catchUpPlan')} onInput={(e) => change({ catchUpPlan: e.currentTarget.value })} />
        </label>
      </Show>
      <FormActions message={problem() ? t(`plans.problem.${problem()!}` as MessageKey) : failure()} pending={pending()} submitLabel={t('plans.createTask')} onCancel={() => props.onCancel()} />
    </form>
  );
}
