import { createSignal, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import { formatCalendarDay } from '../../lib/format';
import type { PlanRow, PlanTaskCreate, PlanTaskRow as Task, PlanTaskUpdate } from './plans.documents';
import { PlanTaskRow } from './PlanTaskRow';
import { createTaskInput, emptyTaskForm, type TaskForm } from './task-form';
import { TaskCreator } from './TaskCreator';

export interface PlanCardProps {
  plan: PlanRow;
  /** A task as the last update returned it, when newer than the list's copy. */
  saved: (id: string) => Task | undefined;
  canManage: boolean;
  onSave: (input: PlanTaskUpdate) => Promise<MutationOutcome<unknown>>;
  onCreateTask: (input: PlanTaskCreate) => Promise<MutationOutcome<unknown>>;
}

/** One operations plan: its owner, goal and period, its tasks, and with MANAGE 新建任务. */
export function PlanCard(props: PlanCardProps) {
  const { t, locale } = useI18n();
  const [creating, setCreating] = createSignal(false);
  // One requestId per opened form: saving it again after a lost answer is answered with the task made.
  let requestId = '';
  const openNew = () => {
    requestId = `console-${crypto.randomUUID()}`;
    setCreating(true);
  };
  const create = async (form: TaskForm) => {
    const built = createTaskInput(props.plan.id, form);
    if ('problem' in built) return built;
    const outcome = await props.onCreateTask({ ...built.input, requestId });
    if (outcome.ok) setCreating(false);
    return outcome;
  };
  return (
    <article class="plan" data-testid="plan">
      <h4>
        {props.plan.name}
        <span class="plan-meta">{t('plans.meta', { owner: props.plan.owner, goal: props.plan.goal, from: formatCalendarDay(props.plan.periodStart, locale()), to: formatCalendarDay(props.plan.periodEnd, locale()) })}</span>
        <Show when={props.canManage && !creating()}>
          <button type="button" class="link-button" aria-label={t('plans.newTaskIn', { plan: props.plan.name })} onClick={openNew}>
            {t('plans.newTask')}
          </button>
        </Show>
      </h4>
      <ConsoleTable columns={[t('plans.task'), t('plans.owner'), t('plans.status'), t('plans.period'), t('plans.updated'), '']}>
        <For each={props.plan.tasks}>{(task) => <PlanTaskRow task={props.saved(task.id) ?? task} canEdit={props.canManage} onSave={props.onSave} />}</For>
      </ConsoleTable>
      <Show when={creating()}>
        <TaskCreator initial={emptyTaskForm()} onSubmit={create} onCancel={() => setCreating(false)} />
      </Show>
    </article>
  );
}
