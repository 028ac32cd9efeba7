import { createSourceEventStream, execute, type ExecutionArgs } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { executionKey, type SharedExecutions } from './shared-execution.js';

/**
 * graphql-js' subscribe, with each event executed once for all alike subscribers (shared-execution.ts)
 * in a context made for that event, so nested fields reflect the tick. A stream's events that are not
 * shared objects (primitives) are executed per subscriber as before.
 */
export function useSharedLiveExecution(shared: SharedExecutions): Plugin<Context> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        const base = args.contextValue as Context;
        // Computed once per subscription, not per message.
        const key = executionKey(args.document, args.operationName, args.variableValues, base.viewer);
        return mapAsyncIterator(stream, (payload: unknown) =>
          typeof payload === 'object' && payload !== null
            ? shared.run(payload, key, () => execute({ ...args, rootValue: payload, contextValue: { ...base } }))
            : execute({ ...args, rootValue: payload, contextValue: { ...base } }),
        );
      });
    },
  };
}
