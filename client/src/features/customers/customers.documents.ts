import { graphql, type ResultOf } from '../../graphql/graphql';

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
