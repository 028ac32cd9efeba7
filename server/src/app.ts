import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { accessTokenSigner, signingSecret } from './auth/access-token.js';
import { unauthenticated, useAccessGate } from './auth/access.plugin.js';
import { useStorableTextGuard } from './graphql/storable-text.plugin.js';
import { useBuiltInScalarRefusals } from './graphql/built-in-scalars.js';
import { createAuthenticator, type AuthResult, CREDENTIAL_RECHECK_MS } from './auth/authenticator.js';
import { startRevocationSweep } from './auth/revocation-sweep.js';
import { ARMOR_LIMITS, CREDENTIAL_LIMITS, DEFAULT_BUCKET } from './auth/limits.js';
import { memoryRateLimiter, redisRateLimiter, type BucketPolicy } from './auth/rate-limit.js';
import { loadTrustedDocumentIds } from './auth/trusted-documents.js';
import { ADMIN_KEY_VIEWER, ANONYMOUS, type Viewer } from './auth/viewer.js';
import type { Context } from './context.js';
import { useAuditTrail } from './modules/audit/audit.plugin.js';
import { AlertEngine } from './modules/alert/alert.engine.js';
import { HistoryJob } from './modules/history/history.job.js';
import { DEFAULT_RETENTION, type RetentionSettings } from './modules/history/history.retention.js';
import { publishAlertEvents, type AnnounceAlerts } from './modules/alert/alert.service.js';
import { createWebhookSender } from './modules/webhook/webhook.sender.js';
import { startWebhookDispatcher, type WebhookDispatcher, type WebhookDispatcherTuning } from './modules/webhook/webhook.dispatcher.js';
import type { Database } from './db/client.js';
import type { ReadReplica } from './db/read-replica.js';
import { genericPlanDb } from './db/generic-plans.js';
import type { Env } from './env.js';
import { maskError } from './graphql/mask-error.js';
import { useCompiledQueries } from './graphql/compiled-queries.plugin.js';
import { exportsHandler, isExportPath } from './http/exports.js';
import { InFlightResponses } from './http/in-flight.js';
import { useEventStreamCaps } from './realtime/event-stream-caps.plugin.js';
import { clientAddress } from './http/client-address.js';
import { BODY_LIMITS, isDeclaredJsonPost, MAX_REQUEST_BODY_BYTES, useRequestBodies, withWholeBody, type BodyLimits } from './http/json-body.js';
import { countedAnnouncer, createAppPubSub, type AppPubSub } from './realtime/pubsub.js';
import { SharedExecutions } from './realtime/shared-execution.js';
import { directRouteOf, useSharedLiveExecution } from './realtime/shared-execution.plugin.js';
import { useLiveEventStreams } from './realtime/sse-live-stream.js';
import { divertLiveTicks, sendSharedNext, SharedPayloadSocket } from './realtime/ws-shared-payload.js';
import { SocketRegistry } from './realtime/socket-registry.js';
import { localCredentialSlots, redisCredentialSlots, type CredentialSlots } from './auth/credential-slots.js';
import { Ticker } from './realtime/ticker.js';
import { clientFiles } from './http/client-files.js';
import type { RedisReport } from './lib/redis.js';
import { createAppMetrics } from './observability/metrics.js';
import { useOperationLog, yogaErrorLog, type InitialContext } from './observability/operation-log.plugin.js';
import { REQUEST_ID_HEADER, requestIdOf } from './observability/request-id.js';
import { schema } from './schema.js';
import { refused } from './graphql/refused.js';

export interface AppOptions {
  database: Database;
  env: Pick<Env, 'NODE_ENV'>;
  logger: Logger;
  /** PEAKOPS_ADMIN_KEY: the bootstrap credential over every shop (≥ 32 characters). */
  adminKey?: string;
  /** PEAKOPS_JWT_SECRET; without it the access-token key derives from the admin key (auth/access-token.ts). */
  jwtSecret?: string;
  /** PEAKOPS_JWT_SECRET_PREVIOUS: access tokens signed with it are still accepted (a rotation under way); none are signed with it. */
  jwtSecretPrevious?: string;
  /** Lifetime of staff access tokens (default 900 s). */
  accessTokenTtlSeconds?: number;
  /** The leaky bucket per credential (default auth/limits.ts). */
  rateLimit?: BucketPolicy;
  /**
   * Benchmarks only (bench/access.bench.ts): no credential check, limits, bucket or audit; every caller
   * is the admin key. The baseline the cost of access is measured against; never read from the environment.
   */
  withoutAccessControlForBenchmark?: boolean;
  /** Ids of the documents screen keys may run (default: the manifest built with the screen). */
  trustedDocuments?: ReadonlySet<string>;
  /** Browser origins allowed by CORS; none by default (same-origin screen and server-side partners need none). */
  corsOrigins?: string[];
  /** The clock of every resolver, ticker and background job: main passes the real one, tests their own. */
  now: () => Date;
  /** Milliseconds between live ticks (default 1,000). */
  tickMs?: number;
  /** Live topics a tick computes at once (default 4). */
  tickConcurrency?: number;
  /** A live topic that sent nothing for this long sends its state again with a fresh asOf (default 5,000). */
  heartbeatMs?: number;
  /** With a Redis URL, change notices go through Redis to every instance; else in-process. */
  redisUrl?: string;
  /** DATABASE_READ_URL: `metrics` and the live topics read from this streaming replica (db/read-replica.ts). */
  readReplica?: ReadReplica;
  /** false only to benchmark the naive design (one topic per subscription). */
  shareTopics?: boolean;
  /** false only to benchmark per-subscriber execution and serialisation of live messages. */
  shareExecutions?: boolean;
  /**
   * The alert rule engine (default on): evaluates on change and at least every `everyMs` (60 s).
   * Tests that drive it by hand pass `{ everyMs: …, start: false }` and call `app.alertEngine.evaluate()`:
   * not started, it never runs by itself, not even on an ingest's change notice.
   */
  alertEngine?: { everyMs?: number; debounceMs?: number; start?: boolean };
  /** Webhook URLs may point at private and loopback addresses (WEBHOOK_ALLOW_PRIVATE_URLS; the tests' receivers). */
  webhookAllowPrivateUrls?: boolean;
  /** Proxies in front that append to X-Forwarded-For (TRUST_PROXY_HOPS, http/client-address.ts); default 0. */
  trustProxyHops?: number;
  /** The webhook dispatcher's tuning (modules/webhook); false: none runs in this process. Default: started. */
  webhooks?: false | WebhookDispatcherTuning;
  /** RETENTION_* (modules/history); default: minute rollups 90 days, events forever. */
  retention?: RetentionSettings;
  /** The partition and retention job (modules/history), run at start and hourly; false: none runs here. Default: started. */
  history?: false | { everyMs?: number };
  /** With a Redis URL: how often this instance renews its liveness and its counts of sockets and subscriptions per credential (default 5,000). */
  credentialSlotsHeartbeatMs?: number;
  /** How often open sockets' credentials are checked against the database (auth/revocation-sweep.ts). Default CREDENTIAL_RECHECK_MS; false: never (tests that count queries). */
  revocationSweepMs?: number | false;
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
  /** Live messages executed once per alike subscribers (realtime/shared-execution.ts). */
  liveExecutions: SharedExecutions;
  pubsub: AppPubSub;
  alertEngine: AlertEngine;
  /** Sends the webhook outbox; null when started with `webhooks: false`. */
  webhooks: WebhookDispatcher | null;
  /** Monthly partitions and retention; null when started with `history: false`. */
  history: HistoryJob | null;
  /** A job run beside the app has stopped for good (the demo's history, main.ts): /ready names it from now on. */
  reportStopped(name: string, error: unknown): void;
  /** A loop run beside the app (the demo's traffic, main.ts): /ready names it while `healthy()` is false. */
  watch(name: string, healthy: () => boolean): void;
}

/** WebSocket close code 1012 (Service Restart): clients should reconnect, and resync by resubscribing. */
const SERVICE_RESTART = 1012;

/**
 * The Authorization header, from Node's already-parsed headers when there are some: asking the fetch
 * Request for it makes @whatwg-node build a whole Headers object per request, which cost ~20 % of a
 * trivial query's throughput (bench/access.bench.ts).
 */
function authorizationOf(initial: { req?: IncomingMessage; request: Request }): string | null {
  return initial.req ? (initial.req.headers.authorization ?? null) : initial.request.headers.get('authorization');
}

function socketOf(ctx: { extra: { socket: unknown } }): WebSocket {
  return ctx.extra.socket as WebSocket;
}

function bearerOf(connectionParams: Record<string, unknown> | undefined): string | null {
  const value = connectionParams?.authorization ?? connectionParams?.Authorization;
  return typeof value === 'string' ? value : null;
}


/** Paths Yoga answers (the API, GraphiQL, its health check); every other GET is the war-room screen. */
function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  return pathname === '/graphql' || pathname.startsWith('/graphql/') || pathname === '/health';
}
const KEEP_ALIVE_MS = 12_000;
/** How long a stop waits for requests under way (an ingest batch, a mutation) to answer before closing their sockets. */
const DRAIN_MS = 10_000;

/** Capped by the kernel's net.core.somaxconn (4,096 on current Linux). */
const LISTEN_BACKLOG = 4_096;
/**
 * How long an idle kept-alive connection stays open: longer than the idle timeout of whatever reuses
 * connections to us (nginx's upstream keepalive_timeout, 60 s by default; undici's 4 s), so the client
 * always closes first. Node's default (5 s) is shorter than nginx's: nginx could send a request down a
 * connection the server was closing at that instant and answer 502 (for a POST, without trying again);
 * a client in this process saw ECONNRESET the same way (the eight-producer ingest test, once in CI).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;


function viewerOf(result: AuthResult): Viewer {
  return 'viewer' in result ? result.viewer : ANONYMOUS;
}

function tooManySubscriptions() {
  const most = CREDENTIAL_LIMITS.subscriptionsPerCredential;
  return refused('RATE_LIMITED', { en: `At most ${most} subscriptions per credential`, zh: `每个凭证最多 ${most} 个订阅` });
}

/** The last event of a stream (SSE) whose credential was revoked or expired while it was open, as 4403 ends a socket. */
function credentialEnded(reason: string) {
  return refused('UNAUTHENTICATED', {
    en: `The stream ended: ${reason}. Sign in or use a valid key to subscribe again.`,
    zh: `订阅流已结束（${reason}）。请重新登录或使用有效的密钥再订阅。`,
  });
}

export function buildApp(options: AppOptions): App {
  const { database, env, logger } = options;
  const { now } = options;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const isDev = env.NODE_ENV === 'development';
  const trustProxyHops = options.trustProxyHops ?? 0;
  const { source: signingSource, ...signingKeys } = signingSecret({ jwtSecret: options.jwtSecret, jwtSecretPrevious: options.jwtSecretPrevious, adminKey: options.adminKey });
  if (signingSource === 'RANDOM') logger.warn('neither PEAKOPS_JWT_SECRET nor PEAKOPS_ADMIN_KEY is set: staff sessions end when this process restarts and are not shared with other instances');
  const signer = accessTokenSigner(signingKeys, options.accessTokenTtlSeconds ?? 900);
  const authenticator = createAuthenticator({
    db: database.db,
    adminKey: options.adminKey,
    signer,
    now,
    onError: (error) => logger.warn({ err: error }, 'could not record key use'),
  });
  const bucket = options.rateLimit ?? DEFAULT_BUCKET;
  // Budgets refill in real time whatever clock the domain runs on (tests and replays freeze `now`;
  // a frozen bucket would never refill), so the bucket is given the wall clock, as Redis uses its own.
  // Redis going away is an error in the log, not a line on stdout; /metrics shows the pub/sub's state.
  const reportRedis: RedisReport = ({ message, down }) => (down ? logger.error(message) : logger.info(message));
  const limiter = options.redisUrl ? redisRateLimiter(bucket, options.redisUrl, reportRedis) : memoryRateLimiter(bucket, Date.now);
  // Sockets and subscriptions per credential: with Redis counted across every instance (auth/credential-slots.ts).
  // Its heartbeat reads the registry's counts, made below.
  const credentialSlots: CredentialSlots = options.redisUrl
    ? redisCredentialSlots({ url: options.redisUrl, report: reportRedis, held: () => wsSessions.held(), heartbeatMs: options.credentialSlotsHeartbeatMs })
    : localCredentialSlots;
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const ticker = new Ticker({
    intervalMs: options.tickMs ?? 1_000,
    now,
    onError: (error, key) => logger.error({ err: error, topic: key }, 'live topic failed'),
    heartbeatMs,
    shareTopics: options.shareTopics ?? true,
    concurrency: options.tickConcurrency,
    dataTime: options.readReplica && ((at) => options.readReplica!.dataTime(at)),
  });
  const { pubsub, connected: pubsubConnected, close: closePubSub } = createAppPubSub(options.redisUrl, reportRedis);
  const liveExecutions = new SharedExecutions({ share: options.shareExecutions ?? true });
  // A background loop that dies must not only log: /ready turns red and says which, so the
  // instance is taken out of rotation instead of serving stale figures or honouring revoked keys.
  const stoppedLoops: string[] = [];
  // Parts that count their own failures in a row: /ready names each while it is unhealthy.
  const watched: { name: string; healthy: () => boolean }[] = [];
  const watch = (name: string, healthy: () => boolean) => void watched.push({ name, healthy });
  const loopStopped = (name: string) => (error: unknown) => {
    stoppedLoops.push(name);
    logger.error({ err: error }, `${name} stopped`);
  };
  // The webhook dispatcher (modules/webhook) sends committed deliveries; waking it skips its poll delay.
  // It is assigned where the dispatcher starts, below.
  let wakeWebhooks: () => void = () => {};
  // testWebhook's requests: the dispatcher's URL policy and timeout, its own connections (the dispatcher may not run here).
  const webhookSender = createWebhookSender({
    allowPrivateUrls: options.webhookAllowPrivateUrls ?? false,
    fetchTimeoutMs: options.webhooks ? options.webhooks.fetchTimeoutMs : undefined,
    now,
  });
  // One way alert changes leave, whoever made them (the engine, an acknowledgement, a resumed webhook).
  const announceAlerts: AnnounceAlerts = (events) => {
    publishAlertEvents(pubsub, events);
    wakeWebhooks();
  };
  // Every instance evaluates the rules; the database's unique index keeps an alert single when two
  // evaluate at once. Changes are published after their transaction commits, here and on Redis.
  const alertEngine = new AlertEngine({
    db: database.db,
    logger,
    now,
    everyMs: options.alertEngine?.everyMs,
    debounceMs: options.alertEngine?.debounceMs,
    onEvents: announceAlerts,
  });
  // /metrics: operations (Yoga's Prometheus plugin) and the live topics' work, one registry.
  const appMetrics = createAppMetrics({
    ticker,
    liveExecutions,
    queryCount: database.queryCount,
    alertEngine,
    // Read at scrape time, once the dispatcher below has started.
    webhookFailuresInARow: () => webhooks?.failuresInARow() ?? 0,
    pubsubConnected,
    rateLimitLocalFallbacks: () => limiter.localFallbacks(),
    credentialCapLocalFallbacks: () => credentialSlots.localFallbacks(),
    credentialCapHeartbeatFailures: () => credentialSlots.heartbeatFailures(),
  });
  // Set when stop() begins: a notice loop that ends then is the shutdown; one that ends before is a failure.
  let closing = false;
  const endedEarly = () => {
    if (!closing) throw new Error('the subscription ended');
  };
  const notices = pubsub.subscribe('ingest:committed');
  void (async () => {
    for await (const _notice of notices) {
      ticker.markChanged();
      alertEngine.markChanged();
    }
    endedEarly();
  })().catch(loopStopped('change notices'));
  const wsSessions: SocketRegistry = new SocketRegistry(now, credentialSlots);
  const announceCounted = countedAnnouncer(pubsub);
  const announceRevoked = (ids: string[]) => pubsub.publish('auth:revoked', { ids });
  const revoke = (ids: string[]) => {
    authenticator.evict(ids);
    wsSessions.closeRevoked(ids);
  };
  const revocations = pubsub.subscribe('auth:revoked');
  void (async () => {
    for await (const { ids } of revocations) revoke(ids);
    endedEarly();
  })().catch(loopStopped('revocation notices'));
  // And whatever happened to a notice, open sockets' credentials are checked again this often.
  const revocationSweep =
    options.revocationSweepMs === false
      ? null
      : startRevocationSweep({ db: database.db, logger, everyMs: options.revocationSweepMs ?? CREDENTIAL_RECHECK_MS, held: () => wsSessions.revocationIds(), revoke });
  if (revocationSweep) watch('revocation sweep', revocationSweep.healthy);
  // Every line a request logs carries the id it got back in X-Request-Id (a socket: its upgrade request's).
  const requestLogger = (initial: InitialContext) => {
    const from = initial.req ?? initial.request;
    return logger.child({ requestId: from ? requestIdOf(from) : undefined });
  };

  // A body without a credential is held to what signIn needs (http/json-body.ts); without access control
  // (the benchmark's baseline) every caller is the admin key, and no body is.
  const bodyLimits: BodyLimits = options.withoutAccessControlForBenchmark ? { any: MAX_REQUEST_BODY_BYTES } : BODY_LIMITS;

  const yoga = createYoga<{ req?: IncomingMessage; res?: ServerResponse }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: isDev,
    landingPage: false,
    // Same-origin screens and server-side partners need no CORS; browsers elsewhere only when listed.
    cors: options.corsOrigins?.length
      ? { origin: options.corsOrigins, methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'accept'], credentials: false }
      : false,
    // Yoga's body limit, kept by useRequestBodies without re-reading the bodies withWholeBody read whole (http/json-body.ts).
    maxRequestBodySize: false,
    plugins: options.withoutAccessControlForBenchmark
      ? [appMetrics.plugin, useOperationLog({ requestLogger }), useRequestBodies(bodyLimits), useSharedLiveExecution(liveExecutions), useLiveEventStreams(liveExecutions), useCompiledQueries()]
      : [
          // First, so they see every operation and error, including those the plugins below refuse.
          appMetrics.plugin,
          useOperationLog({ requestLogger }),
          useRequestBodies(bodyLimits),
          useSharedLiveExecution(liveExecutions),
          useLiveEventStreams(liveExecutions),
          EnvelopArmorPlugin({ ...ARMOR_LIMITS, blockFieldSuggestion: { enabled: !isDev } }),
          useAccessGate(limiter, options.trustedDocuments ?? loadTrustedDocumentIds()),
          useEventStreamCaps(wsSessions, tooManySubscriptions, credentialEnded),
          useStorableTextGuard(),
          useBuiltInScalarRefusals(),
          // Before the audit trail, which wraps the compiled executor (graphql/compiled-queries.plugin.ts).
          useCompiledQueries(),
          useAuditTrail(),
        ],
    healthCheckEndpoint: '/health',
    maskedErrors: { isDev, maskError },
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: yogaErrorLog(logger),
    },
    context: async (initial) => {
      // WebSocket operations arrive already authenticated (onConnect/onSubscribe below); HTTP and SSE
      // requests carry the Authorization header.
      const fromSocket = initial as { viewer?: Viewer; sourceAddress?: string | null };
      const viewer = options.withoutAccessControlForBenchmark
        ? ADMIN_KEY_VIEWER
        : (fromSocket.viewer ?? viewerOf(await authenticator.authenticate(authorizationOf(initial))));
      return {
        db: database.db,
        readDb: options.readReplica?.db ?? database.db,
        viewer,
        logger: requestLogger(initial),
        now,
        ticker,
        pubsub,
        signer,
        announceAlerts,
        announceCounted,
        announceRevoked,
        sourceAddress: fromSocket.sourceAddress ?? (initial.req ? clientAddress(initial.req, trustProxyHops) : null),
        wakeWebhooks,
        webhookSender,
        webhookAllowPrivateUrls: options.webhookAllowPrivateUrls ?? false,
        retention,
        evaluateAlertsSoon: () => {
          alertEngine.markChanged();
          // Live topics too: the fulfilment tile follows each shop's UNSHIPPED_OVERDUE hours, so a threshold
          // moved must show on the next tick, not at the next heartbeat (other instances: at their heartbeat).
          ticker.markChanged();
        },
      };
    },
  });

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    res.setHeader(REQUEST_ID_HEADER, requestIdOf(req));
    inFlight.track(res);
    // Stopping: a kept-alive connection (nginx's pool) would bring the next request here; this answer is its last.
    if (closing) res.setHeader('connection', 'close');
    // By path, for HEAD too: a probe that adds a query string or asks HEAD got the screen's index.html, a 200.
    const probe = req.method === 'GET' || req.method === 'HEAD' ? (url.split('?', 1)[0] ?? '') : '';
    if (probe === '/ready') return void ready(res);
    if (probe === '/metrics') return void metrics(res);
    if (isExportPath(url)) return void exportFile(req, res);
    if (isApiPath(url) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return void (isDeclaredJsonPost(req, bodyLimits) ? withWholeBody(req, res, () => yoga(req, res)) : yoga(req, res));
    }
    return void serveClient(req, res);
  });

  /** Responses not yet finished: a stop lets them finish (up to DRAIN_MS) before closing their sockets. */
  const inFlight = new InFlightResponses();

  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node checks it on every request of a connection; it must not cut a request short of the above.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  const serveClient = clientFiles();
  const exportFile = exportsHandler({ db: database.db, authenticator, limiter, now, logger, retention });

  /**
   * Ready means the database answers; /health only says the process is up. The database is asked first: while
   * it is away every loop that uses it stops too, and naming them would send on-call to the wrong place.
   */
  async function ready(res: ServerResponse) {
    try {
      // The generic-plan pool (db/generic-plans.ts) serves every orders page: if it cannot connect
      // (the primary out of connections) those fail while the main pool still answers.
      const generic = genericPlanDb(database.db);
      await Promise.all([database.db.execute(sql`select 1`), generic === database.db ? undefined : generic.execute(sql`select 1`)]);
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed');
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', stopped: ['database'] }));
      return;
    }
    const stopped = [
      ...stoppedLoops,
      ...alertEngine.stoppedParts(),
      ...watched.filter((part) => !part.healthy()).map((part) => part.name),
    ];
    if (stopped.length > 0) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', stopped }));
      return;
    }
    // A replica that does not answer stops metrics and the live topics (the ticker skips its ticks):
    // not ready, and said so, rather than only logged.
    try {
      await options.readReplica?.db.execute(sql`select 1`);
    } catch (error) {
      logger.warn({ err: error }, 'read replica readiness check failed');
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', stopped: ['read replica'] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
  }

  /** Prometheus text: operations, and the live-topic work per tick that must not grow with subscribers. */
  async function metrics(res: ServerResponse) {
    const { contentType, body } = await appMetrics.exposition();
    res.writeHead(200, { 'content-type': contentType }).end(body);
  }

  // graphql-ws on the same server and path as HTTP, through Yoga's envelop: sockets get the same
  // plugins, context and limits as HTTP requests.
  const wss = new WebSocketServer({ server, path: '/graphql', WebSocket: SharedPayloadSocket });
  wss.on('headers', (headers, req) => headers.push(`X-Request-Id: ${requestIdOf(req)}`));
  const wsServer = useServer(
    {
      onConnect: async (ctx) => {
        const result = await authenticator.authenticate(bearerOf(ctx.connectionParams));
        if (!('viewer' in result)) return false; // → 4403
        if (!(await wsSessions.open(socketOf(ctx), result.viewer))) return false; // open() has closed it with 4429
        // The connection_ack's payload: a screen takes a live stream for lost after three of this
        // server's heartbeats of silence, not three of the default (client graphql/quiet-stream-watchdog.ts).
        return { heartbeatMs };
      },
      onClose: (ctx) => wsSessions.forget(socketOf(ctx)),
      onComplete: (ctx, id) => wsSessions.complete(socketOf(ctx), id),
      // A shared live result goes out as its one cached JSON; once one has, the subscription's later ticks
      // are written straight from the ticker (realtime/ws-shared-payload.ts).
      onNext: (ctx, id, _payload, args, result) => {
        const socket = socketOf(ctx);
        const sent = sendSharedNext(socket, id, liveExecutions.nextBody(result));
        if (sent) divertLiveTicks(socket, id, directRouteOf(args.contextValue), liveExecutions);
        return sent;
      },
      // The enveloped functions return graphql-js results; graphql-ws types them as its OperationResult.
      execute: (args) => (args.rootValue as EnvelopedExecution).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedExecution).subscribe(args) as never,
      onSubscribe: async (ctx, id, params) => {
        const socket = socketOf(ctx);
        // The credential is checked again on every subscribe: a key revoked on another instance whose
        // notice was missed is still refused here once the cache entry is older than its bound.
        const result = await authenticator.authenticate(bearerOf(ctx.connectionParams));
        if (!wsSessions.viewerOf(socket) || !('viewer' in result)) {
          wsSessions.refuse(socket, 'credential no longer valid');
          return [unauthenticated()];
        }
        if (!(await wsSessions.subscribe(socket, id))) return [tooManySubscriptions()];
        // graphql-ws calls onComplete only for an operation that ran: one refused here (a document that no
        // longer validates, retried by an old app under fresh ids) must give its slot back itself.
        try {
          const { schema: enveloped, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params,
            viewer: result.viewer,
            sourceAddress: clientAddress(ctx.extra.request, trustProxyHops),
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
          if (errors.length === 0) return args;
          wsSessions.complete(socket, id);
          return errors;
        } catch (refused) {
          wsSessions.complete(socket, id);
          throw refused;
        }
      },
    },
    wss,
    KEEP_ALIVE_MS,
  );
  ticker.start();
  // Webhooks: the dispatcher sends what alert transactions wrote to the outbox (modules/webhook).
  const webhooks = options.webhooks === false
    ? null
    : startWebhookDispatcher({
        db: database.db,
        logger,
        now,
        allowPrivateUrls: options.webhookAllowPrivateUrls ?? false,
        publish: (events) => publishAlertEvents(pubsub, events),
        ...options.webhooks,
      });
  if (webhooks) {
    wakeWebhooks = () => webhooks.wake();
    watch('webhook dispatcher', webhooks.healthy);
  }
  if (options.alertEngine?.start !== false) alertEngine.start();
  // Partitions for this month and the next two, and retention: at start, then hourly (modules/history).
  const history = options.history === false ? null : new HistoryJob({ db: database.db, logger, now, retention, everyMs: options.history?.everyMs });
  history?.start();
  if (history) watch('history maintenance', () => history.healthy());

  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    reportStopped: (name, error) => loopStopped(name)(error),
    watch,
    start: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        // A deep accept queue: after a restart every screen reconnects at once, and Node's default
        // backlog (511) overflows at thousands of sockets, turning reconnects into resets and retries.
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async stop() {
      closing = true;
      // Stop accepting new work first, tell WebSocket clients to come back, then stop the ticker.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const client of wss.clients) client.close(SERVICE_RESTART, 'server restarting');
      await inFlight.drain(DRAIN_MS);
      server.closeIdleConnections(); // those whose last answer went out during the drain
      await wsServer.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await revocationSweep?.stop();
      await ticker.stop();
      await alertEngine.stop();
      await history?.stop();
      await webhooks?.stop(); // in-flight requests finish and are recorded before the database closes
      await webhookSender.close();
      await notices.return?.();
      await revocations.return?.();
      wsSessions.dispose();
      await limiter.close();
      await credentialSlots.close();
      await closePubSub();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    fetch: (request) => Promise.resolve(yoga.fetch(request)),
    ticker,
    liveExecutions,
    pubsub,
    alertEngine,
    webhooks,
    history,
  };
}
