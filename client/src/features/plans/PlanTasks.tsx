import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatCalendarDay } from '../../lib/format';
import { canManage, useConsole } from '../console/console.context';
import { PlansQuery, UpdatePlanTaskMutation, type PlanTaskRow as Task, type PlanTaskUpdate } from './plans.documents';
import { PlanTaskRow } from './PlanTaskRow';

/** Every plan the caller sees with its tasks; a task not updated by the weekly Friday 17:00 deadline is flagged. */
export function PlanTasks() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [plans] = createQuery({ query: PlansQuery });
  // Tasks as the last update returned them: the row shows what the server stored (its stale flag cleared).
  const [saved, setSaved] = createSignal<ReadonlyMap<string, Task>>(new Map());
  const list = () => plans.data?.plans.edges.map((e) => e.node) ?? [];
  const save = async (input: PlanTaskUpdate) => {
    const outcome = await sendMutation(client, UpdatePlanTaskMutation, { input }, (data) => data.updatePlanTask, (payload) => payload.task);
    if (outcome.ok) setSaved((current) => new Map(current).set(outcome.value.id, outcome.value));
    return outcome;
  };
  return (
    <section class="console-card" data-testid="plans">
      <h3>{t('plans.title')}</h3>
      <InlineError message={plans.error && t('app.error', { message: errorIn(plans.error, locale()) })} />
      <Show when={plans.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        <Show when={list().length > 0} fallback={<p class="empty">{t('plans.none')}</p>}>
          <For each={list()}>
            {(plan) => (
              <article class="plan" data-testid="plan">
                <h4>
                  {plan.name}
                  <span class="plan-meta">{t('plans.meta', { owner: plan.owner, goal: plan.goal, from: formatCalendarDay(plan.periodStart, locale()), to: formatCalendarDay(plan.periodEnd, locale()) })}</span>
                </h4>
                <ConsoleTable columns={[t('plans.task'), t('plans.owner'), t('plans.status'), t('plans.period'), t('plans.updated'), '']}>
                  <For each={plan.tasks}>{(task) => <PlanTaskRow task={saved().get(task.id) ?? task} canEdit={canManage(services.permissions())} onSave={save} />}</For>
                </ConsoleTable>
              </article>
            )}
          </For>
        </Show>
      </Show>
    </section>
  );
}
