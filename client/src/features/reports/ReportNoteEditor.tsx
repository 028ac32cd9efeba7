import { createSignal, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import type { ReportRow } from './reports.documents';
import type { SaveOutcome } from './reports.data';
import { useSave } from '../console/save-failure';
import { changedNotes, changesNothing, noteField, type NoteFields } from './report-note-form';

/**
 * 异常指标说明 / 整改措施 / 负责人 of one row, for a viewer with MANAGE. After a CONFLICT the boxes typed in
 * keep what was typed, the others take the reloaded notes, and the latest saved notes show below, to
 * merge by hand.
 */
export function ReportNoteEditor(props: { row: ReportRow; onSave: (input: NoteFields) => Promise<SaveOutcome> }) {
  const { t } = useI18n();
  const [anomalyNote, setAnomalyNote] = noteField(() => props.row.anomalyNote ?? '');
  const [correctiveAction, setCorrectiveAction] = noteField(() => props.row.correctiveAction ?? '');
  const [owner, setOwner] = noteField(() => props.row.owner ?? '');
  // The version a save was refused for (CONFLICT); the row loaded after it is the latest saved, shown to merge.
  const [refused, setRefused] = createSignal<{ version: string | null } | null>(null);
  const reloaded = () => {
    const sent = refused();
    return sent !== null && props.row.noteUpdatedAt !== sent.version;
  };
  const save = useSave({ conflict: 'console.editConflict' });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = changedNotes(props.row, { anomalyNote: anomalyNote(), correctiveAction: correctiveAction(), owner: owner() });
    if (changesNothing(input)) return;
    const outcome = await save.run(() => props.onSave(input));
    setRefused(!outcome.ok && outcome.code === 'CONFLICT' ? { version: input.expectedUpdatedAt ?? null } : null);
  };

  return (
    <form class="report-note-editor" data-testid="report-note-editor" onSubmit={(e) => void submit(e)}>
      <label class="field">
        {t('reports.anomalyNote')}
        <textarea rows={2} maxLength={2_000} value={anomalyNote()} onInput={(e) => setAnomalyNote(e.currentTarget.value)} />
      </label>
      <label class="field">
        {t('reports.correctiveAction')}
        <textarea rows={2} maxLength={2_000} value={correctiveAction()} onInput={(e) => setCorrectiveAction(e.currentTarget.value)} />
      </label>
      <label class="field field-short">
        {t('reports.owner')}
        <input value={owner()} maxLength={100} onInput={(e) => setOwner(e.currentTarget.value)} />
      </label>
      <Show when={reloaded()}>
        <p class="report-notes latest-saved" data-testid="note-latest">
          <strong>{t('console.latestSaved')}</strong>
          <span>{t('app.labelled', { label: t('reports.anomalyNote'), value: props.row.anomalyNote ?? '—' })}</span>
          <span>{t('app.labelled', { label: t('reports.correctiveAction'), value: props.row.correctiveAction ?? '—' })}</span>
          <span>{t('app.labelled', { label: t('reports.owner'), value: props.row.owner || '—' })}</span>
        </p>
      </Show>
      <div class="form-actions">
        <InlineError message={save.failure()} />
        <Show when={save.saved()}>
          <span class="saved" role="status">{t('console.saved')}</span>
        </Show>
        <button type="submit" class="primary" disabled={save.pending()}>
          {save.pending() ? t('console.saving') : t('reports.saveNote')}
        </button>
      </div>
    </form>
  );
}
