import { graphql, type ResultOf } from '../../graphql/graphql';

/**
 * A week's or a month's roll-up of the daily report: per source and in total against the period before (while
 * it runs, against the same span of it: changeToDate), and the anomaly follow-up.
 */
export const PeriodReportFields = graphql(`
  fragment PeriodReportFields on PeriodReport {
    kind
    from
    to
    previousFrom
    previousTo
    dueAt
    complete
    totals { visitors pageViews conversionRate gmv orders buyers refundRate spend roi }
    change { visitors pageViews conversionRate gmv orders refundRate spend roi }
    previousToDateUntil
    changeToDate { visitors pageViews conversionRate gmv orders refundRate spend roi }
    rows {
      source
      figures { visitors pageViews conversionRate gmv orders buyers refundRate spend roi }
      change { visitors pageViews conversionRate gmv orders refundRate spend roi }
      changeToDate { visitors pageViews conversionRate gmv orders refundRate spend roi }
    }
    anomalyFollowUp { flaggedRows opened submitted submittedLate overdue }
  }
`);

export type PeriodReport = ResultOf<typeof PeriodReportFields>;

/** 周报: the Monday–Sunday week holding `weekOf`. */
export const WeeklyReportQuery = graphql(
  `
    query ConsoleWeeklyReport($shopId: ID!, $weekOf: Date!) {
      weeklyReport(shopId: $shopId, weekOf: $weekOf) {
        ...PeriodReportFields
      }
    }
  `,
  [PeriodReportFields],
);

/** 月报: a calendar month (YYYY-MM). */
export const MonthlyReportQuery = graphql(
  `
    query ConsoleMonthlyReport($shopId: ID!, $month: String!) {
      monthlyReport(shopId: $shopId, month: $month) {
        ...PeriodReportFields
      }
    }
  `,
  [PeriodReportFields],
);
