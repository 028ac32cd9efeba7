import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatClock } from '../../lib/format';

export interface AlertRow {
  id: string;
  severity: string;
  subject: string;
  message: string;
  raisedAt: string;
}

export interface AlertListProps {
  alerts: readonly AlertRow[];
  /** False hides 确认: the viewer may not acknowledge, or it is not yet known whether they may. */
  canAcknowledge: boolean;
  pending: ReadonlySet<string>;
  onAcknowledge: (id: string) => void;
}

export function AlertList(props: AlertListProps) {
  const { t, locale } = useI18n();
  return (
    <Show when={props.alerts.length > 0} fallback={<p class="empty">{t('alerts.empty')}</p>}>
      <ul class="alerts" data-testid="alerts">
        <For each={props.alerts}>
          {(alert) => (
            <li class={`alert severity-${alert.severity.toLowerCase()}`} data-testid="alert">
              <div class="alert-line">
                <span class="severity-chip">{t(`severity.${alert.severity}` as MessageKey)}</span>
                <span class="alert-subject">{alert.subject}</span>
                <time class="alert-time">{formatClock(alert.raisedAt, locale())}</time>
              </div>
              <div class="alert-message">{alert.message}</div>
              <Show when={props.canAcknowledge}>
                <button type="button" class="ack" disabled={props.pending.has(alert.id)} onClick={() => props.onAcknowledge(alert.id)}>
                  {props.pending.has(alert.id) ? t('alerts.acking') : t('alerts.ack')}
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
