import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { executionKey, type SharedExecutions } from './shared-execution.js';
import { Mailbox } from './ticker.js';

/** What a live subscriber's later ticks may go by instead of the iterator chain (ws-shared-payload.ts). */
export interface DirectRoute {
  mailbox: Mailbox<unknown>;
  /** The tick's shared execution for this subscriber's document, variables and authorisation. */
  run(payload: object): Promise<ExecutionResult>;
}

/** Keyed by the subscription's context object, which graphql-ws hands back to onNext with its arguments. */
const directRoutes = new WeakMap<object, DirectRoute>();

export function directRouteOf(context: unknown): DirectRoute | undefined {
  return typeof context === 'object' && context !== null ? directRoutes.get(context) : undefined;
}

/** The same, for a subscription over an event stream: Yoga's result processors know its request, not its context. */
const directRoutesByRequest = new WeakMap<Request, DirectRoute>();

export function directRouteOfRequest(request: Request): DirectRoute | undefined {
  return directRoutesByRequest.get(request);
}

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
        const run = (payload: object) => shared.run(payload, key, () => execute({ ...args, rootValue: payload, contextValue: { ...base } }));
        if (stream instanceof Mailbox) {
          const route = { mailbox: stream as Mailbox<unknown>, run };
          directRoutes.set(base, route);
          const request = (base as Context & { request?: Request }).request;
          if (request) directRoutesByRequest.set(request, route);
        }
        return mapAsyncIterator(stream, (payload: unknown) =>
          typeof payload === 'object' && payload !== null ? run(payload) : execute({ ...args, rootValue: payload, contextValue: { ...base } }),
        );
      });
    },
  };
}
