import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

/** The shops the caller may see: the report page's shop picker. */
export const ConsoleShopsQuery = graphql(`
  query ConsoleShops {
    shops(first: 100) {
      edges {
        node {
          id
          name
          platform
        }
      }
    }
  }
`);

export type ShopOption = ResultOf<typeof ConsoleShopsQuery>['shops']['edges'][number]['node'];

/**
 * One source's line of a day: figures against the day before, the anomalies, the notes and the
 * rectification. Nothing nested is masked: the table reads every field of it.
 */
export const ReportRowFields = graphql(`
  fragment ReportRowFields on DailyReportRow {
    date
    source
    figures {
      visitors
      pageViews
      conversionRate
      gmv
      orders
      buyers
      refundRate
      spend
      roi
    }
    change {
      visitors
      pageViews
      conversionRate
      gmv
      orders
      refundRate
      spend
      roi
    }
    anomalies {
      rule
      message
      messageEn: message(locale: EN)
    }
    anomalyNote
    correctiveAction
    owner
    noteUpdatedAt
    rectification { id reasons openedAt dueAt overdue content submittedAt submittedBy submittedLate }
  }
`);

export type ReportRow = ResultOf<typeof ReportRowFields>;
export type Rectification = NonNullable<ReportRow['rectification']>;
export type Figures = ReportRow['figures'];

/** 运营数据日报 of one shop and Asia/Shanghai day. */
export const DailyReportQuery = graphql(
  `
    query ConsoleDailyReport($shopId: ID!, $date: Date!) {
      dailyReport(shopId: $shopId, date: $date) {
        date
        rows {
          ...ReportRowFields
        }
      }
    }
  `,
  [ReportRowFields],
);

/** 异常指标说明 / 整改措施 / 负责人 of one row (MANAGE). */
export const WriteReportNoteMutation = graphql(
  `
    mutation ConsoleWriteReportNote($input: WriteDailyReportNoteInput!) {
      writeDailyReportNote(input: $input) {
        row {
          ...ReportRowFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [ReportRowFields],
);

export type ReportNoteInput = VariablesOf<typeof WriteReportNoteMutation>['input'];

/** The 整改报告's content (MANAGE): the server records who submitted it and when. */
export const SubmitRectificationMutation = graphql(`
    mutation ConsoleSubmitRectification($input: SubmitRectificationInput!) {
      submitRectification(input: $input) {
        rectification { id reasons openedAt dueAt overdue content submittedAt submittedBy submittedLate }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `);
