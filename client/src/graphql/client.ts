import { Client, fetchExchange, subscriptionExchange, type ExecutionResult } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient, type SubscribePayload } from 'graphql-ws';
import { fetchRenewingOnce } from '../auth/authorized-fetch';
import type { CredentialSource } from '../auth/credential-store';
import type { ConnectionStore } from './connection';
import { FORBIDDEN_CLOSE, isSocketClose, socketClosedError } from './errors';

export interface ApiClients {
  /** The urql client for one principal (principalOf); a screen built for that principal is given it. */
  urqlFor(principal: string): Client;
  ws: WsClient;
}

/** Backoff after a lost socket: 0.5 s, 1 s, 2 s, then every 3 s, with jitter so a wall of screens does not reconnect in lockstep. */
export function retryDelayMs(retries: number): number {
  return Math.min(500 * 2 ** retries, 3_000) + Math.random() * 300;
}

const PING_EVERY_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;

const isForbidden = (closeOrError: unknown) => isSocketClose(closeOrError) && closeOrError.code === FORBIDDEN_CLOSE;

const authorization = (bearer: string | null): Record<string, string> => (bearer ? { authorization: `Bearer ${bearer}` } : {});

/**
 * The server's LIVE_HEARTBEAT_MS, which it sends in the connection_ack (`{ heartbeatMs }`); undefined
 * from an older server that sends no payload, or from anything that is not a positive number of ms.
 */
function heartbeatOf(ack: Record<string, unknown> | undefined): number | undefined {
  const heartbeatMs = ack?.heartbeatMs;
  return typeof heartbeatMs === 'number' && Number.isFinite(heartbeatMs) && heartbeatMs > 0 ? heartbeatMs : undefined;
}

interface Sink {
  next(value: ExecutionResult): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * A subscription the server refused or failed (say, the campaign was hidden from this viewer) is shown
 * as an error and tried again with the reconnect backoff, instead of being resent at once by urql in a
 * tight loop. Lost sockets are graphql-ws's business: it resubscribes by itself.
 */
export function subscribeWithRetry(ws: Pick<WsClient, 'subscribe'>, payload: SubscribePayload, sink: Sink): () => void {
  let attempt = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe = () => {};
  // urql's subscriptionExchange carries a result's errors over into the next ones unless those list
  // errors of their own: after an error, an empty list says the stream is well again.
  let lastHadErrors = false;
  const forward = (result: ExecutionResult) => {
    const recovered = lastHadErrors && !result.errors?.length;
    lastHadErrors = Boolean(result.errors?.length);
    sink.next(recovered ? { ...result, errors: [] } : result);
  };
  const start = () => {
    unsubscribe = ws.subscribe<Record<string, unknown>>(payload, {
      next: (result) => {
        attempt = 0;
        forward(result as ExecutionResult);
      },
      error: (error) => {
        if (stopped) return;
        const errors = Array.isArray(error)
          ? error
          : [isSocketClose(error) ? socketClosedError(error) : { message: error instanceof Error ? error.message : String(error) }];
        forward({ errors } as ExecutionResult);
        retry = setTimeout(start, retryDelayMs(attempt++));
      },
      complete: () => {
        if (!stopped) sink.complete();
      },
    });
  };
  start();
  return () => {
    stopped = true;
    clearTimeout(retry);
    unsubscribe();
  };
}

export interface ApiClientsOptions {
  /** Where the API is: /graphql on this origin, over HTTP and WebSocket. */
  origin: string;
  connection: ConnectionStore;
  credentials: CredentialSource;
}

/**
 * Queries and mutations over HTTP, subscriptions over graphql-ws on the same /graphql path, both with
 * the credential of the moment. The socket retries forever: a war-room screen must come back on its own
 * after a server restart, and after the server closed it because its access token expired.
 */
export function createApiClients(options: ApiClientsOptions): ApiClients {
  const { connection, credentials } = options;
  const httpUrl = new URL('/graphql', options.origin);
  const wsUrl = new URL(httpUrl);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  // A socket that stays open but carries nothing (a dead NAT entry, a frozen proxy) is only noticed by
  // a ping that gets no pong: then close it, and the retry loop reconnects.
  let socket: WebSocket | null = null;
  let pongDeadline: ReturnType<typeof setTimeout> | undefined;
  // A 4403 refuses the credential its socket opened with, which may be older than the current one.
  let sentOnSocket: string | null = null;
  // Whom the socket under way was opened for; null while none is (closed, or waiting to reconnect).
  let principalOnSocket: string | null = null;
  let renewal: Promise<boolean> = Promise.resolve(true);
  const ws = createWsClient({
    // Asked before every (re)connect: with nobody signed in there is nothing to connect with, so the
    // socket waits for the sign-in instead of being refused.
    url: async () => {
      await credentials.whenSignedIn();
      return wsUrl.toString();
    },
    lazy: false,
    keepAlive: PING_EVERY_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Called on every (re)connect, so the socket after a refresh opens with the new access token.
    connectionParams: () => {
      sentOnSocket = credentials.bearer();
      principalOnSocket = credentials.principal();
      return authorization(sentOnSocket);
    },
    // A 4403 is retried only with a credential to try: the session being refreshed, or a newer token.
    // A refused key is dropped by renew(), and the sign-in page shows instead of a retry loop.
    shouldRetry: (closeOrError) => {
      if (!isForbidden(closeOrError)) return true;
      renewal = credentials.renew(sentOnSocket);
      return credentials.bearer() !== null;
    },
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries)));
      await renewal; // a refresh under way finishes before the next socket asks for the credential
    },
    // Giving up after a 4403 is the sign-in page's business, not an error.
    onNonLazyError: (error) => {
      if (!isForbidden(error)) console.error(error);
    },
    on: {
      connecting: () => connection.connecting(),
      connected: (opened, ack) => {
        socket = opened as WebSocket;
        connection.connected(heartbeatOf(ack));
      },
      closed: () => {
        principalOnSocket = null;
        clearTimeout(pongDeadline);
        connection.closed();
      },
      ping: (received) => {
        if (received) return;
        pongDeadline = setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, 'pong timeout');
        }, PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongDeadline);
      },
    },
  });

  // The server grants a socket the access of the credential in its connection_init, for as long as it
  // stays open: after a key link or a sign-in as someone else it would go on streaming the previous
  // one's shops. Ended here, it takes the ordinary way back (shouldRetry, the back-off, connectionParams
  // with the new credential) and graphql-ws resubscribes every stream on the new socket. A refresh keeps
  // the principal, and the socket: the server closes it (4403) when the old token expires.
  credentials.onChange(() => {
    const principal = credentials.principal();
    if (principalOnSocket !== null && principal !== null && principal !== principalOnSocket) ws.terminate();
  });

  const newUrqlClient = () =>
    new Client({
      url: httpUrl.toString(),
      // No document cache: every figure on this screen is either live or polled fresh.
      requestPolicy: 'network-only',
      // A function, so each request reads the credential of the moment (refreshes, sign-in, sign-out).
      fetchOptions: () => ({ headers: authorization(credentials.bearer()) }),
      fetch: fetchRenewingOnce(credentials),
      exchanges: [
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: subscribeWithRetry(ws, { ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
        fetchExchange,
      ],
    });

  // One urql client per principal. A client hands a query to whoever asks for it while the same one is
  // under way (same key: document and variables; neither the context nor the request policy counts), and
  // the asker gets that operation's answer. A page taken down mid-question does not end its operation at
  // once (@urql/solid's createQuery also awaits the answer in a resource of its own), so a page rebuilt for
  // a new principal would join it and show the previous credential's shops. A new client shares nothing.
  // Only the latest is kept: one principal is signed in at a time.
  let latest: { principal: string; client: Client } | null = null;
  const urqlFor = (principal: string) => {
    if (latest?.principal !== principal) latest = { principal, client: newUrqlClient() };
    return latest.client;
  };
  return { urqlFor, ws };
}
