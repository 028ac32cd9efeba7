import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { useSaveFailure } from '../console/save-failure';
import { RedeliverMutation, WebhookDeliveriesQuery, type DeliveryView } from './webhooks.documents';

/** How many of the latest deliveries the log shows. */
export const DELIVERIES_SHOWN = 20;

/**
 * A delivery's state as the room reads it: waiting for a paused endpoint is not being retried, and neither
 * is one never attempted (just written, or waiting for a group robot's rate to have room: WEBHOOKS.md).
 */
const stateOf = (d: DeliveryView): string => {
  if (d.status !== 'PENDING') return d.status;
  if (d.nextAttemptAt === null) return 'HELD';
  return d.attemptCount === 0 ? 'QUEUED' : 'PENDING';
};

/**
 * A webhook's latest deliveries: when, which event, how it went (the receiver's last answer), and for a
 * FAILED one, 重新投递 (MANAGE) under the same id.
 */
export function WebhookDeliveries(props: { webhookId: string; canRedeliver: boolean }) {
  const { t, locale } = useI18n();
  const client = useClient();
  const [deliveries, refetch] = createQuery({ query: WebhookDeliveriesQuery, variables: () => ({ id: props.webhookId, first: DELIVERIES_SHOWN }), requestPolicy: 'network-only' });
  const failure = useSaveFailure();
  const [pending, setPending] = createSignal<string | null>(null);
  const list = () => {
    const node = deliveries.data?.node;
    return node && 'deliveries' in node ? node.deliveries : null;
  };
  const redeliver = async (id: string) => {
    setPending(id);
    const outcome = await sendMutation(client, RedeliverMutation, { id }, (data) => data.redeliverWebhookDelivery, (payload) => payload.delivery);
    setPending(null);
    failure.show(outcome);
    if (outcome.ok) refetch({ requestPolicy: 'network-only' });
  };
  const result = (d: DeliveryView) => {
    if (d.status === 'DELIVERED') return d.lastStatusCode === null ? '' : `HTTP ${d.lastStatusCode}`;
    return d.lastError ?? (d.lastStatusCode === null ? '' : `HTTP ${d.lastStatusCode}`);
  };
  return (
    <div class="webhook-deliveries" data-testid="webhook-deliveries">
      <InlineError message={(deliveries.error && t('app.error', { message: errorIn(deliveries.error, locale()) })) || failure.message()} />
      <Show when={list()} fallback={<p class="empty">{t('app.loading')}</p>}>
        {(log) => (
          <Show when={log().edges.length > 0} fallback={<p class="empty">{t('webhooks.noDeliveries')}</p>}>
            <p class="muted">{t('webhooks.deliveriesShown', { shown: log().edges.length, total: log().totalCount })}</p>
            <ConsoleTable columns={[t('webhooks.when'), t('webhooks.events'), t('webhooks.state'), t('webhooks.attempts'), t('webhooks.lastAnswer'), '']}>
              <tbody>
                <For each={log().edges}>
                  {({ node: d }) => (
                    <tr data-testid="webhook-delivery" data-status={d.status}>
                      <td>{formatDateTime(d.createdAt, locale())}</td>
                      <td>{t(`webhooks.event.${d.event}` as MessageKey)}</td>
                      <td>
                        <span class={`tag ${d.status === 'DELIVERED' ? 'good' : d.status === 'FAILED' ? 'bad' : ''}`}>{t(`webhooks.delivery.${stateOf(d)}` as MessageKey)}</span>
                        <Show when={d.status === 'PENDING' && d.nextAttemptAt}>
                          {(at) => <span class="muted webhook-next">{t('webhooks.nextAttempt', { at: formatDateTime(at(), locale()) })}</span>}
                        </Show>
                      </td>
                      <td class="num">{d.attemptCount}</td>
                      <td class="webhook-answer">{result(d)}</td>
                      <td>
                        <Show when={props.canRedeliver && d.status === 'FAILED'}>
                          <button type="button" class="link-button" disabled={pending() === d.id} onClick={() => void redeliver(d.id)}>
                            {t('webhooks.redeliver')}
                          </button>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </ConsoleTable>
          </Show>
        )}
      </Show>
    </div>
  );
}
