import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { createLogger } from '../logger.js';

describeEachBackend('safe defaults', (backend) => {
  let server: TestServer | undefined;
  afterEach(() => server?.stop());

  it('answers no CORS preflight from an origin it was not told about, and only the listed ones', async () => {
    server = await startTestServer(backend(), { corsOrigins: ['https://ops.example.cn'] });
    const preflight = (origin: string) =>
      fetch(`${server!.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('*');
    const listed = await preflight('https://ops.example.cn');
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://ops.example.cn');
  });

  it('logs a failed statement with its SQL but never the values it was sent (a robot token, a signing secret)', async () => {
    let log = '';
    const sink = new Writable({ write: (chunk, _encoding, done) => void ((log += String(chunk)), done()) });
    server = await startTestServer(backend(), { logger: createLogger({ LOG_LEVEL: 'info' }, sink) });
    // The table gone for a moment (as in a botched migration): the insert fails with the URL and secret among its values.
    await backend().db.execute(sql`alter table webhooks rename to webhooks_away`);
    let result;
    try {
      result = await server.gql(`mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { userErrors { code } } }`, {
        input: { url: 'https://oapi.dingtalk.com/robot/send?access_token=ROBOTTOKEN123', events: ['ALERT_RAISED'], format: 'DINGTALK', secret: 'SECsigningsecret999' },
      });
    } finally {
      await backend().db.execute(sql`alter table webhooks_away rename to webhooks`);
    }
    expect(result.errors?.[0]?.message).toBe('Unexpected error.');
    await expect.poll(() => log).toContain('unexpected error in an operation');
    expect(log).toContain('Failed query: insert into \\"webhooks\\"');
    expect(log).toMatch(/"params":"\d+ values, not logged"/);
    expect(log).not.toContain('ROBOTTOKEN123');
    expect(log).not.toContain('SECsigningsecret999');
  });

  it('keeps an idle connection open longer than a proxy keeps it for reuse, and serves the next request on it', async () => {
    server = await startTestServer(backend());
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const answers = async (n: number) => {
      await expect.poll(() => received.split('HTTP/1.1 200').length - 1, { timeout: 5_000 }).toBe(n);
    };
    socket.write('GET /health HTTP/1.1\r\nHost: peakops\r\n\r\n');
    await answers(1);
    // nginx reuses an idle upstream connection for up to 60 s (its keepalive_timeout): the server must wait longer.
    const announced = Number(/keep-alive: timeout=(\d+)/i.exec(received)?.[1]);
    expect(announced).toBeGreaterThan(60);
    // Idle past Node's default of 5 s, the connection still takes a request.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(socket.destroyed).toBe(false);
    socket.write('GET /health HTTP/1.1\r\nHost: peakops\r\n\r\n');
    await answers(2);
    socket.destroy();
  });

  it('with no CORS_ORIGINS, echoes no origin at all', async () => {
    server = await startTestServer(backend());
    const response = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://anyone.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('outside development serves no GraphiQL and suggests no field names', async () => {
    server = await startTestServer(backend());
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const typo = await server.gql('{ shopz { totalCount } }');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

it('redacts credentials, passwords and tokens from log lines', () => {
  let line = '';
  const sink = new Writable({ write: (chunk, _encoding, done) => void ((line += String(chunk)), done()) });
  const logger = createLogger({ LOG_LEVEL: 'info' }, sink);
  logger.info({ req: { headers: { authorization: 'Bearer pk_secret123' } }, connectionParams: { authorization: 'Bearer pk_secret123' }, variables: { input: { password: 'hunter2hunter2', refreshToken: 'rt_x' } } }, 'request');
  expect(line).not.toContain('pk_secret123');
  expect(line).not.toContain('hunter2hunter2');
  expect(line).not.toContain('rt_x');
  expect(line).toContain('[redacted]');
});
