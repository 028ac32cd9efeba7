import { createQuery, useClient } from '@urql/solid';
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { mutationOutcome, type MutationOutcome } from '../../graphql/mutation-outcome';
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
  error: Accessor<string | null>;
  saveNote(input: Omit<ReportNoteInput, 'shopId' | 'date'>): Promise<SaveOutcome>;
  submitRectification(id: string, content: string): Promise<SaveOutcome>;
}

/**
 * One shop-day of the daily report. What a write returns replaces the row shown (by source), so the
 * operator sees what the server stored — the trimmed note, who submitted the rectification and when.
 */
export function createDayReport(options: { shopId: Accessor<string>; date: Accessor<string> }): DayReport {
  const client = useClient();
  const [report] = createQuery({ query: DailyReportQuery, variables: () => ({ shopId: options.shopId(), date: options.date() }) });
  const [saved, setSaved] = createSignal<ReadonlyMap<string, ReportRow>>(new Map());
  const keep = (row: ReportRow) => setSaved((current) => new Map(current).set(row.source, row));
  const rows = createMemo(() => (report.data?.dailyReport.rows ?? []).map((r) => readFragment(ReportRowFields, r)).map((row) => saved().get(row.source) ?? row));

  const saveNote = async (input: Omit<ReportNoteInput, 'shopId' | 'date'>) => {
    const result = await client.mutation(WriteReportNoteMutation, { input: { ...input, shopId: options.shopId(), date: options.date() } }).toPromise();
    const payload = result.data?.writeDailyReportNote;
    const outcome = mutationOutcome(result.error, payload, payload?.row);
    if (outcome.ok) keep(readFragment(ReportRowFields, outcome.value));
    return outcome;
  };

  const submitRectification = async (id: string, content: string) => {
    const result = await client.mutation(SubmitRectificationMutation, { input: { id, content } }).toPromise();
    const payload = result.data?.submitRectification;
    const outcome = mutationOutcome(result.error, payload, payload?.rectification);
    const row = rows().find((r) => r.rectification?.id === id);
    if (outcome.ok && row) keep({ ...row, rectification: outcome.value });
    return outcome;
  };

  return {
    rows,
    loaded: () => !!report.data,
    error: () => (report.error && !report.data ? report.error.message : null),
    saveNote,
    submitRectification,
  };
}
