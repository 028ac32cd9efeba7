import { createEffect, createSignal, on, untrack } from 'solid-js';
import type { ReportNoteInput, ReportRow } from './reports.documents';

export type NoteFields = Omit<ReportNoteInput, 'shopId' | 'date'>;

/**
 * Only the fields changed here (the server keeps what is omitted), so a note written elsewhere meanwhile is not overwritten. Blank clears.
 * The version the row was loaded at goes along: the server refuses the save (CONFLICT) if anyone saved the row since.
 */
export function changedNotes(row: ReportRow, form: { anomalyNote: string; correctiveAction: string; owner: string }): NoteFields {
  const input: NoteFields = { source: row.source, expectedUpdatedAt: row.noteUpdatedAt };
  if (form.anomalyNote.trim() !== (row.anomalyNote ?? '')) input.anomalyNote = form.anomalyNote.trim();
  if (form.correctiveAction.trim() !== (row.correctiveAction ?? '')) input.correctiveAction = form.correctiveAction.trim();
  if (form.owner.trim() !== (row.owner ?? '')) input.owner = form.owner.trim();
  return input;
}

export const changesNothing = (input: NoteFields) => input.anomalyNote === undefined && input.correctiveAction === undefined && input.owner === undefined;

/**
 * One box of the form, starting from the stored value. A box nobody typed in follows the stored value
 * when it changes (someone else's save, reloaded after a CONFLICT): otherwise saving again would put the
 * stale text back over theirs. A box typed in keeps what was typed.
 */
export function noteField(stored: () => string) {
  let loaded = untrack(stored);
  const [text, setText] = createSignal(loaded);
  createEffect(
    on(
      stored,
      (latest) => {
        if (untrack(text) === loaded) setText(latest);
        loaded = latest;
      },
      { defer: true },
    ),
  );
  return [text, setText] as const;
}
