import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/**
 * An alert as the console lists it: what alert-subject.ts and alert-figures.ts word (rule, subject, value,
 * threshold), the server's sentence in both languages (serverWords), and who claimed it when.
 */
export const AlertLogFields = graphql(`
  fragment AlertLogFields on Alert @_unmask {
    id
    rule
    severity
    status
    subject
    message
    messageEn: message(locale: EN)
    value
    threshold
    raisedAt
    acknowledgedAt
    acknowledgedBy
    resolvedAt
    shop {
      name
    }
  }
`);

/** A page of alerts, newest raised first (the API's only order), 50 a page. */
export const AlertLogQuery = graphql(
  `
    query ConsoleAlerts($filter: AlertFilter!, $after: String) {
      alerts(filter: $filter, first: 50, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...AlertLogFields
          }
        }
      }
    }
  `,
  [AlertLogFields],
);

export type AlertLogFilter = VariablesOf<typeof AlertLogQuery>['filter'];
export type AlertLogRow = ResultOf<typeof AlertLogQuery>['alerts']['edges'][number]['node'];
export type AlertSeverity = AlertLogRow['severity'];

/** 认领: idempotent on the server (the first acknowledgement stays); the answer is the alert as stored. */
export const AcknowledgeAlertLogMutation = graphql(
  `
    mutation ConsoleAcknowledgeAlert($id: ID!) {
      acknowledgeAlert(input: { id: $id }) {
        alert {
          ...AlertLogFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [AlertLogFields, UserErrorFields],
);
