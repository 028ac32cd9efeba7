import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

/**
 * Typed documents checked against schema/schema.graphql (graphql-env.d.ts is generated from it by
 * `npm run build:client`): a schema change that breaks a query fails the client's type check.
 * Scalars arrive as JSON strings: Decimal is an exact decimal ("1234.50"), DateTime ISO 8601.
 */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; Date: string; Decimal: string; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
