import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST } from 'graphql';

/**
 * Queries run through graphql-jit: each document is compiled once into a function for this schema
 * (cached per parsed document, and Yoga caches parsed documents per query string), so a request no
 * longer walks the document and builds graphql-js's per-field bookkeeping. The answer is still
 * serialised with JSON.stringify (jit's compiled serialiser is off), so `extensions.cost` and masked
 * errors go out as before. On the orders page this took about a quarter of the server's CPU per
 * request off (issue 12, docs/BENCHMARKS.md). Mutations keep graphql-js: the audit
 * trail rewrites their document per request, which would compile anew each time. Subscriptions keep
 * the shared live execution (realtime/shared-execution.plugin.ts).
 */
export function useCompiledQueries() {
  return useGraphQlJit(
    {},
    { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation === 'query' },
  );
}
