import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { LOCAL_OPERATOR, type Viewer } from './auth/viewer.js';
import type { Context } from './context.js';
import type { Database } from './db/client.js';
import type { Env } from './env.js';
import { maskError } from './graphql/mask-error.js';
import { createAppPubSub, type AppPubSub } from './realtime/pubsub.js';
import { Ticker } from './realtime/ticker.js';
import { clientFiles } from './http/client-files.js';
import { schema } from './schema.js';

export interface AppOptions {
  database: Database;
  env: Pick<Env, 'NODE_ENV'>;
  logger: Logger;
  /**
   * Decides who is calling, from the HTTP request or the WebSocket's connectionParams. Until sign-in
   * exists every caller is the local operator.
   */
  resolveViewer?: (caller: { request?: Request; connectionParams?: Record<string, unknown> }) => Viewer | Promise<Viewer>;
  now?: () => Date;
  /** Milliseconds between live ticks (default 1,000). */
  tickMs?: number;
  /** A live topic that sent nothing for this long sends its state again with a fresh asOf (default 5,000). */
  heartbeatMs?: number;
  /** With a Redis URL, change notices go through Redis to every instance; else in-process. */
  redisUrl?: string;
  /** false only to benchmark the naive design (one topic per subscription). */
  shareTopics?: boolean;
}

/** The enveloped execute/subscribe, carried to graphql-ws through rootValue (as Yoga's example does). */
interface EnvelopedExecution {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

export interface App {
  /** Listens on the port (0 → any free port) and resolves with the port actually bound. */
  start(port: number, host?: string): Promise<number>;
  /** Stops accepting connections, closes open sockets, resolves when the server is closed. */
  stop(): Promise<void>;
  fetch: (request: Request) => Promise<Response>;
  ticker: Ticker;
  pubsub: AppPubSub;
}

/** WebSocket close code 1012 (Service Restart): clients should reconnect, and resync by resubscribing. */
const SERVICE_RESTART = 1012;

/** Paths Yoga answers (the API, GraphiQL, its health check); every other GET is the war-room screen. */
function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  return pathname === '/graphql' || pathname.startsWith('/graphql/') || pathname === '/health';
}
const KEEP_ALIVE_MS = 12_000;


export function buildApp(options: AppOptions): App {
  const { database, env, logger } = options;
  const resolveViewer = options.resolveViewer ?? (() => LOCAL_OPERATOR);
  const now = options.now ?? (() => new Date());
  const isDev = env.NODE_ENV === 'development';
  const ticker = new Ticker(options.tickMs ?? 1_000, now, (error, key) => logger.error({ err: error, topic: key }, 'live topic failed'), options.heartbeatMs ?? 5_000, options.shareTopics ?? true);
  const { pubsub, close: closePubSub } = createAppPubSub(options.redisUrl);
  const notices = pubsub.subscribe('ingest:committed');
  void (async () => {
    for await (const _notice of notices) ticker.markChanged();
  })().catch((error: unknown) => logger.error({ err: error }, 'change notices stopped'));

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
    context: async (initial) => {
      // HTTP requests carry `request`; WebSocket operations carry the connectionParams (see below).
      const connectionParams = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      return {
        db: database.db,
        viewer: await resolveViewer(connectionParams ? { connectionParams } : { request: initial.request }),
        logger,
        now,
        ticker,
        pubsub,
      };
    },
  });

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/ready') return void ready(res);
    if (req.method === 'GET' && url === '/metrics') return void metrics(res);
    if (isApiPath(url) || (req.method !== 'GET' && req.method !== 'HEAD')) return void yoga(req, res);
    return void serveClient(req, res);
  });

  const serveClient = clientFiles();

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

  /** Prometheus text: the live-topic work per tick must not grow with subscribers, and this shows it. */
  function metrics(res: ServerResponse) {
    const stats = ticker.stats();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(
      [
        `peakops_live_topics ${stats.topics}`,
        `peakops_live_subscribers ${stats.subscribers}`,
        `peakops_live_topic_computations_last_tick ${stats.computationsLastTick}`,
        `peakops_live_ticks_total ${stats.ticks}`,
        `peakops_db_queries_total ${database.queryCount()}`,
        '',
      ].join('\n'),
    );
  }

  // graphql-ws on the same server and path as HTTP, through Yoga's envelop: sockets get the same
  // plugins, context and limits as HTTP requests.
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const wsServer = useServer(
    {
      // The enveloped functions return graphql-js results; graphql-ws types them as its OperationResult.
      execute: (args) => (args.rootValue as EnvelopedExecution).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedExecution).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams ?? {},
        });
        const args: ExecutionArgs = {
          schema: enveloped,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedExecution,
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
    KEEP_ALIVE_MS,
  );
  ticker.start();

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
    async stop() {
      // Stop accepting new work first, tell WebSocket clients to come back, then stop the ticker.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.close(SERVICE_RESTART, 'server restarting');
      await wsServer.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await ticker.stop();
      await notices.return?.();
      await closePubSub();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    ticker,
    pubsub,
  };
}
