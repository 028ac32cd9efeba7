import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createYoga } from 'graphql-yoga';
import type { Logger } from 'pino';
import { LOCAL_OPERATOR, type Viewer } from './auth/viewer.js';
import type { Context } from './context.js';
import type { Database } from './db/client.js';
import type { Env } from './env.js';
import { maskError } from './graphql/mask-error.js';
import { schema } from './schema.js';

export interface AppOptions {
  database: Database;
  env: Pick<Env, 'NODE_ENV'>;
  logger: Logger;
  /** Decides who is calling. Until sign-in exists every request is the local operator. */
  resolveViewer?: (request: Request) => Viewer | Promise<Viewer>;
  now?: () => Date;
}

export interface App {
  /** Listens on the port (0 → any free port) and resolves with the port actually bound. */
  start(port: number, host?: string): Promise<number>;
  /** Stops accepting connections, closes open sockets, resolves when the server is closed. */
  stop(): Promise<void>;
  fetch: (request: Request) => Promise<Response>;
}

const CLIENT_INDEX = path.resolve(import.meta.dirname, '../../client/index.html');

export function buildApp(options: AppOptions): App {
  const { database, env, logger } = options;
  const resolveViewer = options.resolveViewer ?? (() => LOCAL_OPERATOR);
  const now = options.now ?? (() => new Date());
  const isDev = env.NODE_ENV === 'development';

  const yoga = createYoga<{ req?: IncomingMessage; res?: ServerResponse }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: isDev,
    landingPage: false,
    healthCheckEndpoint: '/health',
    maskedErrors: { isDev, maskError },
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    context: async ({ request }) => ({
      db: database.db,
      viewer: await resolveViewer(request),
      logger,
      now,
    }),
  });

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && (url === '/' || url === '/index.html')) return void serveClient(res);
    if (req.method === 'GET' && url === '/ready') return void ready(res);
    return void yoga(req, res);
  });

  async function serveClient(res: ServerResponse) {
    const html = await readFile(CLIENT_INDEX);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  }

  /** Ready means the database answers; /health only says the process is up. */
  async function ready(res: ServerResponse) {
    try {
      await database.db.execute(sql`select 1`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"unavailable"}');
    }
  }

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    start: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
  };
}
