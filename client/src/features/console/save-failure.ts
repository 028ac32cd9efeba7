import { createSignal, untrack } from 'solid-js';
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
  // The refusal is kept, not its wording, so the language toggle rewords it.
  const [refusal, setRefusal] = createSignal<Exclude<MutationOutcome<unknown>, { ok: true }> | null>(null);
  const [failedKey, setFailedKey] = createSignal<MessageKey>('console.saveFailed');
  const message = (): string | null => {
    const refused = refusal();
    if (!refused) return null;
    if (refused.forbidden) return t('console.readOnly');
    const key = refused.code === 'CONFLICT' && options.conflict ? options.conflict : failedKey();
    return t(key, { message: refusalIn(refused, locale()) });
  };
  return {
    message,
    /** `failed`: how this write's refusal starts when it is not a save (删除失败：…); {message} is the server's. */
    show(outcome: MutationOutcome<unknown>, failed: MessageKey = 'console.saveFailed') {
      setFailedKey(failed);
      setRefusal(outcome.ok ? null : outcome);
    },
  };
}

/**
 * A form's save: `pending` while it runs (its button disabled), `saved` once it succeeded (已保存 until the form
 * is changed: `edited()`), and the refusal said as useSaveFailure says it.
 */
export function useSave(options: SaveFailureOptions = {}) {
  const failure = useSaveFailure(options);
  const [pending, setPending] = createSignal(false);
  const [saved, setSaved] = createSignal(false);
  return {
    pending,
    saved,
    failure: failure.message,
    /** The form changed since: no longer what was saved. */
    edited: () => setSaved(false),
    /** Forgets the last outcome, as for a form shown afresh. */
    clear: () => {
      setSaved(false);
      failure.show({ ok: true, value: null });
    },
    async run<T>(save: () => Promise<MutationOutcome<T>>): Promise<MutationOutcome<T>> {
      setPending(true);
      setSaved(false);
      const outcome = await save();
      setPending(false);
      failure.show(outcome);
      setSaved(outcome.ok);
      return outcome;
    },
  };
}

/**
 * A form checked on the page before it is sent (webhooks, keys, accounts): `run` takes what the page found
 * wrong — shown as `problem`, nothing sent — or the server's outcome, whose refusal is said as useSaveFailure
 * says it. Null: nothing to send (no change).
 */
export function useCheckedSubmit<P extends string>() {
  const [problem, setProblem] = createSignal<P | null>(null);
  const [pending, setPending] = createSignal(false);
  const failure = useSaveFailure();
  return {
    problem,
    pending,
    failure: failure.message,
    async run(send: () => Promise<{ problem: P } | MutationOutcome<unknown> | null>): Promise<void> {
      setPending(true);
      const outcome = await send();
      setPending(false);
      if (outcome && 'problem' in outcome) {
        setProblem(() => outcome.problem);
        return;
      }
      setProblem(null);
      if (outcome) failure.show(outcome);
    },
  };
}

/**
 * A form's values with useCheckedSubmit: `change` patches them, `submit` (the form's onSubmit) sends them
 * through `send`. `initial` is read once: a form being typed in does not follow its props.
 */
export function useCheckedForm<F extends object, P extends string>(initial: () => F, send: (form: F) => Promise<{ problem: P } | MutationOutcome<unknown> | null>) {
  const [form, setForm] = createSignal<F>(untrack(initial));
  const checked = useCheckedSubmit<P>();
  return {
    ...checked,
    form,
    change: (patch: Partial<F>) => setForm(() => ({ ...form(), ...patch })),
    submit: (e: SubmitEvent) => {
      e.preventDefault();
      void checked.run(() => send(form()));
    },
  };
}
