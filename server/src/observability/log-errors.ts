import { DrizzleQueryError } from 'drizzle-orm';
import { stdSerializers, type SerializedError } from 'pino';

/**
 * Fields of a database error that can carry a row's values: PostgreSQL's DETAIL (`Key (url)=(…) already
 * exists`) and WHERE, postgres.js's `parameters`, PGlite's own `params` and `queryOptions`.
 */
const VALUE_FIELDS = ['detail', 'where', 'parameters', 'params', 'queryOptions'] as const;

const framesOf = (stack: string | undefined) => (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));

/**
 * An error as it may be logged: a failed statement without the values it was sent. drizzle writes every
 * bound parameter into its error's message, `params` and so its stack, and those are webhook URLs with
 * robot tokens, signing secrets, password hashes. The SQL text stays (it says what failed), with the
 * number of values; the database's own error stays as the cause, without its DETAIL.
 */
export function withoutStatementValues(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause = withoutStatementValues(error.cause);
  if (error instanceof DrizzleQueryError) {
    const safe = new Error(`Failed query: ${error.query}`, { cause });
    safe.name = 'DrizzleQueryError';
    safe.stack = [`DrizzleQueryError: ${safe.message}`, ...framesOf(error.stack)].join('\n');
    return Object.assign(safe, { query: error.query, params: `${error.params.length} values, not logged` });
  }
  const fields = error as Error & Record<string, unknown>;
  const hidden = VALUE_FIELDS.filter((field) => fields[field] != null);
  if (cause === error.cause && hidden.length === 0) return error;
  // The original underneath (its message, stack and other fields), with the cleaned cause and fields over it.
  // Defined, not assigned: postgres.js makes some of its fields read-only, which an assignment would inherit.
  const copy = Object.create(error) as Error;
  const own = (value: unknown) => ({ value, enumerable: true, writable: true, configurable: true });
  if (cause !== error.cause) Object.defineProperty(copy, 'cause', own(cause));
  for (const field of hidden) Object.defineProperty(copy, field, own('[redacted]'));
  return copy;
}

/** pino's `err` serializer, given the error without its statement's values. */
export function serializeLoggedError(error: unknown): SerializedError | unknown {
  const safe = withoutStatementValues(error);
  return safe instanceof Error ? stdSerializers.err(safe) : safe;
}
