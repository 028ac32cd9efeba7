import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { fromProjectRoot } from '../lib/project-root.js';

/** Where `npm run build:client` (vite build) writes the war-room screen. */
export const CLIENT_DIST = fromProjectRoot('client/dist');

/**
 * The screen loads only its own scripts and styles and talks only to its own origin (HTTP and the
 * WebSocket on the same host); it is never framed, so a credential in it cannot be clickjacked.
 * 'unsafe-inline' styles: Solid sets inline style attributes for the scaled canvas and the charts.
 */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built war room: hashed assets cached for a year, index.html never cached (so a deploy
 * reaches every screen on its next load), unknown paths fall back to index.html for client routes.
 * Without a build it answers with how to make one, instead of a bare 404.
 */
export function clientFiles(dist = CLIENT_DIST): Handler {
  if (!existsSync(path.join(dist, 'index.html'))) {
    return (_req, res) => {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The war-room screen is not built: run `npm run build:client` (npm start does it for you). The API is at /graphql.\n');
    };
  }
  const serve = sirv(dist, {
    single: true,
    etag: true,
    // The copies `npm run build:client` wrote beside each file (http/precompress.ts), chosen by Accept-Encoding.
    brotli: true,
    gzip: true,
    setHeaders(res, pathname) {
      const hashed = pathname.startsWith('/assets/');
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    },
  });
  return (req, res) =>
    serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
}
