import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type { SocketRegistry } from './socket-registry.js';

/**
 * Counts subscriptions over event streams (SSE) against their credential's cap, as graphql-ws's hooks count
 * a socket's (app.ts), and ends a stream whose credential is revoked or expires while it is open, as a socket
 * is closed with 4403: its last event is `ended(reason)`'s error, then the stream completes. Operations that
 * came through a socket carry it in their context and are left to those hooks. A stream gives its slot back
 * when it ends, however it ends: the client left, the stream finished or was ended, or subscribing failed.
 */
export function useEventStreamCaps(registry: SocketRegistry, refusal: () => GraphQLError, ended: (reason: string) => GraphQLError): Plugin<Context> {
  return {
    async onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Context & { socket?: unknown };
      if (context.socket) return undefined;
      let endWith: (reason: string) => void = () => {};
      const revoked = new Promise<string>((resolve) => (endWith = resolve));
      const stream = await registry.openStream(context.viewer, (reason) => endWith(reason));
      if (!stream) {
        setResultAndStopExecution({ errors: [refusal()] });
        return undefined;
      }
      const release = () => registry.closeStream(stream);
      return {
        onSubscribeResult: ({ result, setResult }) => {
          if (!isAsyncIterable(result)) {
            release(); // refused when subscribing (e.g. a foreign campaign): nothing streams
            return undefined;
          }
          setResult(endsWhen(result, revoked.then((reason): ExecutionResult => ({ errors: [ended(reason)] }))));
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}

/**
 * `source`'s values until `last` settles; then `last`'s value as the final one, the source is returned (a
 * live topic forgets its subscriber) and the iteration is done. `last` is listened to once, not once per
 * value: a stream open for days adds nothing per message.
 */
export function endsWhen<T>(source: AsyncIterable<T>, last: Promise<T>): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let final: { value: T } | null = null;
  let done = false;
  /** The pending next()'s resolver, for `last` to settle it if it comes first. */
  let waiting: ((step: IteratorResult<T>) => void) | null = null;
  const finish = async (): Promise<IteratorResult<T>> => {
    done = true;
    await iterator.return?.();
    return { done: true, value: undefined };
  };
  const takeFinal = (value: T): IteratorResult<T> => {
    void finish();
    return { done: false, value };
  };
  void last.then((value) => {
    final = { value };
    const resolve = waiting;
    waiting = null;
    resolve?.(takeFinal(value));
  });
  return {
    next() {
      if (done) return Promise.resolve({ done: true, value: undefined });
      if (final) return Promise.resolve(takeFinal(final.value));
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        waiting = resolve;
        iterator.next().then(
          (step) => {
            if (waiting !== resolve) return; // `last` came first
            waiting = null;
            resolve(step);
          },
          (error: unknown) => {
            if (waiting !== resolve) return;
            waiting = null;
            reject(error);
          },
        );
      });
    },
    return: finish,
    async throw(error: unknown) {
      done = true;
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
