import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { serverWords } from '../../i18n/messages';
import { formatDateTimeInYear } from '../../lib/format';
import { useConsole } from '../console/console.context';
import { alertFigures } from '../alerts/alert-figures';
import { alertSubject } from '../alerts/alert-subject';
import type { AlertLogRow } from './alert-log.documents';
import { AcknowledgeCell, AlertState, type Acknowledge } from './AlertLogCells';

const SEVERITY_TAG = { CRITICAL: 'tag bad', WARNING: 'tag warn', INFO: 'tag' } as const;

/** Alerts, a row each; `onAcknowledge` (only for those who may manage) puts 认领 on the open ones. */
export function AlertLogTable(props: { alerts: readonly AlertLogRow[]; current: (alert: AlertLogRow) => AlertLogRow; onAcknowledge: Acknowledge | null }) {
  const { t } = useI18n();
  const columns = () => [
    t('alertLog.severity'),
    t('alertLog.rule'),
    t('alertLog.subject'),
    t('alertLog.message'),
    t('alertLog.shop'),
    t('alertLog.raisedAt'),
    t('alertLog.state'),
    ...(props.onAcknowledge ? [''] : []),
  ];
  return (
    <Show when={props.alerts.length > 0} fallback={<p class="empty">{t('alertLog.none')}</p>}>
      <ConsoleTable class="alert-log-table" testId="alert-log" columns={columns()}>
        <tbody>
          <For each={props.alerts}>{(alert) => <AlertLogItem alert={props.current(alert)} loaded={alert} onAcknowledge={props.onAcknowledge} />}</For>
        </tbody>
      </ConsoleTable>
    </Show>
  );
}

/**
 * One alert, worded as the war room words it (alert-subject.ts, alert-figures.ts, the server's sentence in the
 * viewer's language), with the date of its times (and the year, when not this one's): the list reaches back.
 */
function AlertLogItem(props: { alert: AlertLogRow; loaded: AlertLogRow; onAcknowledge: Acknowledge | null }) {
  const { t, locale } = useI18n();
  const { now } = useConsole();
  const a = () => props.alert;
  const figures = () => alertFigures(a(), locale(), t);
  return (
    <tr data-testid="alert-row" data-status={a().status}>
      <td>
        <span class={SEVERITY_TAG[a().severity]}>{t(`severity.${a().severity}`)}</span>
      </td>
      <td>{t(`rule.${a().rule}`)}</td>
      <td data-testid="alert-subject">{alertSubject(a(), t)}</td>
      <td data-testid="alert-message">
        {serverWords(a(), locale())}
        <Show when={figures()}>{(text) => <span class="alert-log-figures">{text()}</span>}</Show>
      </td>
      <td>{a().shop?.name ?? '—'}</td>
      <td>
        <time dateTime={a().raisedAt}>{formatDateTimeInYear(a().raisedAt, locale(), now())}</time>
      </td>
      <td data-testid="alert-state">
        <AlertState alert={a()} />
      </td>
      <Show when={props.onAcknowledge}>{(acknowledge) => <AcknowledgeCell alert={a()} loaded={props.loaded} onAcknowledge={acknowledge()} />}</Show>
    </tr>
  );
}
