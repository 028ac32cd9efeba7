import { useClient } from '@urql/solid';
import { createSignal, Show, untrack } from 'solid-js';
import { sendMutation } from '../../graphql/mutation-outcome';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import { formatDateTime } from '../../lib/format';
import { useSaveFailure } from '../console/save-failure';
import { RetroSection } from './RetroSection';
import { WriteLessonsMutation, type Lessons } from './retrospective.documents';

/**
 * 经验教训: read by everyone, written with MANAGE; the server records who wrote them last and when. A save
 * sends the version it was loaded at: refused as a CONFLICT (someone saved since), the box keeps what was
 * typed, `onConflict` reloads the page's lessons, and the latest saved text shows below to merge by hand.
 */
export function LessonsEditor(props: { campaignId: string; lessons: Lessons; canEdit: boolean; onSaved: (lessons: Lessons) => void; onConflict: () => void }) {
  const { t, locale } = useI18n();
  const client = useClient();
  const [text, setText] = createSignal(untrack(() => props.lessons.lessons) ?? '');
  const [pending, setPending] = createSignal(false);
  // The version a save was refused for (CONFLICT); what is loaded after it is the latest saved, shown to merge.
  const [refused, setRefused] = createSignal<{ version: string | null } | null>(null);
  const reloaded = () => {
    const sent = refused();
    return sent !== null && props.lessons.lessonsUpdatedAt !== sent.version;
  };
  const failure = useSaveFailure({ conflict: 'console.editConflict' });
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setPending(true);
    const input = { campaignId: props.campaignId, lessons: text().trim(), expectedUpdatedAt: props.lessons.lessonsUpdatedAt };
    const outcome = await sendMutation(client, WriteLessonsMutation, { input }, (data) => data.writeRetrospectiveLessons, (payload) => payload.retrospective);
    setPending(false);
    failure.show(outcome);
    const conflict = !outcome.ok && outcome.code === 'CONFLICT';
    setRefused(conflict ? { version: input.expectedUpdatedAt } : null);
    if (outcome.ok) props.onSaved(outcome.value);
    if (conflict) props.onConflict();
  };
  return (
    <RetroSection title={t('retro.lessons')} testId="retro-lessons">
      <Show when={props.lessons.lessonsUpdatedAt}>
        {(at) => <p class="muted" data-testid="lessons-by">{t('retro.lessonsBy', { who: props.lessons.lessonsUpdatedBy ?? '—', at: formatDateTime(at(), locale()) })}</p>}
      </Show>
      <Show when={props.canEdit} fallback={<p class="retro-lessons-text">{props.lessons.lessons ?? t('retro.noLessons')}</p>}>
        <form class="lessons-form" onSubmit={(e) => void save(e)}>
          <label class="field">
            {t('retro.lessons')}
            <textarea rows={8} maxLength={20_000} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
          </label>
          <p class="print-only retro-lessons-text">{text() || t('retro.noLessons')}</p>
          <Show when={reloaded()}>
            <div class="latest-saved" data-testid="lessons-latest">
              <strong>{t('console.latestSaved')}</strong>
              <p class="retro-lessons-text">{props.lessons.lessons ?? t('retro.noLessons')}</p>
            </div>
          </Show>
          <div class="form-actions">
            <InlineError message={failure.message()} />
            <button type="submit" class="primary" disabled={pending()}>
              {pending() ? t('console.saving') : t('retro.saveLessons')}
            </button>
          </div>
        </form>
      </Show>
    </RetroSection>
  );
}
