import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { unauthenticated } from '../auth/access.plugin.js';
import { bearerCredential } from '../auth/authenticator.js';
import { refused } from '../graphql/refused.js';

/** Yoga's default limit on a request body (its maxRequestBodySize), kept as it was. */
export const MAX_REQUEST_BODY_BYTES = 25_000_000;

/**
 * The most a request without a well-formed `Authorization: Bearer …` may send. Only signIn and
 * refreshSession run without a credential (auth/access.plugin.ts): an email and a password, or a refresh
 * token, in documents the screen sends in under 1 KB. A larger body gets the 401 the access gate would
 * give it, from its Content-Length before any of it is read, or once this much of a streamed body has
 * come: before, a 24 MB body without a credential was read and parsed whole to be refused after.
 */
export const ANONYMOUS_BODY_BYTES = 16 * 1024;

export interface BodyLimits {
  /** Any request: past it, 413. */
  any: number;
  /** A request without a well-formed credential: past it, 401. None: as `any` (the benchmark's baseline without access control). */
  anonymous?: number;
}

export const BODY_LIMITS: BodyLimits = { any: MAX_REQUEST_BODY_BYTES, anonymous: ANONYMOUS_BODY_BYTES };

/** A request that could only run an operation open to anyone, whose body is therefore held to `limits.anonymous`. */
function heldToAnonymousLimit(authorization: string | null | undefined, limits: BodyLimits): limits is Required<BodyLimits> {
  return limits.anonymous !== undefined && bearerCredential(authorization) === null;
}

/**
 * A POST with a JSON body of declared length within the limit: a partner's query (a few hundred bytes) or
 * an ingest batch (~400 KB for 1,000 events). Yoga, given the raw Node request, wraps its stream in a fetch
 * ReadableStream and pipes it (a stream pipeline, an AbortController and a DOMException per request: ~10 %
 * of a trivial query's CPU, bench:peer; for an ingest batch, each chunk through the pipe, then joined).
 * Read whole here and handed over as a string, @whatwg-node builds the Request from that string; what Yoga
 * parses, checks and answers is unchanged. A chunked body, or one declared over the limit (refused with 413,
 * or 401 without a credential, by useRequestBodies before any of it is read), still goes to Yoga's
 * streaming read.
 */
export function isDeclaredJsonPost(req: IncomingMessage, limits: BodyLimits = BODY_LIMITS): boolean {
  if (req.method !== 'POST' || req.headers['transfer-encoding'] !== undefined) return false;
  const declared = req.headers['content-length'];
  if (declared === undefined || !/^\d+$/.test(declared)) return false;
  const length = Number(declared);
  if (length === 0 || length > limits.any || !(req.headers['content-type'] ?? '').includes('json')) return false;
  // Past what an operation open to anyone needs, a body without a credential is not read: useRequestBodies refuses it by its length.
  return length <= (limits.anonymous ?? limits.any) || !heldToAnonymousLimit(req.headers.authorization, limits);
}

/** Up to this size a body read whole is handed to @whatwg-node as `req.body`; see withWholeBody. */
const SMALL_BODY_BYTES = 16 * 1024;

/** Larger bodies read whole, by request, until useRequestBodies hands them to Yoga's parser. */
const readBodies = new WeakMap<IncomingMessage, string>();

/**
 * Reads the body and calls `next`. Chunks are kept as they arrive and joined once: nothing is allocated
 * for what a client declared and has not sent. A broken connection ends the exchange.
 * A small body becomes `req.body`, the pre-read body @whatwg-node/server takes instead of the stream. A
 * larger one must not: @whatwg-node first asks `Object.keys(req.body)`, which for a string lists every
 * character's index (1.26 s of the server's CPU over 20 ingest batches of 1,000, measured); useRequestBodies hands it over.
 */
export function withWholeBody(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // Node's parser reads no more than the declared length: the rest of the connection is the next request.
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf-8');
    chunks.length = 0;
    if (size <= SMALL_BODY_BYTES) (req as IncomingMessage & { body?: string }).body = text;
    else readBodies.set(req, text);
    next();
  });
}

function bodyTooLarge() {
  return refused('REQUEST_ENTITY_TOO_LARGE', { en: 'Request body too large', zh: '请求体过大' }, { http: { status: 413 } });
}

/**
 * Yoga's request-body limit (413 over MAX_REQUEST_BODY_BYTES, 400 for a malformed Content-Length, the
 * same errors), with Yoga's own turned off (`maxRequestBodySize: false`): Yoga pipes every body through
 * a counting TransformStream, even a body already read whole by withWholeBody (declared within the limit)
 * — that pipe was ~7 % of a trivial query's CPU. Streamed (chunked) bodies are counted as before.
 * A larger body withWholeBody read goes to Yoga's own JSON parser as a Request with that text for its
 * body: the same checks and the same errors as a streamed body, without the stream.
 * A request without a credential is held to `limits.anonymous` the same way, and refused with the access
 * gate's own 401 (auth/access.plugin.ts) rather than a 413: it is the credential that is missing.
 */
export function useRequestBodies(limits: BodyLimits = BODY_LIMITS): Plugin<object, { req?: IncomingMessage }> {
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext, fetchAPI }) {
      const nodeRequest = serverContext.req;
      // Node's parsed headers when there are some: the fetch Request's would be built whole (app.ts, authorizationOf).
      const anonymous = heldToAnonymousLimit(nodeRequest ? nodeRequest.headers.authorization : request.headers.get('authorization'), limits);
      const limit = anonymous ? limits.anonymous! : limits.any;
      const tooLarge = anonymous ? unauthenticated : bodyTooLarge;
      const declared = request.headers.get('content-length');
      if (declared != null) {
        if (!/^\d+$/.test(declared)) throw refused('BAD_REQUEST', { en: 'Content-Length header is invalid.', zh: 'Content-Length 请求头无效。' }, { http: { status: 400 } });
        if (Number(declared) > limit) throw tooLarge();
      }
      if (requestParser == null || typeof (nodeRequest as { body?: unknown } | undefined)?.body === 'string') return;
      const text = nodeRequest && readBodies.get(nodeRequest);
      if (text !== undefined) {
        readBodies.delete(nodeRequest!);
        setRequestParser((req) => requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: text })));
        return;
      }
      setRequestParser((req) => {
        if (!req.body) return requestParser(req);
        let read = 0;
        // As Yoga does: a native ReadableStream body needs the native TransformStream (graphql-yoga#4583).
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: 'half' } as RequestInit));
      });
    },
  };
}
