import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/** What the page shows of a webhook (unmasked: the card reads every field). */
const WebhookFields = graphql(`
  fragment WebhookFields on Webhook @_unmask {
    id
    name
    url
    format
    events
    shops {
      id
      name
    }
    signed
    pausedAt
    receiving
    consecutiveFailures
    createdAt
  }
`);

/** The caller's webhooks (ADMIN: every one), newest first, and whether it covers every shop (only then may a webhook). */
export const WebhooksQuery = graphql(
  `
    query ConsoleWebhooks {
      viewer {
        allShops
      }
      webhooks {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);

export type WebhookView = ResultOf<typeof WebhooksQuery>['webhooks'][number];
export type WebhookFormat = WebhookView['format'];
export type WebhookEvent = WebhookView['events'][number];

/** One webhook's latest deliveries, read when its log is opened. */
export const WebhookDeliveriesQuery = graphql(`
  query ConsoleWebhookDeliveries($id: ID!, $first: Int!) {
    node(id: $id) {
      id
      ... on Webhook {
        deliveries(first: $first) {
          totalCount
          edges {
            node {
              id
              event
              status
              attemptCount
              lastStatusCode
              lastError
              deliveredAt
              nextAttemptAt
              createdAt
            }
          }
        }
      }
    }
  }
`);

export type DeliveryView = Extract<NonNullable<ResultOf<typeof WebhookDeliveriesQuery>['node']>, { deliveries: unknown }>['deliveries']['edges'][number]['node'];

export const CreateWebhookMutation = graphql(
  `
    mutation ConsoleCreateWebhook($input: CreateWebhookInput!) {
      createWebhook(input: $input) {
        secret
        webhook {
          ...WebhookFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [WebhookFields, UserErrorFields],
);
export type WebhookCreate = VariablesOf<typeof CreateWebhookMutation>['input'];

export const UpdateWebhookMutation = graphql(
  `
    mutation ConsoleUpdateWebhook($input: UpdateWebhookInput!) {
      updateWebhook(input: $input) {
        webhook {
          ...WebhookFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [WebhookFields, UserErrorFields],
);
export type WebhookUpdate = VariablesOf<typeof UpdateWebhookMutation>['input'];

export const DeleteWebhookMutation = graphql(
  `
    mutation ConsoleDeleteWebhook($id: ID!) {
      deleteWebhook(input: { id: $id }) {
        webhook {
          id
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export const TestWebhookMutation = graphql(
  `
    mutation ConsoleTestWebhook($id: ID!) {
      testWebhook(input: { id: $id }) {
        attempt {
          statusCode
          error
          durationMs
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
export type TestAttempt = NonNullable<ResultOf<typeof TestWebhookMutation>['testWebhook']['attempt']>;

export const RedeliverMutation = graphql(
  `
    mutation ConsoleRedeliverWebhookDelivery($id: ID!) {
      redeliverWebhookDelivery(input: { id: $id }) {
        delivery {
          id
          status
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
