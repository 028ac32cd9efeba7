import { graphql, type ResultOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/** The four RFM segments of the caller's shops (always all four, in DOMAIN.md's order). */
export const CustomerSegmentsQuery = graphql(`
  query ConsoleCustomerSegments {
    customerSegments {
      segment
      customers
      share
      spend
      netSpend
      paidOrders
      repurchaseRate
    }
  }
`);

export type SegmentSummary = ResultOf<typeof CustomerSegmentsQuery>['customerSegments'][number];
export type RfmSegment = SegmentSummary['segment'];

/** A page of customers, of one segment or all. */
export const CustomersQuery = graphql(`
  query ConsoleCustomers($segment: RfmSegment, $after: String) {
    customers(first: 50, after: $after, filter: { segment: $segment }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          externalId
          nickname
          tier
          points
          rfmSegment
          netSpend
          paidOrders
          lastOrderAt
          shop {
            name
          }
        }
      }
    }
  }
`);

export type CustomerRow = ResultOf<typeof CustomersQuery>['customers']['edges'][number]['node'];

/**
 * 积分兑换: points spent at 100 points = ¥1, oldest-expiring first; refused (INVALID_AMOUNT) when the balance is
 * short. Idempotent on requestId: a form sent again after a lost answer redeems once. Only the balance is read
 * back: what the customer bought needs READ, which a write's answer does not carry.
 */
export const RedeemPointsMutation = graphql(
  `
    mutation ConsoleRedeemPoints($input: RedeemPointsInput!) {
      redeemPoints(input: $input) {
        redemption {
          value
          entry {
            points
          }
          customer {
            id
            points
          }
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

export type Redemption = NonNullable<ResultOf<typeof RedeemPointsMutation>['redeemPoints']['redemption']>;
