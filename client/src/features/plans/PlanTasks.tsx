import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { canManage, useConsole } from '../console/console.context';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { PlanCard } from './PlanCard';
import { PlanCreator } from './PlanCreator';
import { createPlanInput, emptyPlanForm, type PlanForm } from './plan-form';
import { CreatePlanMutation, CreatePlanTaskMutation, PlansQuery, UpdatePlanTaskMutation, type PlanTaskCreate, type PlanTaskRow as Task, type PlanTaskUpdate } from './plans.documents';

/** Every plan the caller sees with its tasks (a task not updated by the weekly Friday 17:00 deadline is flagged); with MANAGE, 新建运营计划 and 新建任务. */
export function PlanTasks() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [plans, refetch] = createQuery({ query: PlansQuery });
  const [shops] = createQuery({ query: ConsoleShopsQuery, pause: () => !canManage(services.permissions()) });
  // Tasks as the last update returned them: the row shows what the server stored (its stale flag cleared).
  const [saved, setSaved] = createSignal<ReadonlyMap<string, Task>>(new Map());
  const [creating, setCreating] = createSignal(false);
  const mayManage = () => canManage(services.permissions());
  const list = () => plans.data?.plans.edges.map((e) => e.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const save = async (input: PlanTaskUpdate) => {
    const outcome = await sendMutation(client, UpdatePlanTaskMutation, { input }, (data) => data.updatePlanTask, (payload) => payload.task);
    if (outcome.ok) setSaved((current) => new Map(current).set(outcome.value.id, outcome.value));
    return outcome;
  };
  const createTask = async (input: PlanTaskCreate) => {
    const outcome = await sendMutation(client, CreatePlanTaskMutation, { input }, (data) => data.createPlanTask, (payload) => payload.task);
    if (outcome.ok) reload();
    return outcome;
  };
  // One requestId per opened form: saving it again after a lost answer is answered with the plan made.
  let requestId = '';
  const openNew = () => {
    requestId = `console-${crypto.randomUUID()}`;
    setCreating(true);
  };
  const createPlan = async (form: PlanForm) => {
    const built = createPlanInput(form);
    if ('problem' in built) return built;
    const outcome = await sendMutation(client, CreatePlanMutation, { input: { ...built.input, requestId } }, (data) => data.createPlan, (payload) => payload.plan);
    if (outcome.ok) {
      setCreating(false);
      reload();
    }
    return outcome;
  };
  return (
    <section class="console-card" data-testid="plans">
      <h3>
        {t('plans.title')}
        <Show when={mayManage() && !creating()}>
          <button type="button" class="link-button" onClick={openNew}>
            {t('plans.new')}
          </button>
        </Show>
      </h3>
      <InlineError message={plans.error && t('app.error', { message: errorIn(plans.error, locale()) })} />
      <Show when={creating()}>
        <PlanCreator initial={emptyPlanForm()} shops={shops.data?.shops.edges.map((e) => e.node) ?? []} onSubmit={createPlan} onCancel={() => setCreating(false)} />
      </Show>
      <Show when={plans.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        <Show when={list().length > 0} fallback={<p class="empty">{t('plans.none')}</p>}>
          <For each={list()}>{(plan) => <PlanCard plan={plan} saved={(id) => saved().get(id)} canManage={mayManage()} onSave={save} onCreateTask={createTask} />}</For>
        </Show>
      </Show>
    </section>
  );
}
