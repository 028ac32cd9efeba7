import { createMutation, createQuery, createSubscription } from '@urql/solid';
import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { Panel } from '../../components/Panel';
import { hasErrorCode } from '../../graphql/errors';
import { readFragment } from '../../graphql/graphql';
import { useI18n } from '../../i18n/i18n';
import type { Permission } from '../access/viewer.documents';
import { AcknowledgeAlertMutation, AlertFields, AlertRaisedSubscription, OpenAlertsQuery } from './alerts.documents';
import { AlertList, type AlertRow } from './AlertList';

/**
 * Open alerts: loaded once, then new ones arrive over alertRaised and go on top. Acknowledging
 * removes an alert only when the server confirms; a failure keeps it and says why. The list shows
 * whatever the viewer may do; only 确认 waits for their permissions.
 */
export function AlertsFeed(props: { permissions: ReadonlySet<Permission> }) {
  const { t } = useI18n();
  // acknowledgeAlert needs MANAGE on the server: a screen key or a VIEWER would only be refused.
  const canAcknowledge = () => props.permissions.has('MANAGE');
  const [open] = createQuery({ query: OpenAlertsQuery });
  const [raised] = createSubscription({ query: AlertRaisedSubscription }, (previous: AlertRow[] = [], data) => [
    readFragment(AlertFields, data.alertRaised),
    ...previous.slice(0, 29),
  ]);
  const [acknowledged, setAcknowledged] = createSignal<ReadonlySet<string>>(new Set());
  const [pending, setPending] = createSignal<ReadonlySet<string>>(new Set());
  const [failure, setFailure] = createSignal<string | null>(null);
  const [, acknowledge] = createMutation(AcknowledgeAlertMutation);

  const alerts = createMemo(() => {
    const loaded = (open.data?.alerts.edges ?? []).map((edge) => readFragment(AlertFields, edge.node));
    const seen = new Set<string>();
    return [...(raised.data ?? []), ...loaded].filter((a) => !acknowledged().has(a.id) && !seen.has(a.id) && seen.add(a.id));
  });

  createEffect(on(() => open.data, () => setFailure(null), { defer: true }));

  const onAcknowledge = async (id: string) => {
    setPending((s) => new Set(s).add(id));
    const result = await acknowledge({ id });
    setPending((s) => new Set([...s].filter((x) => x !== id)));
    // The server's word is final (MANAGE withdrawn after the screen asked): say so in words, not in its English.
    const forbidden = hasErrorCode(result.error, 'FORBIDDEN') ? t('alerts.readOnly') : undefined;
    const message = forbidden ?? result.error?.message ?? result.data?.acknowledgeAlert.userErrors[0]?.message;
    if (message) return void setFailure(t('alerts.ackFailed', { message }));
    setFailure(null);
    setAcknowledged((s) => new Set(s).add(id));
  };

  return (
    <Panel title={t('alerts.title')} class="panel-alerts" testId="alerts-feed" extra={<span class="count">{alerts().length}</span>}>
      <Show when={failure()}>
        <p class="inline-error" role="alert">
          {failure()}
        </p>
      </Show>
      <AlertList alerts={alerts()} canAcknowledge={canAcknowledge()} pending={pending()} onAcknowledge={(id) => void onAcknowledge(id)} />
    </Panel>
  );
}
