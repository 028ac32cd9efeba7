import { createSignal, For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { useSaveFailure } from '../console/save-failure';
import type { Rectification } from './reports.documents';
import type { SaveOutcome } from './reports.data';

/** 异常数据整改报告: due 48 h after it opened (red once overdue), its content, who submitted it and when; MANAGE submits it, once. */
export function RectificationBox(props: { rectification: Rectification; canEdit: boolean; onSubmit: (content: string) => Promise<SaveOutcome> }) {
  const { t, locale } = useI18n();
  const [content, setContent] = createSignal(props.rectification.content ?? '');
  const [pending, setPending] = createSignal(false);
  const failure = useSaveFailure();
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!content().trim()) return;
    setPending(true);
    failure.show(await props.onSubmit(content().trim()));
    setPending(false);
  };
  return (
    <section class="rectification" data-testid="rectification" data-overdue={String(props.rectification.overdue)}>
      <h4>
        {t('reports.rectification')}
        <span class="rectification-reasons">
          <For each={props.rectification.reasons}>{(r) => <span class="tag">{t(`reportRule.${r}` as MessageKey)}</span>}</For>
        </span>
      </h4>
      <p class="rectification-due" classList={{ bad: props.rectification.overdue }} data-testid="rectification-due">
        {t('reports.dueAt', { at: formatDateTime(props.rectification.dueAt, locale()) })}
        <Show when={props.rectification.overdue}> · {t('reports.overdue')}</Show>
      </p>
      <Show when={props.rectification.submittedAt}>
        {(at) => (
          <p class="rectification-submitted" data-testid="rectification-submitted">
            {t('reports.submitted', { who: props.rectification.submittedBy ?? '—', at: formatDateTime(at(), locale()) })}
            <Show when={props.rectification.submittedLate}>
              {' · '}
              <span class="bad" data-testid="rectification-late">
                {t('reports.submittedLate')}
              </span>
            </Show>
          </p>
        )}
      </Show>
      {/* Submitted is final (the server refuses a second submission): its content is shown, not a form. */}
      <Show when={props.canEdit && !props.rectification.submittedAt} fallback={<p class="rectification-content">{props.rectification.content ?? t('reports.notSubmitted')}</p>}>
        <form class="rectification-form" onSubmit={(e) => void submit(e)}>
          <label class="field">
            {t('reports.rectificationContent')}
            <textarea rows={3} maxLength={10_000} value={content()} onInput={(e) => setContent(e.currentTarget.value)} />
          </label>
          <div class="form-actions">
            <InlineError message={failure.message()} />
            <button type="submit" class="primary" disabled={pending() || !content().trim()}>
              {pending() ? t('console.saving') : t('reports.submitRectification')}
            </button>
          </div>
        </form>
      </Show>
    </section>
  );
}
