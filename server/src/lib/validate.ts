import { z } from 'zod';
import { decodeGlobalUuid } from '../graphql/node-id.js';
import { InputErrors, USER_ERROR_CODES, type UserErrorCode, type UserErrorShape } from '../errors.js';
import { enOfIssue, said, zhOfIssue } from './issue-words.js';
import { MoneyFormatError, yuanToFen } from './money.js';

/**
 * Validates a mutation input with zod and reports every problem at once as userErrors whose field
 * path starts at "input", the argument name every mutation uses. `also` adds the checks across fields
 * (an end after its start, a reason for a delay), read from the raw input so they are reported beside
 * the fields' own problems, not only once those are fixed.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, also?: (input: unknown) => UserErrorShape[]): z.output<S> {
  const result = schema.safeParse(input);
  const more = also ? also(input) : [];
  if (result.success && more.length === 0) return result.data;
  const own = result.success
    ? []
    : result.error.issues.map((issue) => ({
        field: ['input', ...issue.path.map(String)],
        message: enOfIssue(issue),
        messageZh: zhOfIssue(issue),
        code: codeOf(issue),
      }));
  throw new InputErrors([...own, ...more]);
}

/** A bulk input's problems with one item (an event, a spend entry), paths relative to the item. */
export interface ItemIssue {
  path: string[];
  message: string;
  /** The same problem in Chinese. */
  messageZh: string;
  code: UserErrorCode;
}

/** zod's issues for one item of a bulk input, coded as parseInput codes them. */
export function itemIssues(error: z.ZodError): ItemIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String), message: enOfIssue(issue), messageZh: zhOfIssue(issue), code: codeOf(issue) }));
}

function codeOf(issue: z.core.$ZodIssue): UserErrorCode {
  const code = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' && (USER_ERROR_CODES as readonly string[]).includes(code)
    ? (code as UserErrorCode)
    : 'INVALID_INPUT';
}

/** A non-negative yuan amount as a Decimal string, parsed to integer fen. */
export const moneyInput = z.string().transform((value, ctx) => {
  try {
    const fen = yuanToFen(value);
    if (fen < 0) throw new MoneyFormatError({ en: 'amount must not be negative', zh: '金额不能为负' });
    return fen;
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message, params: { code: 'INVALID_AMOUNT', zh: error.messageZh } });
    return z.NEVER;
  }
});

/**
 * PostgreSQL's text and jsonb hold neither U+0000 nor half of a surrogate pair (JSON can carry both: "\u0000",
 * "\ud800"): a string with either failed the statement that stored it, an ingest batch's included.
 */
export const UNSTORABLE_TEXT_WORDS = {
  en: 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate',
  zh: '含有无法存储的字符：NUL（U+0000）或不成对的代理项',
} as const;
export const UNSTORABLE_TEXT_MESSAGE = said(UNSTORABLE_TEXT_WORDS.en, UNSTORABLE_TEXT_WORDS.zh);
// ES2024's String.prototype.isWellFormed (Node 20 has it; the project's lib is ES2023).
const isWellFormed = (value: string): boolean => (value as string & { isWellFormed(): boolean }).isWellFormed();
export const isUnstorableText = (value: string): boolean => value.includes('\u0000') || !isWellFormed(value);
/** What can be stored of a string that cannot (the audit trail's record of what was sent): U+FFFD in their place. */
export const storableText = (value: string): string =>
  isUnstorableText(value) ? (value.replaceAll('\u0000', '\uFFFD') as string & { toWellFormed(): string }).toWellFormed() : value;
/** A string a bulk input's item carries, refused on its own (its item alone) when it cannot be stored. */
export const storableString = () => z.string().refine((value) => !isUnstorableText(value), UNSTORABLE_TEXT_MESSAGE);

/**
 * Required free text: trimmed, non-empty, bounded so nobody stores a novel in a name. Non-empty means something
 * to read: a name of only zero-width or other format characters (U+200B, U+200D, U+FEFF), which trim keeps, is
 * as empty as spaces.
 */
export const NOT_EMPTY = said('must not be empty', '不能为空');
const VISIBLE = /[^\p{White_Space}\p{Cf}]/u;
export const text = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => VISIBLE.test(value), NOT_EMPTY);
export const optionalText = (max = 2000) => z.string().trim().max(max).nullish();

/** A global id of the given type inside a bulk input, decoded to its UUID; anything else is NOT_FOUND on that field. */
export const globalId = (typename: string) => {
  // Bulk inputs repeat a few ids thousands of times (a batch of one shop's events): decode each once.
  const decoded = new Map<string, string | null>();
  return z.string().transform((value, ctx) => {
    let id = decoded.get(value);
    if (id === undefined) {
      id = decodeGlobalUuid(typename, value);
      if (decoded.size >= 10_000) decoded.clear();
      decoded.set(value, id);
    }
    if (id) return id;
    ctx.addIssue({ code: 'custom', message: `not a ${typename} id`, params: { code: 'NOT_FOUND', zh: `不是 ${typename} 的 id` } });
    return z.NEVER;
  });
};
