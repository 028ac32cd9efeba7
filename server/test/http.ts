import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { buildApp, type App, type AppOptions } from '../src/app.js';
import type { TestBackend } from './backends.js';
import { gid } from './fixtures.js';
import { metricAt } from './server-process.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export interface TestServer {
  url: string;
  /** ws://…/graphql */
  wsUrl: string;
  /** The server's bootstrap admin key (PEAKOPS_ADMIN_KEY). */
  adminKey: string;
  /** graphql-ws connectionParams that authenticate as the admin key. */
  wsParams: { authorization: string };
  /**
   * POSTs a GraphQL operation to the real HTTP server, as the admin key unless `headers` carries its
   * own `authorization` ('' sends none). `any` by default because tests read many ad-hoc result
   * shapes; the assertions check them.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like gql, with the HTTP status and headers too. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  post<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: GraphQLResponse<T> }>;
  /** Creates a real API key through the API (as the admin key) and returns its secret. */
  createKey(input: { shopIds?: string[] | null; scopes: ('READ' | 'INGEST' | 'MANAGE')[]; name?: string; expiresAt?: string; trustedDocumentsOnly?: boolean }): Promise<string>;
  /** GET /ready: its status and what it names as stopped. */
  ready(): Promise<{ status: number; body: { status: string; stopped?: string[] } }>;
  /** One unlabelled figure from GET /metrics (NaN when absent). */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
  app: App;
}

export const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });


/**
 * Starts the real app (HTTP server on a free port) on a test backend, with a fresh admin key. The
 * alert engine does not run by itself here (its queries would disturb tests that count queries, and
 * its alerts tests that count alerts); alert tests drive it with `app.alertEngine.evaluate()`.
 */
export async function startTestServer(
  backend: TestBackend,
  options: Partial<Pick<AppOptions, 'now' | 'tickMs' | 'heartbeatMs' | 'readReplica' | 'rateLimit' | 'accessTokenTtlSeconds' | 'redisUrl' | 'corsOrigins' | 'trustedDocuments' | 'alertEngine' | 'webhooks' | 'webhookAllowPrivateUrls' | 'history' | 'retention' | 'revocationSweepMs' | 'logger' | 'trustProxyHops' | 'jwtSecret' | 'jwtSecretPrevious'>> = {},
): Promise<TestServer> {
  const adminKey = `test-admin-${randomBytes(24).toString('base64url')}`;
  const app = buildApp({
    database: backend.database,
    env: { NODE_ENV: process.env.TEST_DEV ? 'development' : 'test' },
    logger: pino({ level: 'silent' }),
    adminKey,
    alertEngine: { start: false },
    // The tests' webhook receivers listen on 127.0.0.1. The dispatcher polls the database, which would
    // disturb tests that count queries: webhook tests start it by passing `webhooks: { … }`.
    webhookAllowPrivateUrls: true,
    webhooks: false,
    // The partition job would create and drop partitions around a test's frozen clock (a test dated
    // next year would drop this year's minute months): history tests start it by passing `history`.
    history: false,
    // The sweep queries the database on its own timer, like the dispatcher: tests of it pass a period.
    revocationSweepMs: false,
    // A test that does not fix the clock runs on the machine's.
    now: () => new Date(),
    ...options,
  });
  const port = await app.start(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  async function post(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
    const merged: Record<string, string> = { 'content-type': 'application/json', ...bearer(adminKey), ...headers };
    if (merged.authorization === '') delete merged.authorization;
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: merged, body: JSON.stringify({ query, variables }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<never> };
  }
  const server: TestServer = {
    url,
    wsUrl: `${url.replace('http', 'ws')}/graphql`,
    adminKey,
    wsParams: bearer(adminKey),
    post,
    async gql(query, variables, headers) {
      return (await post(query, variables, headers)).body;
    },
    async ready() {
      const response = await fetch(`${url}/ready`);
      return { status: response.status, body: (await response.json()) as { status: string; stopped?: string[] } };
    },
    metric: (name) => metricAt(url, name),
    async createKey(input) {
      const result = await server.gql(
        `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { field message code } } }`,
        { input: { name: input.name ?? 'test key', scopes: input.scopes, expiresAt: input.expiresAt, trustedDocumentsOnly: input.trustedDocumentsOnly, shopIds: input.shopIds?.map((id) => gid('Shop', id)) ?? null } },
      );
      const secret = result.data?.createApiKey?.secret;
      if (!secret) throw new Error(`createApiKey failed: ${JSON.stringify(result)}`);
      return secret as string;
    },
    stop: () => app.stop(),
    app,
  };
  return server;
}
