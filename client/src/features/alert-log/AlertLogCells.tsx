import { createSignal, Match, Show, Switch } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatDateTimeInYear } from '../../lib/format';
import { useConsole } from '../console/console.context';
import type { AlertLogRow } from './alert-log.documents';

export type Acknowledge = (alert: AlertLogRow) => Promise<MutationOutcome<unknown>>;

/** 待认领; 已认领 · who · when; or 已恢复 with when, and who had claimed it. */
export function AlertState(props: { alert: AlertLogRow }) {
  const { t, locale } = useI18n();
  const { now } = useConsole();
  const when = (at: string) => formatDateTimeInYear(at, locale(), now());
  const claimed = () => {
    const at = props.alert.acknowledgedAt;
    if (!at) return null;
    const time = when(at);
    return props.alert.acknowledgedBy ? t('alerts.acknowledged', { who: props.alert.acknowledgedBy, at: time }) : t('alerts.acknowledgedAt', { at: time });
  };
  return (
    <Switch fallback={<span class="tag bad">{t('alertLog.open')}</span>}>
      <Match when={props.alert.status === 'RESOLVED'}>
        <span>{props.alert.resolvedAt ? t('alertLog.resolvedAt', { at: when(props.alert.resolvedAt) }) : t('alerts.resolved')}</span>
        <Show when={claimed()}>{(text) => <span class="alert-log-claimed">{text()}</span>}</Show>
      </Match>
      <Match when={claimed()}>{(text) => <span>{text()}</span>}</Match>
    </Switch>
  );
}

/** 认领 on an open alert; a refusal stays in the row, said in the viewer's words (read-only, or the server's reason). */
export function AcknowledgeCell(props: { alert: AlertLogRow; loaded: AlertLogRow; onAcknowledge: Acknowledge }) {
  const { t, locale } = useI18n();
  const [pending, setPending] = createSignal(false);
  // The refusal is kept, not its wording, so the language toggle rewords it.
  const [refusal, setRefusal] = createSignal<Exclude<MutationOutcome<unknown>, { ok: true }> | null>(null);
  const acknowledge = async () => {
    setPending(true);
    const outcome = await props.onAcknowledge(props.loaded);
    setPending(false);
    setRefusal(outcome.ok ? null : outcome);
  };
  const failure = () => {
    const refused = refusal();
    return refused && t('alerts.ackFailed', { message: refused.forbidden ? t('alerts.readOnly') : refusalIn(refused, locale()) });
  };
  return (
    <td class="alert-log-action">
      <Show when={props.alert.status === 'OPEN'}>
        <button type="button" class="primary" disabled={pending()} onClick={() => void acknowledge()}>
          {pending() ? t('alerts.acking') : t('alerts.ack')}
        </button>
      </Show>
      <InlineError message={failure()} />
    </td>
  );
}
