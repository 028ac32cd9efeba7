import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id arrives in (from nginx's `$request_id`, a partner, a load balancer) and goes back in. */
export const REQUEST_ID_HEADER = 'x-request-id';
/**
 * What a caller's id may look like: a token of at most 128 characters (UUIDs, nginx's 32 hex digits,
 * ULIDs, `service:seq`). Anything else — too long, spaces, quotes, control characters — is replaced,
 * so a caller can neither bloat every log line of its request nor forge structure in it.
 */
const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when it is a valid token, else a new UUID. */
export function requestIdFrom(given: string | string[] | null | undefined): string {
  return typeof given === 'string' && VALID.test(given) ? given : randomUUID();
}

const ids = new WeakMap<IncomingMessage | Request, string>();

/**
 * The id of a request, decided once and remembered for its whole life: the HTTP handler echoes it, the
 * GraphQL context logs with it (and the operation log, when that context could not be built), and a
 * WebSocket's upgrade request gives its id to every operation on that socket. A fetch Request (`app.fetch`,
 * no Node request behind it) keeps its id the same way.
 */
export function requestIdOf(req: IncomingMessage | Request): string {
  let id = ids.get(req);
  if (id === undefined) {
    id = requestIdFrom(isFetchRequest(req) ? req.headers.get(REQUEST_ID_HEADER) : req.headers[REQUEST_ID_HEADER]);
    ids.set(req, id);
  }
  return id;
}

function isFetchRequest(req: IncomingMessage | Request): req is Request {
  return typeof (req.headers as Headers).get === 'function';
}
