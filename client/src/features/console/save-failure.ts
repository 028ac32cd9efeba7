import { createSignal } from 'solid-js';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';

/** A refused write said in the viewer's words: read-only, or the server's reason. Cleared by the next success. */
export function useSaveFailure() {
  const { t } = useI18n();
  const [message, setMessage] = createSignal<string | null>(null);
  return {
    message,
    show(outcome: MutationOutcome<unknown>) {
      if (outcome.ok) return void setMessage(null);
      setMessage(outcome.forbidden ? t('console.readOnly') : t('console.saveFailed', { message: outcome.message }));
    },
  };
}
