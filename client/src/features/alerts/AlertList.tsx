import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { AlertRow } from './alerts.documents';
import { AlertItem } from './AlertItem';

export interface AlertListProps {
  alerts: readonly AlertRow[];
  /** The Asia/Shanghai date now (YYYY-MM-DD). */
  today: string;
  /** Wall-clock ms, ticking: incidents count down against it. */
  now: number;
  isLeaving: (id: string) => boolean;
  /** False hides 认领: the viewer may not acknowledge, or it is not yet known whether they may. */
  canAcknowledge: boolean;
  pending: ReadonlySet<string>;
  onAcknowledge: (id: string) => void;
  /** The list has been loaded: only then does an empty list mean nothing is open. */
  loaded: boolean;
}

export function AlertList(props: AlertListProps) {
  const { t } = useI18n();
  const byId = createMemo(() => new Map(props.alerts.map((a) => [a.id, a])));
  // Keyed by id, not by object: a change to an alert updates its item in place instead of replacing it.
  const ids = createMemo(() => props.alerts.map((a) => a.id));
  return (
    <Show when={props.alerts.length > 0} fallback={<Show when={props.loaded}>{<p class="empty">{t('alerts.empty')}</p>}</Show>}>
      <ul class="alerts" data-testid="alerts">
        <For each={ids()}>
          {(id) => (
            <Show when={byId().get(id)}>
              {(alert) => (
                <AlertItem
                  alert={alert()}
                  today={props.today}
                  now={props.now}
                  leaving={props.isLeaving(id)}
                  canAcknowledge={props.canAcknowledge}
                  pending={props.pending.has(id)}
                  onAcknowledge={() => props.onAcknowledge(id)}
                />
              )}
            </Show>
          )}
        </For>
      </ul>
    </Show>
  );
}
