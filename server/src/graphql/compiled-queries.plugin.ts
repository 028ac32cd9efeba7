import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST } from 'graphql';

/**
 * Queries and mutations run through graphql-jit: each document is compiled once into a function for
 * this schema (cached per parsed document, and Yoga caches parsed documents per query string), so a
 * request no longer walks the document and builds graphql-js's per-field bookkeeping. The answer is still
 * serialised with JSON.stringify (jit's compiled serialiser is off), so `extensions.cost` and masked
 * errors go out as before. On the orders page this took about a quarter of the server's CPU per
 * request off (issue 12, docs/BENCHMARKS.md). For mutations the compiled variable coercion replaces
 * graphql-js's generic one (plus the executor's snapshot of the input): on an `ingestEvents` batch of
 * 1,000 `EventInput` objects that was ~24 ms. The plugin must come BEFORE the audit trail in the plugin
 * list: the trail wraps whatever executor the plugins before it set, and executes its rewritten
 * document (memoised per parsed document, so it compiles once) through it; after the trail, this plugin
 * would replace the trail's executor and mutations would go unaudited (auth/authorization-matrix.api.test.ts
 * checks that every mutation leaves its row).
 * Subscriptions keep the shared live execution (realtime/shared-execution.plugin.ts).
 */
export function useCompiledQueries() {
  return useGraphQlJit(
    {},
    {
      enableIf: (args) => {
        const operation = getOperationAST(args.document, args.operationName)?.operation;
        return operation === 'query' || operation === 'mutation';
      },
    },
  );
}
