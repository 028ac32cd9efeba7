import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once at boot; a bad value stops start-up with a message
 * that names the variable, so a misconfigured deployment fails loudly instead of half-working.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Absent → embedded PGlite persisted in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * A PostgreSQL streaming replica: `metrics` and the live topics read there, and its replay lag becomes
   * the live messages' asOf (db/read-replica.ts). Needs DATABASE_URL (the primary, for every write).
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * How long start-up waits for the database (DATABASE_URL) to answer before it exits 1 saying so. A host
   * that drops packets left the process waiting for ever, never listening and never exiting.
   */
  DATABASE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /**
   * Proxies in front of the server that append the client's address to X-Forwarded-For (nginx in the
   * shipped deployment: 1). The address that many entries from the right is the caller's, for the sign-in
   * limit, sessions and the audit trail; 0 (the default) uses the connection's own address. Set it only
   * behind such proxies: a client reaching the server directly could then claim any address.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Fail closed: production unless told otherwise (GraphiQL, field suggestions and unmasked errors only in development). */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /**
   * The bootstrap ADMIN credential over every shop. Unset: `npm start` (the demo) generates one, keeps it
   * in DATA_DIR/admin-key and prints a ready-to-open screen link; without the demo there is none.
   */
  PEAKOPS_ADMIN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Signs staff access tokens; unset → derived from PEAKOPS_ADMIN_KEY. Set it (≥ 32 characters) when running several instances without an admin key. */
  PEAKOPS_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * A second secret staff access tokens are accepted with, never signed with: the old one while
   * PEAKOPS_JWT_SECRET rolls to a new one instance by instance (docs/OPERATIONS.md, "Rotating secrets").
   */
  PEAKOPS_JWT_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Lifetime of a staff access token in seconds (refresh tokens last 12 hours from their last use). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(900),
  /** Comma-separated browser origins allowed by CORS; none by default. */
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'each origin is scheme://host[:port], no path')))
    .default([]),
  /** The leaky bucket per credential: capacity in cost points, and points restored per second. */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(20_000),
  RATE_LIMIT_RESTORE_PER_SECOND: z.coerce.number().int().min(1).default(10_000),
  /**
   * Events per second the in-process simulator sends through ingestion when the demo runs
   * (`npm start`), on average over the day curve; 0 turns it off, as does --no-simulate.
   */
  SIMULATOR_RATE: z.coerce.number().min(0).max(10_000).default(5),
  /**
   * Load the demo (its shops, a month of history and simulated traffic) into an empty database, as
   * `--demo` (`npm start`) does. Off by default: a production database is never filled with the demo
   * unless asked.
   */
  DEMO: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** With it, change notices go through Redis so every instance's subscribers see every ingest. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * Benchmarks only: `false` gives every subscription its own topic, i.e. the naive design where each
   * subscriber polls the database itself, so bench/fanout can measure what sharing saves.
   */
  LIVE_SHARE_TOPICS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /**
   * Benchmarks only: `false` executes and serialises every subscriber's live message separately (the
   * design before issue 12), so bench/fanout can measure what shared execution saves.
   */
  LIVE_SHARE_EXECUTIONS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Milliseconds between live-subscription ticks: at most one message per topic per tick. */
  TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /**
   * Milliseconds any one statement may run on PostgreSQL (queries, ingest batches, live topics, jobs)
   * before PostgreSQL cancels it and the request fails with TIMEOUT; 0 for none. The history job's
   * partition work and the demo's load lift it for their own transactions (db/statement-timeout.ts).
   * PGlite ignores it.
   */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Live topics a tick computes at once (realtime/ticker.ts; bench/ticker.bench.ts). */
  LIVE_TICK_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /**
   * A live stream with no change for this long re-sends its state with a fresh asOf, so screens can
   * tell a quiet feed from a stuck one (the war room calls data older than this plus 3 ticks "delayed").
   */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /**
   * Days of minute rollups kept (modules/history): whole UTC months older than this are dropped. Past it a
   * metrics window's ragged minute edges are no longer counted; its whole hours and days always are.
   */
  RETENTION_MINUTE_ROLLUPS_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /**
   * Days of raw events kept; unset keeps them forever. Older months are dropped with their idempotency
   * keys, and ingestion then refuses events older than this (a replay could no longer be recognised).
   */
  RETENTION_EVENTS_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /**
   * Webhooks may be pointed at private, loopback and link-local addresses. Off by default: a webhook
   * makes this server send requests, and inside the network that would let any MANAGE key probe it.
   */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
}).refine((env) => !env.DATABASE_READ_URL || env.DATABASE_URL, {
  path: ['DATABASE_READ_URL'],
  message: 'needs DATABASE_URL: a read replica follows a PostgreSQL primary, and the embedded PGlite has none',
}).refine((env) => !env.PEAKOPS_JWT_SECRET_PREVIOUS || env.PEAKOPS_JWT_SECRET, {
  path: ['PEAKOPS_JWT_SECRET_PREVIOUS'],
  message: 'needs PEAKOPS_JWT_SECRET, the secret new tokens are signed with (the previous one is only accepted)',
});

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {
  override name = 'EnvError';
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset" (docker-compose and shells often export VAR= ).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `  ${name}${shownValue(name, source[name])}: ${issue.message}`;
    });
    throw new EnvError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Settings that are secrets whole: a bad one is named, never shown. By name, so a new one is covered. */
const SECRET_NAME = /_(?:KEY|SECRET|PASSWORD|TOKEN)(?:_PREVIOUS)?$/;
/** Settings that are URLs (DATABASE_URL, DATABASE_READ_URL, REDIS_URL, …): shown without their credentials. */
const URL_NAME = /_URL$/;

/** How a bad value is shown in the error that stops start-up: as given, without its credentials, or not at all. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined || SECRET_NAME.test(name)) return '';
  return `=${JSON.stringify(URL_NAME.test(name) ? withoutCredentials(value) : value)}`;
}

/**
 * A URL as an operator needs to see it to mend it (its scheme, host, port, path and parameter names) with
 * the password, user and every parameter's value replaced by `***`. It is shown because it is wrong, so it
 * need not parse: `redis//:pw@10.0.0.5:6379` (a colon missing) still loses everything before its last `@`
 * (a password may hold an unescaped `@`, `/` or `?`), and a value with no `scheme://` or `scheme//` in
 * front (a password pasted into the variable) is not shown at all.
 */
function withoutCredentials(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:?\/\//.exec(url)?.[0];
  if (!scheme) return '***';
  const rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  const location = at === -1 ? rest : rest.slice(at + 1);
  // postgres:// takes ?password= and sslpassword=; whatever a parameter holds is not shown.
  const query = location.indexOf('?');
  const shown = query === -1 ? location : location.slice(0, query) + location.slice(query).replace(/=[^&#]*/g, '=***');
  return `${scheme}${at === -1 ? '' : '***@'}${shown}`;
}
