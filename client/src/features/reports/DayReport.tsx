import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatDate } from '../../lib/format';
import { ReportTable } from './ReportTable';
import { createDayReport } from './reports.data';

/** One shop-day of the report: its heading links to the day's own page (/console/reports/:shopId/:date). */
export function DayReport(props: { shopId: string; date: string; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const report = createDayReport({ shopId: () => props.shopId, date: () => props.date });
  return (
    <section class="console-card day-report" data-testid="day-report" data-date={props.date}>
      <h3>
        <A href={`/console/reports/${encodeURIComponent(props.shopId)}/${props.date}`}>{formatDate(`${props.date}T00:00:00+08:00`, locale())}</A>
      </h3>
      <InlineError message={report.error() && t('app.error', { message: errorIn(report.error()!, locale()) })} />
      <Show when={report.loaded()} fallback={<p class="empty">{t('app.loading')}</p>}>
        <ReportTable rows={report.rows()} canEdit={props.canEdit} onSaveNote={report.saveNote} onSubmitRectification={report.submitRectification} />
      </Show>
    </section>
  );
}
