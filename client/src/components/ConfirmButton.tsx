import { createSignal, Show } from 'solid-js';
import { useI18n } from '../i18n/i18n';

/**
 * A destructive action asked twice (删除 → 确认删除 / 取消): nothing is sent on the first press. Back to the
 * first button once done, whatever the outcome (a refusal is the caller's to show).
 */
export function ConfirmButton(props: { label: string; confirmLabel: string; onConfirm: () => Promise<unknown>; linkStyle?: boolean; title?: string }) {
  const { t } = useI18n();
  const [asking, setAsking] = createSignal(false);
  const [pending, setPending] = createSignal(false);
  const confirm = async () => {
    setPending(true);
    await props.onConfirm();
    setPending(false);
    setAsking(false);
  };
  return (
    <Show
      when={asking()}
      fallback={
        <button type="button" class={props.linkStyle ? 'link-button' : undefined} title={props.title} onClick={() => setAsking(true)}>
          {props.label}
        </button>
      }
    >
      <button type="button" class="danger" disabled={pending()} onClick={() => void confirm()}>
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {t('milestones.cancel')}
      </button>
    </Show>
  );
}
