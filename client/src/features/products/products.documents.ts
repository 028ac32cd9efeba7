import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/** A SKU's row: its stock against its line in force (the LOW_STOCK alert's: its shop's, else its own threshold), and its turnover over the default window. Unmasked: read as it is. */
export const SkuFields = graphql(`
  fragment ConsoleSkuFields on Sku @_unmask {
    id
    code
    spec
    stock
    lowStock
    lowStockLine
    averageDailyUnitsSold
    inventoryDays
  }
`);

/**
 * A page of a shop's products with their SKUs' stock and turnover, over the API's default window (the last
 * 30 complete Asia/Shanghai days, docs/METRICS.md): the same window the 滞销 rule judges. 20 products a
 * page, not the customers' 50: each brings every one of its SKUs. `launch` is the new-product rule (新品):
 * the product's first 7 days, their conversion and the verdict, whatever the window.
 */
export const ProductsQuery = graphql(
  `
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
              ...ConsoleSkuFields
            }
          }
        }
      }
    }
  `,
  [SkuFields],
);

export type ProductFilter = VariablesOf<typeof ProductsQuery>['filter'];
export type ProductRow = ResultOf<typeof ProductsQuery>['products']['edges'][number]['node'];
export type SkuRow = ProductRow['skus'][number];
export type LaunchRow = ProductRow['launch'];

/**
 * A restock (`stockDelta: +n`, added to the count as it is when written, so units sold meanwhile are kept) or a
 * stocktake (`stock: n`, the count found). The answer is the SKU as stored: its row shows it, turnover too.
 */
export const UpdateSkuStockMutation = graphql(
  `
    mutation ConsoleUpdateSkuStock($input: UpdateSkuInput!) {
      updateSku(input: $input) {
        sku {
          ...ConsoleSkuFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [SkuFields, UserErrorFields],
);
