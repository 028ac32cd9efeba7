import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openTestBackend } from '../../test/backends.js';
import { buildApp, type App } from '../app.js';
import type { Database } from '../db/client.js';
import { fromProjectRoot } from '../lib/project-root.js';
import { operationNameLabels } from './metrics.js';

const ADMIN_KEY = 'observability-admin-key-0123456789abcdef';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The real app on a free port, logging JSON lines at debug level into `lines`. */
async function start(database: Database, lines: Record<string, unknown>[]): Promise<{ app: App; url: string }> {
  const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  const app = buildApp({
    database,
    env: { NODE_ENV: 'test' },
    logger: pino({ level: 'debug' }, sink),
    adminKey: ADMIN_KEY,
    now: () => new Date(),
    alertEngine: { start: false },
    webhooks: false,
  });
  return { app, url: `http://127.0.0.1:${await app.start(0, '127.0.0.1')}` };
}

describe('operations observability: /metrics and request ids [pglite]', () => {
  let backend: Awaited<ReturnType<typeof openTestBackend>>;
  let app: App;
  let url: string;
  const lines: Record<string, unknown>[] = [];

  let broken: App;
  let brokenUrl: string;

  beforeAll(async () => {
    backend = await openTestBackend('pglite');
    ({ app, url } = await start(backend.database, lines));
    // The same app on a database whose every call fails, as when PostgreSQL is unreachable.
    const unreachable = new Proxy(backend.database.db, {
      get: () => () => {
        throw new Error('connect ECONNREFUSED 10.0.0.5:5432 (test)');
      },
    });
    ({ app: broken, url: brokenUrl } = await start({ ...backend.database, db: unreachable }, lines));
  });
  afterAll(async () => {
    await app.stop();
    await broken.stop();
    await backend.dispose();
  });

  const post = (query: string, headers: Record<string, string> = {}, at = url) =>
    fetch(`${at}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, ...headers },
      body: JSON.stringify({ query }),
    });

  it('counts operations, their durations and their errors by operation name, beside the live-topic figures', async () => {
    expect((await (await post('query ShopCount { shops { totalCount } }')).json()).errors).toBeUndefined();
    const failing = await (await post('query BackwardsWindow { metrics(scope: {}, from: "2026-11-11T00:00:00Z", to: "2026-11-10T00:00:00Z") { orders } }')).json();
    expect(failing.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const scrape = await fetch(`${url}/metrics`);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    expect(text).toMatch(/^graphql_envelop_request_duration_count\{operationName="ShopCount",operationType="query"\} 1$/m);
    expect(text).toMatch(/^graphql_envelop_request_duration_bucket\{le="10",operationName="ShopCount",operationType="query"\} 1$/m);
    expect(text).toMatch(/^graphql_envelop_request_duration_count\{operationName="BackwardsWindow",operationType="query"\} 1$/m);
    expect(text).toMatch(/^graphql_envelop_error_result\{operationName="BackwardsWindow",operationType="query",phase="execute"\} 1$/m);
    expect(text).not.toMatch(/graphql_envelop_error_result\{operationName="ShopCount"/);
    // The live-topic figures that were there before, in the same exposition.
    expect(text).toMatch(/^peakops_live_subscribers 0$/m);
    expect(text).toMatch(/^peakops_db_queries_total [1-9]\d*$/m);
  });

  it('the Grafana dashboard asks only for metrics /metrics exposes', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
    const dashboard = JSON.parse(readFileSync(fromProjectRoot('deploy/grafana/peakops-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(5);
    const asked = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(?:graphql_envelop|peakops)_\w+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))));
    expect([...asked].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('answers /ready and /metrics by path, to HEAD and with a query string too (a probe never gets the screen)', async () => {
    const ready = await fetch(`${url}/ready?probe=1`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const head = await fetch(`${url}/ready`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'application/json', '']);
    expect((await fetch(`${url}/metrics?x=1`)).headers.get('content-type')).toContain('text/plain');
  });

  it('echoes a valid X-Request-Id, replaces an unusable one, makes one when there is none', async () => {
    expect((await post('{ __typename }', { 'x-request-id': 'edge-7f3a:42' })).headers.get('x-request-id')).toBe('edge-7f3a:42');
    expect((await post('{ __typename }')).headers.get('x-request-id')).toMatch(UUID);
    for (const unusable of ['two words', 'x'.repeat(129), '"quoted"']) {
      const echoed = (await post('{ __typename }', { 'x-request-id': unusable })).headers.get('x-request-id');
      expect(echoed).toMatch(UUID);
    }
    // Not only the API: the screen, /ready and /metrics answer with one too.
    expect((await fetch(`${url}/ready`, { headers: { 'x-request-id': 'probe-1' } })).headers.get('x-request-id')).toBe('probe-1');
    // A WebSocket gets its id on the upgrade; its operations log with it.
    const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { 'x-request-id': 'socket-9' } });
    const upgrade = await new Promise<IncomingMessage>((resolve, reject) => {
      socket.once('upgrade', resolve);
      socket.once('error', reject);
    });
    socket.close();
    expect(upgrade.headers['x-request-id']).toBe('socket-9');
  });

  it("puts the request's id on the log lines of its operation", async () => {
    await post('query TracedShops { shops { totalCount } }', { 'x-request-id': 'trace-0001' });
    const line = lines.find((l) => l.requestId === 'trace-0001');
    expect(line).toMatchObject({ msg: 'operation executed', operationName: 'TracedShops', errors: 0 });
    expect(lines.filter((l) => l.msg === 'operation executed' && l.requestId === undefined)).toEqual([]);
  });

  it("logs a refusal the caller caused at info, one line without a stack, never as an error: a query's and a live stream's", async () => {
    const before = lines.length;
    const refused = await post('query RefusedWindow { orders(filter: { from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" }) { totalCount } }', { 'x-request-id': 'trace-refused' });
    expect((await refused.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const stream = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: 'subscription { liveMetrics(scope: {}, window: CAMPAIGN) { sequence } }' }),
    });
    expect(await stream.text()).toContain('window CAMPAIGN needs scope.campaignId');
    const logged = lines.slice(before);
    expect(logged.filter((l) => (l.level as number) >= 50)).toEqual([]);
    const infos = logged.filter((l) => l.msg === 'operation refused');
    expect(infos).toHaveLength(2);
    expect(infos[0]).toMatchObject({ level: 30, requestId: 'trace-refused', operationName: 'RefusedWindow', code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', message: '"from" must be before "to"' });
    expect(infos[1]).toMatchObject({ level: 30, code: 'BAD_USER_INPUT', message: 'window CAMPAIGN needs scope.campaignId' });
    expect(JSON.stringify(infos)).not.toContain('stack');
  });

  it('logs an unexpected error once, with the request id the caller got back, and masks it in the answer', async () => {
    const before = lines.length;
    const response = await post('query ShopsDuringOutage { shops { totalCount } }', { 'x-request-id': 'trace-outage' }, brokenUrl);
    expect(response.headers.get('x-request-id')).toBe('trace-outage');
    expect(JSON.stringify(await response.json())).not.toContain('ECONNREFUSED');
    const errors = lines.slice(before).filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ requestId: 'trace-outage', operationName: 'ShopsDuringOutage', msg: 'unexpected error in an operation' });
    expect(JSON.stringify(errors[0])).toContain('ECONNREFUSED');

    // Files outside GraphQL too.
    const exported = await fetch(`${brokenUrl}/export/daily-reports.csv?from=2026-11-01&to=2026-11-02`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-request-id': 'trace-export' } });
    expect(exported.status).toBe(500);
    expect(lines.find((l) => l.msg === 'export failed')).toMatchObject({ requestId: 'trace-export' });
  });

  it('logs a failure before or around the operation with its request id and operation name: the credential lookup, the audit row', async () => {
    // An API key is looked up in the database while the context is built, before anything executes.
    let before = lines.length;
    const response = await post('query ShopsWithKey { shops { totalCount } }', { 'x-request-id': 'sre-probe-1', authorization: `Bearer pk_${'k'.repeat(43)}` }, brokenUrl);
    expect([response.status, response.headers.get('x-request-id')]).toEqual([500, 'sre-probe-1']);
    expect(JSON.stringify(await response.json())).not.toContain('ECONNREFUSED');
    let errors = lines.slice(before).filter((l) => (l.level as number) >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ requestId: 'sre-probe-1', operationName: 'ShopsWithKey', phase: 'context', msg: 'unexpected error in an operation' });
    expect(JSON.stringify(errors[0])).toContain('ECONNREFUSED');

    // A mutation's audit row is written around its execution: the failed write rejects the execution itself.
    before = lines.length;
    await post('mutation NewShopDuringOutage { createShop(input: { name: "x", platform: TMALL }) { shop { id } } }', { 'x-request-id': 'sre-probe-2' }, brokenUrl);
    errors = lines.slice(before).filter((l) => (l.level as number) >= 50);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((l) => l.requestId !== 'sre-probe-2' || l.operationName !== 'NewShopDuringOutage')).toEqual([]);
  });
});

describe('operation name labels', () => {
  it('keeps a bounded number of valid names and counts the rest as other, invalid or Anonymous', () => {
    const label = operationNameLabels(2);
    expect(label('ShopCount')).toBe('ShopCount');
    expect(label('Orders')).toBe('Orders');
    expect(label('Third')).toBe('other');
    expect(label('ShopCount')).toBe('ShopCount');
    expect(label('not a name')).toBe('invalid');
    expect(label('x'.repeat(65))).toBe('invalid');
    expect(label(undefined)).toBe('Anonymous');
  });
});
