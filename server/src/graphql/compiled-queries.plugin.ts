import { useGraphQlJit } from '@envelop/graphql-jit';
import type { ExecuteFunction, Plugin } from '@envelop/core';
import { getOperationAST, type ExecutionResult } from 'graphql';

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
export function useCompiledQueries(): Plugin {
  const jit = useGraphQlJit(
    {},
    {
      enableIf: (args) => {
        const operation = getOperationAST(args.document, args.operationName)?.operation;
        return operation === 'query' || operation === 'mutation';
      },
    },
  );
  return {
    onExecute(payload) {
      const before = payload.executeFn;
      let compiled: ExecuteFunction | null = null;
      // enableIf is synchronous, so jit has chosen by the time this returns.
      void jit.onExecute!({ ...payload, setExecuteFn: (fn) => void (compiled = fn) });
      if (!compiled) return;
      const run: ExecuteFunction = compiled;
      payload.setExecuteFn(async (args) => {
        const result = (await run(args)) as ExecutionResult;
        // A variable graphql-jit could not coerce ({ errors } and no data: nothing has run yet). Its
        // message drops the scalar's own reason and the path inside the variable ("Expected type
        // Date."); graphql-js names both, as callers were told before. Invalid input is rare, so it
        // runs again through graphql-js for those errors.
        return !('data' in result) && result.errors?.length ? before(args) : result;
      });
    },
  };
}
