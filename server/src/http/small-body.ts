import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A partner's query is a few hundred bytes; ingest batches (up to megabytes) are left to Yoga's streaming read. */
const SMALL_BODY_BYTES = 16 * 1024;

/**
 * A POST with a small JSON body of declared length. Yoga, given the raw Node request, wraps its stream in
 * a fetch ReadableStream and pipes it (a stream pipeline, an AbortController and a DOMException per
 * request: ~10 % of a trivial query's CPU, bench:peer). Read whole here and handed over as a string,
 * @whatwg-node builds the Request from that string; what Yoga parses, checks and answers is unchanged.
 */
export function isSmallJsonPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers['transfer-encoding'] !== undefined) return false;
  const length = Number(req.headers['content-length']);
  return length > 0 && length <= SMALL_BODY_BYTES && (req.headers['content-type'] ?? '').includes('json');
}

/**
 * Reads the body, sets it as `req.body` (the pre-read body @whatwg-node/server takes instead of the
 * stream) and calls `next`. A body longer than declared or a broken connection ends the exchange, as
 * Node's own parser would.
 */
export function withSmallBody(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > SMALL_BODY_BYTES) req.destroy();
    else chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    (req as IncomingMessage & { body?: string }).body = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf-8');
    next();
  });
}

/** Yoga's default limit on a request body (its maxRequestBodySize), kept as it was. */
export const MAX_REQUEST_BODY_BYTES = 25_000_000;

function bodyTooLarge() {
  return new GraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
}

/**
 * Yoga's request-body limit (413 over MAX_REQUEST_BODY_BYTES, 400 for a malformed Content-Length, the
 * same errors), with Yoga's own turned off (`maxRequestBodySize: false`): Yoga pipes every body through
 * a counting TransformStream, even a body already read whole by withSmallBody (declared ≤ 16 KB, so far
 * under the limit) — that pipe was ~7 % of a trivial query's CPU. Streamed bodies are counted as before.
 */
export function useRequestBodyLimit(limit = MAX_REQUEST_BODY_BYTES): Plugin<object, { req?: IncomingMessage }> {
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared != null) {
        if (!/^\d+$/.test(declared)) throw new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
        if (Number(declared) > limit) throw bodyTooLarge();
      }
      if (requestParser == null || typeof (serverContext.req as { body?: unknown } | undefined)?.body === 'string') return;
      setRequestParser((req) => {
        if (!req.body) return requestParser(req);
        let read = 0;
        // As Yoga does: a native ReadableStream body needs the native TransformStream (graphql-yoga#4583).
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(bodyTooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: 'half' } as RequestInit));
      });
    },
  };
}
