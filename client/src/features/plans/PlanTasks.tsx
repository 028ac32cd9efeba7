import { createQuery } from '@urql/solid';
import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { PlansQuery } from './plans.documents';

/** Every plan the caller sees with its tasks; a task not updated by the weekly Friday 17:00 deadline is flagged. */
export function PlanTasks() {
  const { t, locale } = useI18n();
  const [plans] = createQuery({ query: PlansQuery });
  const list = () => plans.data?.plans.edges.map((e) => e.node) ?? [];
  return (
    <section class="console-card" data-testid="plans">
      <h3>{t('plans.title')}</h3>
      <InlineError message={plans.error && t('app.error', { message: plans.error.message })} />
      <Show when={plans.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        <Show when={list().length > 0} fallback={<p class="empty">{t('plans.none')}</p>}>
          <For each={list()}>
            {(plan) => (
              <article class="plan" data-testid="plan">
                <h4>
                  {plan.name}
                  <span class="plan-meta">
                    {t('plans.meta', { owner: plan.owner, goal: plan.goal, from: plan.periodStart, to: plan.periodEnd })}
                  </span>
                </h4>
                <ConsoleTable columns={[t('plans.task'), t('plans.owner'), t('plans.status'), t('plans.period'), t('plans.updated')]}>
                  <tbody>
                    <For each={plan.tasks}>
                      {(task) => (
                        <tr data-testid="plan-task" data-stale={String(task.stale)}>
                          <th scope="row">
                            {task.title}
                            <Show when={task.delayReason}>{(reason) => <span class="task-note">{t('plans.delay', { reason: reason(), plan: task.catchUpPlan ?? '—' })}</span>}</Show>
                          </th>
                          <td>{task.owner}</td>
                          <td>{t(`task.${task.status}` as MessageKey)}</td>
                          <td>{task.startsOn} – {task.endsOn}</td>
                          <td>
                            {formatDateTime(task.updatedAt, locale())}
                            <Show when={task.stale}>
                              <span class="stale-flag bad">{t('plans.stale', { due: formatDateTime(task.weeklyUpdateDueAt, locale()) })}</span>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </ConsoleTable>
              </article>
            )}
          </For>
        </Show>
      </Show>
    </section>
  );
}
