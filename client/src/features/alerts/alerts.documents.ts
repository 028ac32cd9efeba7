import { graphql } from '../../graphql/graphql';

export const AlertFields = graphql(`
  fragment AlertFields on Alert {
    id
    rule
    severity
    subject
    message
    raisedAt
    acknowledgedAt
  }
`);

export const OpenAlertsQuery = graphql(
  `
    query WarRoomAlerts {
      alerts(filter: { acknowledged: false }, first: 30) {
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

export const AlertRaisedSubscription = graphql(
  `
    subscription WarRoomAlertRaised {
      alertRaised {
        ...AlertFields
      }
    }
  `,
  [AlertFields],
);

export const AcknowledgeAlertMutation = graphql(
  `
    mutation WarRoomAcknowledge($id: ID!) {
      acknowledgeAlert(input: { id: $id }) {
        alert {
          ...AlertFields
        }
        userErrors {
          message
        }
      }
    }
  `,
  [AlertFields],
);
