import { createSourceEventStream, execute, type ExecutionArgs } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * Per live message, the context its fields resolve in. Data loaders (Pothos' dataloader plugin)
 * cache per context object, so a context that lived as long as the subscription kept the first value
 * of every nested entity (a SKU's stock) for good. Each message now gets a context made for that
 * message (the ticker sends one snapshot object per topic and tick) and the calling principal: all of
 * a principal's subscribers of a topic (a wall of screens on one key) share it, so nested loads run
 * once per topic, tick and principal — never per subscriber. Not shared across principals: scope-auth
 * caches its verdicts per context too, so a READ key must never resolve in an ADMIN's context.
 */
const contexts = new WeakMap<object, Map<string, Context>>();

function contextFor(snapshot: unknown, base: Context): Context {
  if (typeof snapshot !== 'object' || snapshot === null) return base;
  let byPrincipal = contexts.get(snapshot);
  if (!byPrincipal) contexts.set(snapshot, (byPrincipal = new Map()));
  let context = byPrincipal.get(base.viewer.id);
  if (!context) byPrincipal.set(base.viewer.id, (context = { ...base }));
  return context;
}

/** graphql-js' subscribe, with each event executed in its own per-message context. */
export function useFreshContextPerMessage(): Plugin<Context> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        return mapAsyncIterator(stream, (payload: unknown) =>
          execute({ ...args, rootValue: payload, contextValue: contextFor(payload, args.contextValue as Context) }),
        );
      });
    },
  };
}
