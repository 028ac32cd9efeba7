import { Kind, print, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { FIRST_DATE, isCalendarDate, isInstantInRange, LAST_DATE } from '../lib/time.js';
import { refused } from './refused.js';
import type { Words } from '../errors.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;

function fail(words: Words): never {
  throw refused('BAD_USER_INPUT', words);
}

/** Exact decimal as a string ("1234.50"). Numbers are accepted on input but never produced. */
export function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text.trim())) {
    fail({ en: `Decimal must be a string such as "1234.50"; got ${JSON.stringify(value)}`, zh: `Decimal 应为 "1234.50" 这样的字符串；收到 ${JSON.stringify(value)}` });
  }
  return text.trim();
}

export function parseDecimalLiteral(ast: ValueNode): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
  return fail({ en: 'Decimal must be a string such as "1234.50"', zh: 'Decimal 应为 "1234.50" 这样的字符串' });
}

/**
 * graphql-scalars' DateTime accepts any instant JavaScript can hold; one PostgreSQL cannot store, or whose
 * Asia/Shanghai day it cannot, would fail the whole statement it is written by (a batch of events, say) as an
 * internal error.
 */
export function instantInRange(instant: Date): Date {
  if (!isInstantInRange(instant)) {
    fail({
      en: `DateTime must fall from ${FIRST_DATE} to ${LAST_DATE} in Asia/Shanghai; got ${instant.toISOString()}`,
      zh: `DateTime 必须在北京时间 ${FIRST_DATE} 至 ${LAST_DATE} 之间；收到 ${instant.toISOString()}`,
    });
  }
  return instant;
}

/** `got`: the value as the caller wrote it (JSON of a variable, GraphQL of a literal). */
function notDateTime(got: string): never {
  return fail({
    en: `DateTime must be an ISO 8601 date and time with an offset, such as "2026-11-11T00:00:00+08:00"; got ${got}`,
    zh: `DateTime 必须是带时区偏移的 ISO 8601 日期时间，如 "2026-11-11T00:00:00+08:00"；收到 ${got}`,
  });
}

/**
 * An instant, RFC 3339 as graphql-scalars reads it (its parser is kept: it knows 30 February from
 * 1 March), refused as the Date and Decimal scalars refuse, with a code and the Chinese: its own error
 * carries neither.
 */
export function parseDateTime(value: unknown): Date {
  let instant: Date;
  try {
    instant = DateTimeResolver.parseValue(value);
  } catch {
    return notDateTime(JSON.stringify(value) ?? String(value));
  }
  return instantInRange(instant);
}

export function parseDateTimeLiteral(ast: ValueNode): Date {
  if (ast.kind !== Kind.STRING) return notDateTime(print(ast));
  return parseDateTime(ast.value);
}

/** A calendar day in Asia/Shanghai, YYYY-MM-DD. */
export function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    fail({
      en: `Date must be a calendar day YYYY-MM-DD from ${FIRST_DATE} to ${LAST_DATE}; got ${JSON.stringify(value)}`,
      zh: `Date 必须是 ${FIRST_DATE} 至 ${LAST_DATE} 之间 YYYY-MM-DD 格式的日期；收到 ${JSON.stringify(value)}`,
    });
  }
  return value;
}

export function parseDateLiteral(ast: ValueNode): string {
  return ast.kind === Kind.STRING ? parseDate(ast.value) : fail({ en: 'Date must be a string YYYY-MM-DD', zh: 'Date 必须是 YYYY-MM-DD 格式的字符串' });
}
