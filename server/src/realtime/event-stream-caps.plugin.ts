import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { SocketRegistry } from './socket-registry.js';
import type { GraphQLError } from 'graphql';

/**
 * Counts subscriptions over event streams (SSE) against their credential's cap, as graphql-ws's hooks count
 * a socket's (app.ts). Operations that came through a socket carry it in their context and are left to those
 * hooks. A stream gives its slot back when it ends, however it ends: the client left, the stream finished, or
 * subscribing failed.
 */
export function useEventStreamCaps(registry: SocketRegistry, refusal: () => GraphQLError): Plugin<Context> {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Context & { socket?: unknown };
      if (context.socket) return undefined;
      const { viewer } = context;
      if (!registry.openStream(viewer)) {
        setResultAndStopExecution({ errors: [refusal()] });
        return undefined;
      }
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        registry.closeStream(viewer);
      };
      return {
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) {
            release(); // refused when subscribing (e.g. a foreign campaign): nothing streams
            return undefined;
          }
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
