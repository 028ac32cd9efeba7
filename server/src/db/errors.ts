/**
 * True when `error` (or an error it wraps, as drizzle does) is PostgreSQL's unique violation on the
 * named constraint. A check-then-insert can lose a race; the unique index is the real guard, and
 * this lets a service turn that loss into the same CONFLICT userError the check would have given.
 * postgres-js names the constraint `constraint_name`, PGlite `constraint`.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (const { code, constraint_name: constraintName, constraint: pgliteConstraint } of errorChain(error)) {
    if (code === '23505') return constraintName === constraint || pgliteConstraint === constraint;
  }
  return false;
}

/** Node's and postgres.js' codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * True when `error` (or an error it wraps) says the database could not be reached rather than that the
 * statement was wrong: the connection refused or lost, PostgreSQL shutting down or starting up (57P01–57P03),
 * out of connections (53300), or any connection exception (class 08). A restart or a failover gives these for
 * seconds, to every statement alike; a retry after it succeeds.
 */
export function isConnectionFailure(error: unknown): boolean {
  for (const { code } of errorChain(error)) {
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|57P0[123]$|53300$)/.test(code))) return true;
  }
  return false;
}

/** `error` and the errors it wraps, outermost first: drizzle wraps the driver's error in `cause`. */
export function* errorChain(error: unknown): Generator<Record<string, unknown>> {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    yield e as Record<string, unknown>;
    e = (e as { cause?: unknown }).cause;
  }
}

/**
 * True when `error` (or an error it wraps) carries PostgreSQL's SQLSTATE `code`. By the code alone: the
 * message is in the server's lc_messages (a server set up in Chinese answers in Chinese).
 */
export function hasSqlState(error: unknown, code: string): boolean {
  for (const e of errorChain(error)) if (e.code === code) return true;
  return false;
}

/**
 * PostgreSQL's lock_not_available (55P03): a statement gave up waiting for a lock at `lock_timeout`.
 * Migrations run under a short one and try again on it (migrate.ts).
 */
export const isLockTimeout = (error: unknown): boolean => hasSqlState(error, '55P03');
