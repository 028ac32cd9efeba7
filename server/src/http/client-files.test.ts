import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFiles } from './client-files.js';

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

  it('says how to build the screen when it has not been built', async () => {
    const response = await fetch(`${unbuilt.url}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:client');
  });
});
