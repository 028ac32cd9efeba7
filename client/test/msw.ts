import { graphql, ws, type WebSocketHandlerConnection } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The API as the screen sees it: queries over HTTP, subscriptions over graphql-ws on the same path. */
export const API_ORIGIN = 'http://localhost';
export const API_URL = `${API_ORIGIN}/graphql`;
export const SOCKET_URL = 'ws://localhost/graphql';

/** GraphQL handlers bound to API_URL only, so a request elsewhere stays unhandled and fails the test. */
export const api = graphql.link(API_URL);

type SocketListener = (connection: WebSocketHandlerConnection) => void;
let socketListener: SocketListener | null = null;

/**
 * One permanent socket handler that hands connections to the current test's LiveApi. It survives
 * resetHandlers on purpose: graphql-ws may open a retry socket after its test ended (dispose() does not
 * cancel a pending retry), and that socket must land somewhere quiet, not fail the next test.
 * Without a listener a socket is accepted and never acknowledged, so nothing flows on it.
 */
const sockets = ws.link(SOCKET_URL).addEventListener('connection', (connection) => socketListener?.(connection));

export function routeSockets(listener: SocketListener | null): void {
  socketListener = listener;
}

export const server = setupServer(sockets);

const teardowns: (() => void)[] = [];

/** Runs after the test, before its handlers are reset. */
export function onApiTeardown(teardown: () => void): void {
  teardowns.push(teardown);
}

/** Call at the top of a test file whose components talk to the API. Unhandled requests fail the test. */
export function useMockApi(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    for (const teardown of teardowns.splice(0)) teardown();
    routeSockets(null);
    server.resetHandlers();
  });
  afterAll(() => server.close());
}
