import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

/** A shop's day: GMV, spend and ROI, whole and per traffic source, as the metric table defines them. */
export const SpendDayQuery = graphql(`
  query ConsoleSpendDay($from: DateTime!, $to: DateTime!, $shopId: ID!) {
    metrics(from: $from, to: $to, scope: { shopIds: [$shopId] }) {
      gmv
      spend
      roi
      bySource {
        source
        gmv
        spend
        roi
      }
    }
  }
`);
export type SpendDay = ResultOf<typeof SpendDayQuery>['metrics'];

/** The entries recorded for a shop's day, newest spentAt first, voided ones with who, when and why. */
export const SpendEntriesQuery = graphql(`
  query ConsoleSpendEntries($shopId: ID!, $from: DateTime!, $to: DateTime!, $after: String) {
    marketingSpend(filter: { shopIds: [$shopId], from: $from, to: $to }, first: 50, after: $after) {
      totalCount
      edges {
        node {
          id
          entryId
          spentAt
          source
          campaignId
          amount
          recordedAt
          voidedAt
          voidedBy
          voidReason
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
export type SpendEntry = ResultOf<typeof SpendEntriesQuery>['marketingSpend']['edges'][number]['node'];

/** The campaigns spend may be attributed to: their shops, windows and status pick those an entry may count for. */
export const SpendCampaignsQuery = graphql(`
  query ConsoleSpendCampaigns {
    campaigns(first: 100) {
      edges {
        node {
          id
          name
          startsAt
          endsAt
          status
          shops {
            id
          }
        }
      }
    }
  }
`);
export type SpendCampaign = ResultOf<typeof SpendCampaignsQuery>['campaigns']['edges'][number]['node'];

/** Why an entry was not taken, in English and Chinese (the console says it in the screen's language). */
const SpendErrorFields = graphql(`
  fragment SpendErrorFields on MarketingSpendError @_unmask {
    field
    code
    message
    messageZh: message(locale: ZH_CN)
  }
`);

export const RecordSpendMutation = graphql(
  `
    mutation ConsoleRecordSpend($input: RecordMarketingSpendInput!) {
      recordMarketingSpend(input: $input) {
        accepted
        duplicates
        userErrors {
          ...SpendErrorFields
        }
      }
    }
  `,
  [SpendErrorFields],
);
export type SpendEntryInput = VariablesOf<typeof RecordSpendMutation>['input']['entries'][number];

export const VoidSpendMutation = graphql(
  `
    mutation ConsoleVoidSpend($input: VoidMarketingSpendInput!) {
      voidMarketingSpend(input: $input) {
        voided
        alreadyVoided
        userErrors {
          ...SpendErrorFields
        }
      }
    }
  `,
  [SpendErrorFields],
);
