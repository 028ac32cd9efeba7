import { createQuery, useClient } from '@urql/solid';
import type { CombinedError } from '@urql/core';
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { readFragment } from '../../graphql/graphql';
import {
  DailyReportQuery,
  ReportRowFields,
  SubmitRectificationMutation,
  WriteReportNoteMutation,
  type ReportNoteInput,
  type ReportRow,
} from './reports.documents';

export type SaveOutcome = MutationOutcome<unknown>;

export interface DayReport {
  rows: Accessor<ReportRow[]>;
  loaded: Accessor<boolean>;
  error: Accessor<CombinedError | null>;
  saveNote(input: Omit<ReportNoteInput, 'shopId' | 'date'>): Promise<SaveOutcome>;
  submitRectification(id: string, content: string): Promise<SaveOutcome>;
}

/**
 * One shop-day of the daily report. What a write returns replaces the row shown (by source), so the
 * operator sees what the server stored — the trimmed note, who submitted the rectification and when. A
 * note refused as a CONFLICT (saved by someone else since it was loaded) reloads the day.
 */
export function createDayReport(options: { shopId: Accessor<string>; date: Accessor<string> }): DayReport {
  const client = useClient();
  const [report, reload] = createQuery({ query: DailyReportQuery, variables: () => ({ shopId: options.shopId(), date: options.date() }) });
  const [saved, setSaved] = createSignal<ReadonlyMap<string, ReportRow>>(new Map());
  const keep = (row: ReportRow) => setSaved((current) => new Map(current).set(row.source, row));
  const forget = (source: string) =>
    setSaved((current) => {
      const rest = new Map(current);
      rest.delete(source);
      return rest;
    });
  const rows = createMemo(() => (report.data?.dailyReport.rows ?? []).map((r) => readFragment(ReportRowFields, r)).map((row) => saved().get(row.source) ?? row));

  const saveNote = async (input: Omit<ReportNoteInput, 'shopId' | 'date'>) => {
    const variables = { input: { ...input, shopId: options.shopId(), date: options.date() } };
    const outcome = await sendMutation(client, WriteReportNoteMutation, variables, (data) => data.writeDailyReportNote, (payload) => payload.row);
    if (outcome.ok) keep(readFragment(ReportRowFields, outcome.value));
    if (!outcome.ok && outcome.code === 'CONFLICT') {
      // Someone saved the row after it was loaded: show what is stored now (the editor keeps what was
      // typed), so the next save is made against that version.
      forget(input.source);
      reload();
    }
    return outcome;
  };

  const submitRectification = async (id: string, content: string) => {
    const outcome = await sendMutation(client, SubmitRectificationMutation, { input: { id, content } }, (data) => data.submitRectification, (payload) => payload.rectification);
    const row = rows().find((r) => r.rectification?.id === id);
    if (outcome.ok && row) keep({ ...row, rectification: outcome.value });
    return outcome;
  };

  return {
    rows,
    loaded: () => !!report.data,
    error: () => (report.error && !report.data ? report.error : null),
    saveNote,
    submitRectification,
  };
}
