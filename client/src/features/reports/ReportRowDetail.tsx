import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { serverWords, type MessageKey } from '../../i18n/messages';
import { RectificationBox } from './RectificationBox';
import { ReportNoteEditor } from './ReportNoteEditor';
import type { ReportTableProps } from './ReportTable';
import type { ReportRow } from './reports.documents';

/**
 * Under a row: the rules that flagged it in words, the notes and the 整改报告. A flagged row opens its
 * notes editor (MANAGE); a quiet row with notes shows them on one line, editable on request.
 */
export function ReportRowDetail(props: Omit<ReportTableProps, 'rows'> & { row: ReportRow }) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = createSignal(false);
  const flagged = () => props.row.anomalies.length > 0;
  return (
    <div class="report-follow-up" classList={{ quiet: !flagged() && !editing() }}>
      <Show when={flagged()}>
        <ul class="anomalies" data-testid="anomalies">
          <For each={props.row.anomalies}>
            {(a) => (
              <li>
                <strong>{t(`reportRule.${a.rule}` as MessageKey)}</strong> {serverWords(a, locale())}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={props.canEdit && (flagged() || editing())}
        fallback={
          <p class="report-notes" data-testid="report-notes">
            <span>{t('app.labelled', { label: t('reports.anomalyNote'), value: props.row.anomalyNote ?? '—' })}</span>
            <span>{t('app.labelled', { label: t('reports.correctiveAction'), value: props.row.correctiveAction ?? '—' })}</span>
            <span>{t('app.labelled', { label: t('reports.owner'), value: props.row.owner || '—' })}</span>
            <Show when={props.canEdit}>
              <button type="button" class="link-button" onClick={() => setEditing(true)}>
                {t('reports.editNote')}
              </button>
            </Show>
          </p>
        }
      >
        <ReportNoteEditor row={props.row} onSave={props.onSaveNote} />
      </Show>
      <Show when={props.row.rectification}>
        {(r) => <RectificationBox rectification={r()} canEdit={props.canEdit} onSubmit={(content) => props.onSubmitRectification(r().id, content)} />}
      </Show>
    </div>
  );
}
