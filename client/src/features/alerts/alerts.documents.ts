import { graphql, type ResultOf } from '../../graphql/graphql';

/** Everything an alert item shows; `updatedAt` decides which of two copies (loaded, streamed) is newer. */
export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id
    rule
    severity
    status
    subject
    message
    messageEn: message(locale: EN)
    raisedAt
    acknowledgedAt
    acknowledgedBy
    resolvedAt
    value
    threshold
    updatedAt
    incident {
      startedAt
      respondBy
      fixBy
    }
  }
`);

export type AlertRow = ResultOf<typeof AlertFields>;
export type AlertRule = AlertRow['rule'];

/**
 * The unresolved alerts (OPEN and ACKNOWLEDGED), newest first: loaded when the feed opens and again
 * after a reconnect; alertChanged keeps them current in between.
 */
export const OpenAlertsQuery = graphql(
  `
    query WarRoomAlerts {
      alerts(filter: { statuses: [OPEN, ACKNOWLEDGED] }, first: 100) {
        edges {
          node {
            ...AlertFields
          }
        }
      }
    }
  `,
  [AlertFields],
);

/** Every change of an alert the viewer may see, resolutions included (the server ignores a status filter here). */
export const AlertChangedSubscription = graphql(
  `
    subscription WarRoomAlertChanged {
      alertChanged {
        change
        alert {
          ...AlertFields
        }
      }
    }
  `,
  [AlertFields],
);

export type AlertChange = ResultOf<typeof AlertChangedSubscription>['alertChanged']['change'];

export const AcknowledgeAlertMutation = graphql(
  `
    mutation WarRoomAcknowledge($id: ID!) {
      acknowledgeAlert(input: { id: $id }) {
        alert {
          ...AlertFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [AlertFields],
);
