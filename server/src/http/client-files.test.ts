import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { clientFiles } from './client-files.js';
import { precompressClient } from './precompress.js';

/** A script worth compressing, with Chinese text in it as the screen's chunks have. */
const SCRIPT = Array.from({ length: 200 }, (_, i) => `export const label${i} = '今日成交额 GMV ${i}';`).join('\n');

/** The raw body and headers of a request: fetch would undo the Content-Encoding and hide what was sent. */
async function rawGet(url: string, acceptEncoding: string): Promise<{ encoding: string | undefined; vary: string | undefined; cache: string | undefined; body: Buffer }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, { headers: { 'accept-encoding': acceptEncoding } }, resolve).on('error', reject));
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const header = (name: string) => response.headers[name] as string | undefined;
  return { encoding: header('content-encoding'), vary: header('vary'), cache: header('cache-control'), body: Buffer.concat(chunks) };
}

async function serve(dist: string): Promise<{ url: string; server: Server }> {
  const handler = clientFiles(dist);
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('serving the built war room', () => {
  let dir: string;
  let built: { url: string; server: Server };
  let unbuilt: { url: string; server: Server };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'peakops-client-'));
    await mkdir(path.join(dir, 'dist/assets'), { recursive: true });
    await writeFile(path.join(dir, 'dist/index.html'), '<!doctype html><title>PeakOps 作战室</title>');
    await writeFile(path.join(dir, 'dist/assets/index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'dist/assets/screen-def456.js'), SCRIPT);
    precompressClient(path.join(dir, 'dist'));
    built = await serve(path.join(dir, 'dist'));
    unbuilt = await serve(path.join(dir, 'nothing-here'));
  });
  afterAll(async () => {
    built.server.close();
    unbuilt.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / uncached, so a deploy reaches every screen on its next load', async () => {
    const response = await fetch(`${built.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    // Scripts only from our own origin, never framed: a kiosk credential in the page cannot be lifted.
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain('PeakOps 作战室');
  });

  it('caches hashed assets for a year', async () => {
    const response = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers client routes with the app and unknown files with 404', async () => {
    expect(await (await fetch(`${built.url}/campaign/42`)).text()).toContain('PeakOps 作战室');
    expect((await fetch(`${built.url}/assets/missing-000.js`)).status).toBe(404);
  });

  it('sends the brotli or gzip copy the build wrote to a browser that takes it, the file itself to one that does not', async () => {
    const url = `${built.url}/assets/screen-def456.js`;
    const brotli = await rawGet(url, 'gzip, deflate, br');
    expect(brotli.encoding).toBe('br');
    expect(brotliDecompressSync(brotli.body).toString()).toBe(SCRIPT);
    expect(brotli.body.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 4);
    // Caches keep one copy per encoding, and the hashed file stays cached for a year in each.
    expect(brotli.vary).toBe('Accept-Encoding');
    expect(brotli.cache).toBe('public, max-age=31536000, immutable');

    const gzip = await rawGet(url, 'gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(SCRIPT);

    const plain = await rawGet(url, 'identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
  });

  it('sends a file too small to gain from compression as it is', async () => {
    const tiny = await rawGet(`${built.url}/assets/index-abc123.js`, 'br, gzip');
    expect(tiny.encoding).toBeUndefined();
    expect(tiny.body.toString()).toBe('console.log(1)');
  });

  it('says how to build the screen when it has not been built', async () => {
    const response = await fetch(`${unbuilt.url}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:client');
  });
});
