import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';

/**
 * A page of a shop's products with their SKUs' stock and turnover, over the API's default window (the last
 * 30 complete Asia/Shanghai days, docs/METRICS.md): the same window the 滞销 rule judges. 20 products a
 * page, not the customers' 50: each brings every one of its SKUs. `launch` is the new-product rule (新品):
 * the product's first 7 days, their conversion and the verdict, whatever the window.
 */
export const ProductsQuery = graphql(`
  query ConsoleProducts($filter: ProductFilter!, $after: String) {
    products(first: 20, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          role
          status
          sellThrough
          slowMoving
          launch {
            endsAt
            complete
            visitors
            buyers
            conversionRate
            verdict
          }
          skus {
            id
            code
            spec
            stock
            lowStock
            lowStockThreshold
            averageDailyUnitsSold
            inventoryDays
          }
        }
      }
    }
  }
`);

export type ProductFilter = VariablesOf<typeof ProductsQuery>['filter'];
export type ProductRow = ResultOf<typeof ProductsQuery>['products']['edges'][number]['node'];
export type SkuRow = ProductRow['skus'][number];
export type LaunchRow = ProductRow['launch'];
