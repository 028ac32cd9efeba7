import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { REDACTED_PATHS } from '../logger.js';

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
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  logger.info({ req: { headers: { authorization: 'Bearer pk_secret123' } }, connectionParams: { authorization: 'Bearer pk_secret123' }, variables: { input: { password: 'hunter2hunter2', refreshToken: 'rt_x' } } }, 'request');
  expect(line).not.toContain('pk_secret123');
  expect(line).not.toContain('hunter2hunter2');
  expect(line).not.toContain('rt_x');
  expect(line).toContain('[redacted]');
});
