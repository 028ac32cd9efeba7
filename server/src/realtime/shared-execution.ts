import { print, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Viewer } from '../auth/viewer.js';

/**
 * Live messages executed once (what Hasura calls multiplexing). The ticker hands one snapshot object
 * per topic and tick to every subscriber; subscribers of that topic who sent the same document with
 * the same variables and may see the same things share ONE execution of their selection on it, and
 * one serialised payload (`json`). The work per tick then grows with the distinct (topic, document,
 * variables, authorisation) combinations on screen, never with the number of screens.
 *
 * Each execution gets a context made for it: Pothos' data loaders cache per context, so nested fields
 * (a SKU's stock under topProducts) are loaded fresh for the tick, once, instead of keeping the value
 * the subscription first saw.
 */
export class SharedExecutions {
  private readonly byPayload = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  private readonly shared = new WeakSet<ExecutionResult>();
  private readonly serialised = new WeakMap<ExecutionResult, string>();
  private readonly eventChunks = new WeakMap<ExecutionResult, Uint8Array>();
  private readonly nextBodies = new WeakMap<ExecutionResult, SharedBody>();
  /** Executions run since start (/metrics: peakops_live_executions_total). */
  executions = 0;
  /** Shared results serialised since start: one per execution that reached a socket or an SSE stream, not one per subscriber. */
  serialisations = 0;
  /** Live messages written straight to a WebSocket or an event stream, past the iterator chain (ws-shared-payload.ts, sse-live-stream.ts). */
  directWrites = 0;

  /** @param share false only to benchmark the per-subscriber design (LIVE_SHARE_EXECUTIONS). */
  constructor(private readonly options: { share: boolean } = { share: true }) {}

  /** The result of executing `key` on `payload`: the first caller executes, the others wait for it. */
  run(payload: object, key: string, execute: () => ExecutionResult | Promise<ExecutionResult>): Promise<ExecutionResult> {
    if (!this.options.share) {
      this.executions++;
      return Promise.resolve(execute());
    }
    let byKey = this.byPayload.get(payload);
    if (!byKey) this.byPayload.set(payload, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) {
      this.executions++;
      result = Promise.resolve(execute()).then((value) => {
        this.shared.add(value);
        return value;
      });
      byKey.set(key, result);
    }
    return result;
  }

  /**
   * The JSON of a shared result, serialised on first use. Undefined for anything else, including a
   * shared result a plugin replaced on its way out (error masking builds a new object when there are
   * errors): only what reaches the socket untouched may be sent from the cache.
   */
  json(result: unknown): string | undefined {
    if (typeof result !== 'object' || result === null || !this.shared.has(result as ExecutionResult)) return undefined;
    const shared = result as ExecutionResult;
    let text = this.serialised.get(shared);
    if (text === undefined) {
      this.serialisations++;
      this.serialised.set(shared, (text = JSON.stringify(shared)));
    }
    return text;
  }

  /** A shared result as one server-sent `event: next`, encoded once for every stream; undefined as for json(). */
  eventChunk(result: unknown): Uint8Array | undefined {
    let chunk = this.eventChunks.get(result as ExecutionResult);
    if (chunk === undefined) {
      const json = this.json(result);
      if (json === undefined) return undefined;
      this.eventChunks.set(result as ExecutionResult, (chunk = nextEvent(json)));
    }
    return chunk;
  }

  /**
   * A shared result as the end of a graphql-ws `next` message — its JSON and the message's closing brace —
   * as text and as bytes, encoded once for every socket; undefined as for json().
   */
  nextBody(result: unknown): SharedBody | undefined {
    let body = this.nextBodies.get(result as ExecutionResult);
    if (body === undefined) {
      const json = this.json(result);
      if (json === undefined) return undefined;
      const text = `${json}}`;
      this.nextBodies.set(result as ExecutionResult, (body = { text, bytes: Buffer.from(text) }));
    }
    return body;
  }
}

/** The same message end as text and as its UTF-8 bytes: the bytes go to sockets, the text where a string is wanted. */
export interface SharedBody {
  text: string;
  bytes: Buffer;
}

const encoder = new TextEncoder();

/** The server-sent `event: next` of a result's JSON (GraphQL over SSE). */
export function nextEvent(json: string): Uint8Array {
  return encoder.encode(`event: next\ndata: ${json}\n\n`);
}

const documentText = new WeakMap<DocumentNode, string>();

/**
 * What makes two subscriptions' messages identical: the operation's text, its name and variables, and
 * what the caller may see and do. Scope-auth's verdicts and every service filter depend only on the
 * viewer's permissions and shops (no live field reads who the caller is), so principals alike in those
 * share; a READ key never shares with an ADMIN, nor a partner with another partner's shops.
 */
export function executionKey(document: DocumentNode, operationName: string | null | undefined, variables: unknown, viewer: Viewer): string {
  // Yoga's parse cache returns one DocumentNode per query text, so printing happens once per document.
  let text = documentText.get(document);
  if (text === undefined) documentText.set(document, (text = print(document)));
  const shops = viewer.shops === 'ALL' ? 'ALL' : [...viewer.shops].sort().join(',');
  const permissions = [...viewer.permissions].sort().join(',');
  return JSON.stringify([text, operationName ?? null, variables ?? null, permissions, shops]);
}
