import pino from 'pino';
import { buildApp, type App, type AppOptions } from '../src/app.js';
import type { TestBackend } from './backends.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  url: string;
  /**
   * POSTs a GraphQL operation to the real HTTP server. `any` by default because tests read many
   * ad-hoc result shapes; the assertions check them.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
  app: App;
}

/** Starts the real app (HTTP server on a free port) on a test backend. */
export async function startTestServer(
  backend: TestBackend,
  options: Partial<Pick<AppOptions, 'resolveViewer' | 'now' | 'tickMs'>> = {},
): Promise<TestServer> {
  const app = buildApp({
    database: backend.database,
    env: { NODE_ENV: process.env.TEST_DEV ? 'development' : 'test' },
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const port = await app.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async gql(query, variables, headers) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    stop: () => app.stop(),
    app,
  };
}
