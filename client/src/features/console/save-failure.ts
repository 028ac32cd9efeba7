import { createSignal } from 'solid-js';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

export interface SaveFailureOptions {
  /**
   * How an editor that sends the version it loaded says a CONFLICT (someone saved in between), with the
   * server's message as `{message}`; without it a CONFLICT reads like any other refusal.
   */
  conflict?: MessageKey;
}

/** A refused write said in the viewer's words: read-only, or the server's reason in the screen's language. Cleared by the next success. */
export function useSaveFailure(options: SaveFailureOptions = {}) {
  const { t, locale } = useI18n();
  const [message, setMessage] = createSignal<string | null>(null);
  return {
    message,
    show(outcome: MutationOutcome<unknown>) {
      if (outcome.ok) return void setMessage(null);
      if (outcome.forbidden) return void setMessage(t('console.readOnly'));
      const key = outcome.code === 'CONFLICT' && options.conflict ? options.conflict : 'console.saveFailed';
      setMessage(t(key, { message: refusalIn(outcome, locale()) }));
    },
  };
}
