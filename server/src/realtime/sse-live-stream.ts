import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { nextEvent, type SharedExecutions } from './shared-execution.js';
import { directRouteOfRequest, type DirectRoute } from './shared-execution.plugin.js';
import type { LiveMessage } from './ticker.js';

/**
 * Live subscriptions over server-sent events (GraphQL over SSE, "distinct connections" mode), written the way
 * ws-shared-payload.ts writes them to WebSockets: a live tick's shared result goes out as one chunk,
 * encoded once per tick for every stream (SharedExecutions.eventChunk), and once a stream's first live
 * message went the ordinary way its later ticks skip the per-subscriber iterator chain (the mailbox's
 * promise, graphql-js' and Yoga's result mappers, the caps' wrapper). At 1,000 streams that chain, two
 * chunks a message and an encoding per stream made SSE cost ~1.2–1.4× WebSocket's CPU per message
 * (docs/BENCHMARKS.md, "SSE writes a tick once").
 *
 * Flow control stays the stream's: a tick is written only when the response asks for more (`pull`), and
 * while it does not, only the newest tick is held, so a slow client holds back only itself. Anything that
 * is not a shared live result (the first message, a result with errors, the caps' final error, the end)
 * goes through the subscription's own iterator as before. Subscriptions that are not live topics (no
 * mailbox) are left to Yoga's own writer.
 */
export function useLiveEventStreams(shared: SharedExecutions): Plugin {
  return {
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // A route exists only for a live subscription (shared-execution.plugin.ts). For a subscription's stream
      // Yoga picks a processor only when the client accepts text/event-stream (an async result is never
      // answered as plain JSON), so a processor chosen here is the SSE one. Other subscriptions keep Yoga's.
      const route = directRouteOfRequest(request);
      if (!route || !resultProcessor || !isAsyncIterable(result)) return;
      setResultProcessor((stream, fetchAPI) => liveEventStream(stream as AsyncIterable<ExecutionResult>, fetchAPI, route, shared), 'text/event-stream');
    },
  };
}

const encoder = new TextEncoder();
/** A comment: sent first (some clients wait for a first byte) and as a keep-alive. */
const PING = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');
const PING_EVERY_MS = 12_000;

function liveEventStream(source: AsyncIterable<ExecutionResult>, fetchAPI: { ReadableStream: typeof ReadableStream; Response: typeof Response }, route: DirectRoute, shared: SharedExecutions): Response {
  const iterator = source[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  /** The iterator's answer once it came, until written. */
  let step: IteratorResult<ExecutionResult> | null = null;
  let failure: { error: unknown } | null = null;
  let asked = false;
  /** The newest tick handed over by the mailbox while diverted, until written. */
  let held: LiveMessage<unknown> | null = null;
  let diverted = false;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };

  const writeStep = (controller: ReadableStreamDefaultController<Uint8Array>, { value, done }: IteratorResult<ExecutionResult>) => {
    if (value != null) {
      const chunk = shared.eventChunk(value);
      controller.enqueue(chunk ?? nextEvent(JSON.stringify(withoutInternals(value))));
      // Past the first shared message, ticks come straight from the mailbox (see pull).
      if (chunk && !diverted) diverted = route.mailbox.divert((snapshot) => ((held = snapshot), wakeUp()));
    }
    if (done) {
      controller.enqueue(COMPLETE);
      clearInterval(ping);
      controller.close();
    }
  };

  return new fetchAPI.Response(
    new fetchAPI.ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(PING);
        ping = setInterval(() => {
          // Null once errored or closed; 0 while the client is behind: then the stream itself is traffic enough.
          if (controller.desiredSize === null) clearInterval(ping);
          else if (controller.desiredSize > 0) controller.enqueue(PING);
        }, PING_EVERY_MS);
      },
      async pull(controller) {
        for (;;) {
          if (failure) throw failure.error;
          if (step) {
            const answer = step;
            step = null;
            asked = false;
            return writeStep(controller, answer);
          }
          if (held) {
            const snapshot = held;
            held = null;
            const result = await route.run(snapshot).catch(() => null);
            const chunk = !result || result.errors?.length ? undefined : shared.eventChunk(result);
            if (chunk) {
              shared.directWrites++;
              return controller.enqueue(chunk);
            }
            // A result with errors (or an execution that threw) is masked on its way through the iterator: hand the tick back to it.
            diverted = false;
            route.mailbox.undivert(snapshot);
          }
          if (!asked) {
            asked = true;
            iterator.next().then(
              (answer) => ((step = answer), wakeUp()),
              (error: unknown) => ((failure = { error }), wakeUp()),
            );
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      async cancel() {
        clearInterval(ping);
        wakeUp();
        await iterator.return?.();
      },
    }),
    {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', Connection: 'keep-alive', 'Cache-Control': 'no-cache', 'Content-Encoding': 'none' },
    },
  );
}

/**
 * What a client may see of a result that is not a shared live one: as Yoga's own writers do, the `http`
 * (status hints) and `unexpected` extensions of errors, and the result's own `http` extension, stay home.
 */
function withoutInternals(result: ExecutionResult): unknown {
  if (!result.errors?.length && !result.extensions?.http) return result;
  const { http: _status, ...extensions } = result.extensions ?? {};
  return {
    ...result,
    errors: result.errors?.map((error) => {
      const { http: _hint, unexpected: _unexpected, ...kept } = error.toJSON().extensions ?? {};
      return { ...error.toJSON(), extensions: Object.keys(kept).length > 0 ? kept : undefined };
    }),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  };
}
