import { createSignal, Show, untrack } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import type { ReportNoteInput, ReportRow } from './reports.documents';
import type { SaveOutcome } from './reports.data';
import { useSaveFailure } from '../console/save-failure';

type NoteFields = Omit<ReportNoteInput, 'shopId' | 'date'>;

/** Only the fields changed here (the server keeps what is omitted), so a note written elsewhere meanwhile is not overwritten. Blank clears. */
export function changedNotes(row: ReportRow, form: { anomalyNote: string; correctiveAction: string; owner: string }): NoteFields {
  const input: NoteFields = { source: row.source };
  if (form.anomalyNote.trim() !== (row.anomalyNote ?? '')) input.anomalyNote = form.anomalyNote.trim();
  if (form.correctiveAction.trim() !== (row.correctiveAction ?? '')) input.correctiveAction = form.correctiveAction.trim();
  if (form.owner.trim() !== (row.owner ?? '')) input.owner = form.owner.trim();
  return input;
}

/** 异常指标说明 / 整改措施 / 负责人 of one row, for a viewer with MANAGE. */
export function ReportNoteEditor(props: { row: ReportRow; onSave: (input: NoteFields) => Promise<SaveOutcome> }) {
  const { t } = useI18n();
  const opened = untrack(() => props.row);
  const [anomalyNote, setAnomalyNote] = createSignal(opened.anomalyNote ?? '');
  const [correctiveAction, setCorrectiveAction] = createSignal(opened.correctiveAction ?? '');
  const [owner, setOwner] = createSignal(opened.owner ?? '');
  const [pending, setPending] = createSignal(false);
  const [saved, setSaved] = createSignal(false);
  const failure = useSaveFailure();

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = changedNotes(props.row, { anomalyNote: anomalyNote(), correctiveAction: correctiveAction(), owner: owner() });
    if (Object.keys(input).length === 1) return;
    setPending(true);
    setSaved(false);
    const outcome = await props.onSave(input);
    setPending(false);
    failure.show(outcome);
    setSaved(outcome.ok);
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
      <div class="form-actions">
        <InlineError message={failure.message()} />
        <Show when={saved()}>
          <span class="saved" role="status">{t('console.saved')}</span>
        </Show>
        <button type="submit" class="primary" disabled={pending()}>
          {pending() ? t('console.saving') : t('reports.saveNote')}
        </button>
      </div>
    </form>
  );
}
