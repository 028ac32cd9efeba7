import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import type { ConnectionStore } from './connection';

export interface ApiClients {
  urql: Client;
  ws: WsClient;
}

/** Backoff after a lost socket: 0.5 s, 1 s, 2 s, then every 3 s, with jitter so a wall of screens does not reconnect in lockstep. */
export function retryDelayMs(retries: number): number {
  return Math.min(500 * 2 ** retries, 3_000) + Math.random() * 300;
}

/**
 * Queries and mutations over HTTP, subscriptions over graphql-ws on the same /graphql path. The
 * socket retries forever: a war-room screen must come back on its own after a server restart.
 */
export function createApiClients(origin: string, connection: ConnectionStore): ApiClients {
  const httpUrl = new URL('/graphql', origin);
  const wsUrl = new URL(httpUrl);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  const ws = createWsClient({
    url: wsUrl.toString(),
    lazy: false,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, retryDelayMs(retries))),
    on: {
      connecting: () => connection.connecting(),
      connected: () => connection.connected(),
      closed: () => connection.closed(),
    },
  });

  const urql = new Client({
    url: httpUrl.toString(),
    // No document cache: every figure on this screen is either live or polled fresh.
    requestPolicy: 'network-only',
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
      fetchExchange,
    ],
  });
  return { urql, ws };
}
