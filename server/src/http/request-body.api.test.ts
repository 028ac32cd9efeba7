import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { ANONYMOUS_BODY_BYTES, MAX_REQUEST_BODY_BYTES } from './json-body.js';

/** A raw POST to /graphql (Node's http, so headers and chunking are exactly as written here). */
function rawPost(server: TestServer, headers: Record<string, string | number>, chunks: string[]): Promise<{ status: number; body: string }> {
  const target = new URL(`${server.url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...bearer(server.adminKey), ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describeEachBackend('request bodies', (backend) => {
  let server: TestServer | undefined;
  afterEach(() => server?.stop());

  it('answers bodies of declared length read whole, small or large, and chunked bodies streamed, alike', async () => {
    server = await startTestServer(backend());
    const query = JSON.stringify({ query: '{ shops { totalCount } }' });
    const small = await rawPost(server, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(query) }, [query]);
    // ~2 MB (a long comment in the document, split into many TCP chunks), multi-byte characters across them.
    const padded = JSON.stringify({ query: `# ${'运营'.repeat(350_000)}\n{ shops { totalCount } }` });
    const large = await rawPost(server, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(padded) }, [padded.slice(0, 100_000), padded.slice(100_000)]);
    // No Content-Length at all: chunked transfer encoding, also streamed.
    const chunked = await rawPost(server, { 'content-type': 'application/json' }, [query.slice(0, 10), query.slice(10)]);
    for (const answer of [small, large, chunked]) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ data: { shops: { totalCount: 0 } } });
    }
  });

  it('refuses broken JSON and a body declared over the limit, as Yoga did', async () => {
    server = await startTestServer(backend());
    const broken = await rawPost(server, { 'content-type': 'application/json', 'content-length': 9 }, ['{"query":']);
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).errors[0].message).toMatch(/invalid JSON/i);
    // The same from a large body read whole (over 16 KB: handed to Yoga's parser, not as \`req.body\`).
    const longBroken = `{"query":"# ${'x'.repeat(40_000)}`;
    const largeBroken = await rawPost(server, { 'content-type': 'application/json', 'content-length': longBroken.length }, [longBroken]);
    expect(largeBroken.status).toBe(400);
    expect(JSON.parse(largeBroken.body).errors[0].message).toMatch(/invalid JSON/i);
    // A large JSON value that is not a request: Yoga's own refusal.
    const longString = JSON.stringify('x'.repeat(40_000));
    const notObject = await rawPost(server, { 'content-type': 'application/json', 'content-length': longString.length }, [longString]);
    expect(notObject.status).toBe(400);
    expect(JSON.parse(notObject.body).errors[0].message).toMatch(/expected to be object/i);

    // Declared over the limit: refused from the header, before any of the body is read.
    const tooLarge = await rawPost(server, { 'content-type': 'application/json', 'content-length': MAX_REQUEST_BODY_BYTES + 1 }, ['{"query":"{ __typename }"}']);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(MAX_REQUEST_BODY_BYTES).toBe(25_000_000);
  });

  it('still refuses a small body without a credential', async () => {
    server = await startTestServer(backend());
    const answer = await server.post('{ shops { totalCount } }', undefined, { authorization: '' });
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a large body without a credential, or with a malformed one, 401 before reading it: the client has sent 64 KB of 24 MB', async () => {
    server = await startTestServer(backend());
    const small = await rawPost(server, { authorization: '', 'content-type': 'application/json' }, [JSON.stringify({ query: '{ shops { totalCount } }' })]);
    expect(small.status).toBe(401);
    for (const authorization of [undefined, 'Basic cGVha29wczpwZWFrb3Bz', 'Bearer', `Bearer ${server.adminKey} extra`]) {
      const declared = await answeredBeforeTheEnd(server, { ...(authorization ? { authorization } : {}), 'content-length': 24_000_000 });
      // Exactly what the contract gives a request without a credential, small or large.
      expect(declared).toEqual({ status: 401, wwwAuthenticate: 'Bearer', body: small.body });
    }
    // Streamed (chunked), with no length declared: refused once more than an open operation needs has come.
    const streamed = await answeredBeforeTheEnd(server, {});
    expect(streamed).toEqual({ status: 401, wwwAuthenticate: 'Bearer', body: small.body });
  });

  it(`still lets an operation open to anyone (signIn) through without a credential, up to ${ANONYMOUS_BODY_BYTES / 1024} KB`, async () => {
    server = await startTestServer(backend());
    const document = 'mutation ($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) { userErrors { code } } }';
    const padded = JSON.stringify({ query: `# ${'x'.repeat(ANONYMOUS_BODY_BYTES - 400)}\n${document}`, variables: { email: 'nobody@shop.cn', password: 'not the password' } });
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(ANONYMOUS_BODY_BYTES);
    const answer = await rawPost(server, { authorization: '', 'content-type': 'application/json', 'content-length': Buffer.byteLength(padded) }, [padded]);
    expect([answer.status, JSON.parse(answer.body).data]).toEqual([200, { signIn: { userErrors: [{ code: 'INVALID_CREDENTIALS' }] } }]);
  });
});

/**
 * A JSON POST to /graphql that sends 64 KB of its body (a document padded with a comment) and then waits,
 * never finishing: the answer, if the server gives one within 5 s. Then the request is abandoned.
 */
function answeredBeforeTheEnd(server: TestServer, headers: Record<string, string | number>): Promise<{ status: number; wwwAuthenticate: string | undefined; body: string }> {
  const target = new URL(`${server.url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, wwwAuthenticate: [res.headers['www-authenticate']].flat()[0], body });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer while the body was still being sent: the server waited for all of it'));
    }, 5_000);
    req.on('error', () => {}); // destroyed on purpose
    req.write(`{"query":"# ${'x'.repeat(64 * 1024)}`);
  });
}
