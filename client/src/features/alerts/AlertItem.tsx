import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { serverWords } from '../../i18n/messages';
import { formatClock, formatDayTime, formatDuration, formatHourMinute } from '../../lib/format';
import { shanghaiDate } from '../../lib/shanghai-day';
import { alertFigures } from './alert-figures';
import { alertSubject } from './alert-subject';
import { countdown, incidentState } from './incident-clock';
import type { AlertRow } from './alerts.documents';

export interface AlertItemProps {
  alert: AlertRow;
  /** The Asia/Shanghai date now (YYYY-MM-DD): times from another day show their date. */
  today: string;
  /** Wall-clock ms, ticking: an incident's countdown. */
  now: number;
  /** Resolved, on its way out: greyed, no controls. */
  leaving: boolean;
  /** 认领 shows for an OPEN alert only when the viewer may acknowledge. */
  canAcknowledge: boolean;
  pending: boolean;
  onAcknowledge: () => void;
}

/**
 * One alert: severity colour and word, the rule in the viewer's language, what it is about, the
 * server's message in the viewer's language, the figures against the threshold, when it was raised (Beijing time, with its date
 * when not today), and who has claimed it. Text that may not fit is cut with an ellipsis and readable
 * in full as a tooltip.
 */
export function AlertItem(props: AlertItemProps) {
  const { t, locale } = useI18n();
  const figures = () => alertFigures(props.alert, locale(), t);
  const message = () => serverWords(props.alert, locale());
  const subject = () => alertSubject(props.alert, t);
  // An alert left open since an earlier day must not read as raised (or claimed) today.
  const when = (at: string, clock: (ms: number) => string) => {
    const ms = Date.parse(at);
    return shanghaiDate(ms) === props.today ? clock(ms) : formatDayTime(ms, locale());
  };
  const claimed = () => {
    const at = props.alert.acknowledgedAt;
    if (props.alert.status !== 'ACKNOWLEDGED' || !at) return null;
    const time = when(at, (ms) => formatHourMinute(ms, locale()));
    return props.alert.acknowledgedBy ? t('alerts.acknowledged', { who: props.alert.acknowledgedBy, at: time }) : t('alerts.acknowledgedAt', { at: time });
  };
  // An incident's next deadline: 待响应 / 修复 with the time left, or how late it is (incident-clock.ts).
  const incident = () => {
    const state = props.leaving ? null : incidentState(props.alert, props.now);
    if (!state) return null;
    const late = (ms: number) => formatDuration(Math.max(60, ms / 1000), locale(), t);
    switch (state.step) {
      case 'respond':
        return { step: state.step, late: false, text: t('alerts.incident.respond', { clock: countdown(state.remainingMs) }) };
      case 'respondLate':
        return { step: state.step, late: true, text: t('alerts.incident.respondLate', { late: late(state.lateMs) }) };
      case 'fix':
        return { step: state.step, late: false, text: t('alerts.incident.fix', { clock: countdown(state.remainingMs) }) };
      case 'fixLate':
        return { step: state.step, late: true, text: t('alerts.incident.fixLate', { late: late(state.lateMs) }) };
    }
  };
  return (
    <li
      class={`alert severity-${props.alert.severity.toLowerCase()}`}
      // Pulses only while nobody has claimed a late incident: once someone is on it, the red clock is enough.
      classList={{ acknowledged: props.alert.status === 'ACKNOWLEDGED', leaving: props.leaving, unclaimed: incident()?.step === 'respondLate' }}
      data-testid="alert"
      data-rule={props.alert.rule}
      data-status={props.leaving ? 'RESOLVED' : props.alert.status}
    >
      <div class="alert-line">
        <span class="severity-chip">{t(`severity.${props.alert.severity}`)}</span>
        <span class="alert-rule" title={t(`rule.${props.alert.rule}`)}>
          {t(`rule.${props.alert.rule}`)}
        </span>
        <span class="alert-subject" title={subject()}>
          {subject()}
        </span>
        <time class="alert-time" dateTime={props.alert.raisedAt}>
          {when(props.alert.raisedAt, (ms) => formatClock(new Date(ms), locale()))}
        </time>
      </div>
      <div class="alert-message" title={message()}>
        {message()}
      </div>
      <div class="alert-foot">
        <Show when={incident()}>
          {(clock) => (
            <span class="incident-clock" classList={{ late: clock().late }} title={t('alerts.incident.rule')} data-testid="incident-clock">
              {clock().text}
            </span>
          )}
        </Show>
        <Show when={figures()}>
          {(text) => (
            <span class="alert-figures" title={text()}>
              {text()}
            </span>
          )}
        </Show>
        <Show when={props.leaving} fallback={
            <Show when={claimed()}>
              {(text) => (
                <span class="alert-claimed" title={text()}>
                  {text()}
                </span>
              )}
            </Show>
          }
        >
          <span class="alert-claimed">{t('alerts.resolved')}</span>
        </Show>
        <Show when={props.canAcknowledge && !props.leaving && props.alert.status === 'OPEN'}>
          <button type="button" class="ack" disabled={props.pending} onClick={() => props.onAcknowledge()}>
            {props.pending ? t('alerts.acking') : t('alerts.ack')}
          </button>
        </Show>
      </div>
    </li>
  );
}
