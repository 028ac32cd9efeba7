import { createQuery, useClient } from '@urql/solid';
import { createSignal, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { Pager } from '../../components/Pager';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { canManage, useConsole } from '../console/console.context';
import { AcknowledgeAlertLogMutation, AlertLogQuery, type AlertLogRow, type AlertSeverity } from './alert-log.documents';
import { alertLogFilter, type AlertStatusView } from './alert-log-filter';
import { AlertLogTable } from './AlertLogTable';

/** One list of alerts, 50 a page, with how many there are in all. Made anew for each filter (AlertLogPage). */
export function AlertLogList(props: { status: AlertStatusView; severity: AlertSeverity | null }) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  // Cursors of the pages before this one, so 上一页 goes back without the API paging backwards.
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  const [alerts] = createQuery({ query: AlertLogQuery, variables: () => ({ filter: alertLogFilter(props.status, props.severity), after: cursors().at(-1) ?? null }) });
  const page = () => alerts.data?.alerts;
  // Alerts as 认领 answered them, each beside the loaded row it replaces: a claimed alert stays on the open
  // list (marked 已认领) until the list is loaded again, rather than the rows moving under the pointer.
  const [claimed, setClaimed] = createSignal<ReadonlyMap<string, { loaded: AlertLogRow; stored: AlertLogRow }>>(new Map());
  const current = (alert: AlertLogRow) => {
    const entry = claimed().get(alert.id);
    return entry?.loaded === alert ? entry.stored : alert;
  };
  const acknowledge = async (alert: AlertLogRow) => {
    const outcome = await sendMutation(client, AcknowledgeAlertLogMutation, { id: alert.id }, (data) => data.acknowledgeAlert, (payload) => payload.alert);
    if (outcome.ok) setClaimed((now) => new Map(now).set(alert.id, { loaded: alert, stored: outcome.value }));
    return outcome;
  };

  return (
    <section class="console-card">
      <h3>
        {t('alertLog.list')}
        <Show when={page()}>{(p) => <span class="count" data-testid="alert-total">{t('alertLog.total', { n: formatInteger(p().totalCount, locale()), count: p().totalCount })}</span>}</Show>
      </h3>
      <InlineError message={alerts.error && t('app.error', { message: errorIn(alerts.error, locale()) })} />
      <Show when={page()} fallback={<Show when={!alerts.error}><p class="empty">{t('app.loading')}</p></Show>}>
        {(p) => <AlertLogTable alerts={p().edges.map((e) => e.node)} current={current} onAcknowledge={canManage(services.permissions()) ? acknowledge : null} />}
      </Show>
      <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
    </section>
  );
}
