import { createSourceEventStream, execute, type ExecutionArgs } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import { shopsKey } from '../auth/viewer.js';
import type { Context } from '../context.js';

/**
 * Per live message, the context its fields resolve in. Data loaders (Pothos' dataloader plugin)
 * cache per context object, so a context that lived as long as the subscription kept the first value
 * of every nested entity (a SKU's stock) for good. Each message now gets a context made for that
 * message (the ticker sends one snapshot object per topic and tick) and the caller's shops: every
 * subscriber of a topic shares it, so nested loads run once per topic per tick, not per subscriber.
 */
const contexts = new WeakMap<object, Map<string, Context>>();

function contextFor(snapshot: unknown, base: Context): Context {
  if (typeof snapshot !== 'object' || snapshot === null) return base;
  let byShops = contexts.get(snapshot);
  if (!byShops) contexts.set(snapshot, (byShops = new Map()));
  // Subscribers of one topic see the same shops (the topic key includes them); the key keeps it so.
  const key = shopsKey(base.viewer);
  let context = byShops.get(key);
  if (!context) byShops.set(key, (context = { ...base }));
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
