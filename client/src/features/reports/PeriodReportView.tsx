import { createQuery } from '@urql/solid';
import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { readFragment } from '../../graphql/graphql';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatCalendarDay, formatEndOfSpan, formatInteger } from '../../lib/format';
import { FigureCells } from './FigureCells';
import { MonthlyReportQuery, PeriodReportFields, WeeklyReportQuery, type PeriodReport } from './period.documents';
import { FIGURE_COLUMNS } from './report-figures';

export type Period = 'week' | 'month';

/** 周报 / 月报 of a shop: the week (Monday–Sunday) or calendar month holding `date`, against the one before. */
export function PeriodReportView(props: { period: Period; shopId: string; date: string }) {
  const { t, locale } = useI18n();
  const [week] = createQuery({ query: WeeklyReportQuery, variables: () => ({ shopId: props.shopId, weekOf: props.date }), pause: () => props.period !== 'week' });
  const [month] = createQuery({ query: MonthlyReportQuery, variables: () => ({ shopId: props.shopId, month: props.date.slice(0, 7) }), pause: () => props.period !== 'month' });
  const answer = () => (props.period === 'week' ? week : month);
  const report = () => {
    const data = props.period === 'week' ? week.data?.weeklyReport : month.data?.monthlyReport;
    return data ? readFragment(PeriodReportFields, data) : undefined;
  };
  return (
    <section class="console-card period-report" data-testid="period-report">
      <InlineError message={answer().error && t('app.error', { message: errorIn(answer().error!, locale()) })} />
      <Show when={report()} fallback={<p class="empty">{t('app.loading')}</p>}>{(r) => <PeriodReportBody report={r()} />}</Show>
    </section>
  );
}

function PeriodReportBody(props: { report: PeriodReport }) {
  const { t, locale } = useI18n();
  const followUp = () => props.report.anomalyFollowUp;
  return (
    <>
      <h3>
        {t(props.report.kind === 'WEEK' ? 'reports.week' : 'reports.month', { from: formatCalendarDay(props.report.from, locale()), to: formatCalendarDay(props.report.to, locale()) })}
        <Show
          when={props.report.previousToDateUntil}
          fallback={<span class="muted">{t('reports.versus', { from: formatCalendarDay(props.report.previousFrom, locale()), to: formatCalendarDay(props.report.previousTo, locale()) })}</span>}
        >
          {(until) => (
            <span class="muted" data-testid="period-versus-same-span">
              {t('reports.versusSameSpan', { from: formatCalendarDay(props.report.previousFrom, locale()), until: formatEndOfSpan(until(), locale()) })}
            </span>
          )}
        </Show>
      </h3>
      <p class="muted" data-testid="period-due">
        {t(props.report.complete ? 'reports.periodComplete' : 'reports.periodSoFar')} · {t('reports.periodDue', { at: formatEndOfSpan(props.report.dueAt, locale()) })}
      </p>
      <ConsoleTable class="report-table" columns={[t('reports.source'), ...FIGURE_COLUMNS.map((c) => t(`figure.${c.key}` as MessageKey))]}>
        <tbody>
          <For each={props.report.rows}>
            {(row) => (
              <tr data-testid="period-row">
                <th scope="row">{t(`source.${row.source}` as MessageKey)}</th>
                {/* A running period against the same span of the one before: against all of it, the 7th read −67 %. */}
                <FigureCells figures={row.figures} change={row.changeToDate ?? row.change} />
              </tr>
            )}
          </For>
          <tr class="period-total" data-testid="period-total">
            <th scope="row">{t('reports.total')}</th>
            <FigureCells figures={props.report.totals} change={props.report.changeToDate ?? props.report.change} />
          </tr>
        </tbody>
      </ConsoleTable>
      <p data-testid="period-follow-up">
        {t('reports.followUp', {
          flagged: formatInteger(followUp().flaggedRows, locale()),
          opened: formatInteger(followUp().opened, locale()),
          submitted: formatInteger(followUp().submitted, locale()),
          late: formatInteger(followUp().submittedLate, locale()),
          overdue: formatInteger(followUp().overdue, locale()),
          flaggedRows: followUp().flaggedRows,
          openedRectifications: followUp().opened,
        })}
      </p>
    </>
  );
}
