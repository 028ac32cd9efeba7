import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { isCalendarDate, isStorableInstant } from '../lib/time.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;

function fail(message: string): never {
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Exact decimal as a string ("1234.50"). Numbers are accepted on input but never produced. */
export function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text.trim())) {
    fail(`Decimal must be a string such as "1234.50"; got ${JSON.stringify(value)}`);
  }
  return text.trim();
}

export function parseDecimalLiteral(ast: ValueNode): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
  return fail('Decimal must be a string such as "1234.50"');
}

/**
 * graphql-scalars' DateTime accepts any instant JavaScript can hold; one PostgreSQL cannot store would
 * fail the whole statement it is written by (a batch of events, say) as an internal error.
 */
export function storableInstant(instant: Date): Date {
  if (!isStorableInstant(instant)) fail(`DateTime must fall in the years 0001–9999 (UTC); got ${instant.toISOString()}`);
  return instant;
}

/** A calendar day in Asia/Shanghai, YYYY-MM-DD. */
export function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    fail(`Date must be a calendar day YYYY-MM-DD; got ${JSON.stringify(value)}`);
  }
  return value;
}

export function parseDateLiteral(ast: ValueNode): string {
  return ast.kind === Kind.STRING ? parseDate(ast.value) : fail('Date must be a string YYYY-MM-DD');
}
