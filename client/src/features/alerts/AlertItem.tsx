import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatClock, formatHourMinute } from '../../lib/format';
import { alertFigures } from './alert-figures';
import type { AlertRow } from './alerts.documents';

export interface AlertItemProps {
  alert: AlertRow;
  /** Resolved, on its way out: greyed, no controls. */
  leaving: boolean;
  /** 认领 shows for an OPEN alert only when the viewer may acknowledge. */
  canAcknowledge: boolean;
  pending: boolean;
  onAcknowledge: () => void;
}

/**
 * One alert: severity colour and word, the rule in the viewer's language, what it is about, the
 * server's message, the figures against the threshold, when it was raised (Beijing time), and who has
 * claimed it. Text that may not fit is cut with an ellipsis and readable in full as a tooltip.
 */
export function AlertItem(props: AlertItemProps) {
  const { t, locale } = useI18n();
  const figures = () => alertFigures(props.alert, locale(), t);
  const claimed = () => {
    const at = props.alert.acknowledgedAt;
    if (props.alert.status !== 'ACKNOWLEDGED' || !at) return null;
    const time = formatHourMinute(Date.parse(at), locale());
    return props.alert.acknowledgedBy ? t('alerts.acknowledged', { who: props.alert.acknowledgedBy, at: time }) : t('alerts.acknowledgedAt', { at: time });
  };
  return (
    <li
      class={`alert severity-${props.alert.severity.toLowerCase()}`}
      classList={{ acknowledged: props.alert.status === 'ACKNOWLEDGED', leaving: props.leaving }}
      data-testid="alert"
      data-rule={props.alert.rule}
      data-status={props.leaving ? 'RESOLVED' : props.alert.status}
    >
      <div class="alert-line">
        <span class="severity-chip">{t(`severity.${props.alert.severity}`)}</span>
        <span class="alert-rule" title={t(`rule.${props.alert.rule}`)}>
          {t(`rule.${props.alert.rule}`)}
        </span>
        <span class="alert-subject" title={props.alert.subject}>
          {props.alert.subject}
        </span>
        <time class="alert-time" dateTime={props.alert.raisedAt}>
          {formatClock(props.alert.raisedAt, locale())}
        </time>
      </div>
      <div class="alert-message" title={props.alert.message}>
        {props.alert.message}
      </div>
      <div class="alert-foot">
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
