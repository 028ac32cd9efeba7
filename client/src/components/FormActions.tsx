import { Show } from 'solid-js';
import { useI18n } from '../i18n/i18n';
import { InlineError } from './InlineError';

export interface FormActionsProps {
  /** The form's own problem or the server's refusal, in words; nothing when all is well. */
  message: string | null | undefined;
  pending: boolean;
  /** What the submit button says while idle (创建, 保存修改 …); 保存中… while pending. */
  submitLabel: string;
  /** Shows 取消 when given. */
  onCancel?: () => void;
}

/** The console forms' last line: what went wrong, 取消, and the submit button that waits while a save is under way. */
export function FormActions(props: FormActionsProps) {
  const { t } = useI18n();
  return (
    <div class="form-actions">
      <InlineError message={props.message} />
      <Show when={props.onCancel}>
        {(cancel) => (
          <button type="button" onClick={() => cancel()()}>
            {t('console.cancel')}
          </button>
        )}
      </Show>
      <button type="submit" class="primary" disabled={props.pending}>
        {props.pending ? t('console.saving') : props.submitLabel}
      </button>
    </div>
  );
}
