import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { serverWords, type MessageKey } from '../../i18n/messages';
import { formatDateTime, formatDuration } from '../../lib/format';
import { alertSubject } from '../alerts/alert-subject';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/**
 * The alert timeline, oldest first, with how long each took to be acknowledged and resolved, and the medians;
 * above it the incidents against the manuals' clock (10 minutes to respond, 30 to fix), each marked in the timeline.
 */
export function RetroAlerts(props: { retrospective: Retrospective }) {
  const { t, locale } = useI18n();
  const duration = (seconds: number | null) => (seconds === null ? '—' : formatDuration(seconds, locale(), t));
  const incidentVerdict = () => {
    const i = props.retrospective.incidents;
    if (i.incidents === 0) return t('retro.noIncidents');
    return t('retro.incidents', {
      n: i.incidents,
      responded: i.respondedInTime,
      fixed: i.fixedInTime,
      respond: duration(i.medianSecondsToRespond),
      fix: duration(i.medianSecondsToFix),
    });
  };
  return (
    <RetroSection title={t('retro.alerts')} testId="retro-alerts">
      <p class="retro-verdict" data-testid="alert-medians">
        {t('retro.medians', { ack: duration(props.retrospective.medianSecondsToAcknowledge), resolve: duration(props.retrospective.medianSecondsToResolve) })}
      </p>
      <p class="retro-verdict" data-testid="incident-verdict">
        {incidentVerdict()}
      </p>
      <Show when={props.retrospective.alerts.length > 0} fallback={<p class="empty">{t('retro.noAlerts')}</p>}>
        <ConsoleTable columns={[t('retro.raisedAt'), t('retro.alert'), t('retro.toAcknowledge'), t('retro.toResolve')]}>
          <tbody>
            <For each={props.retrospective.alerts}>
              {(a) => (
                <tr data-testid="retro-alert">
                  <td>{formatDateTime(a.alert.raisedAt, locale())}</td>
                  <th scope="row">
                    {t(`rule.${a.alert.rule}` as MessageKey)} · {t(`severity.${a.alert.severity}` as MessageKey)} · {alertSubject(a.alert, t)}
                    <Show when={a.alert.incident}>
                      {(incident) => (
                        <span class="retro-incident" classList={{ bad: incident().responseOverdue || incident().fixOverdue }}>
                          {' '}
                          {t('retro.incidentTag')}
                          <Show when={incident().responseOverdue}> · {t('retro.respondedLate')}</Show>
                          <Show when={incident().fixOverdue}> · {t('retro.fixedLate')}</Show>
                        </span>
                      )}
                    </Show>
                    <span class="muted"> {serverWords(a.alert, locale())}</span>
                  </th>
                  <td class="num">{duration(a.secondsToAcknowledge)}</td>
                  <td class="num">{duration(a.secondsToResolve)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </ConsoleTable>
      </Show>
    </RetroSection>
  );
}
