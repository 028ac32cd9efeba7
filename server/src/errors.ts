/**
 * Expected failures. Services throw these; mutation resolvers turn them into `userErrors` with a
 * stable code a partner can branch on. Anything else is unexpected and is masked by Yoga.
 */
export const USER_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_WINDOW',
  'INVALID_AMOUNT',
  'RESPONSE_PLAN_REQUIRED',
  'DELAY_REASON_REQUIRED',
  'INVALID_CREDENTIALS',
  'LOCKED',
  'CAMPAIGN_ENDED',
  'LIMIT_REACHED',
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

/**
 * Why an input was refused, in both languages PeakOps speaks. English is what `message` answers by
 * default (the contract partners were given); the console asks for the Chinese one. Both are written
 * where the refusal is decided, so neither language loses its specifics (who, when, which figure).
 */
export interface Words {
  en: string;
  zh: string;
}

export interface UserErrorShape {
  /** Path of the offending input field, e.g. ["input", "skus", "0", "price"]. */
  field: string[] | null;
  message: string;
  /** The same refusal in Chinese (`message(locale: ZH_CN)`). */
  messageZh: string;
  code: UserErrorCode;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly messageZh: string;
  constructor(
    readonly code: UserErrorCode,
    words: Words,
    readonly field: string[] | null = null,
  ) {
    super(words.en);
    this.messageZh = words.zh;
  }
}

/** Several problems with one input at once (validation reports them all, not just the first). */
export class InputErrors extends Error {
  override name = 'InputErrors';
  readonly messageZh: string;
  constructor(readonly errors: UserErrorShape[]) {
    super(errors.map((e) => e.message).join('; '));
    this.messageZh = errors.map((e) => e.messageZh).join('；');
  }
}

/** What `notFound` and `forbidden` can name, with its Chinese name. */
const THINGS = {
  Campaign: '活动',
  Milestone: '关键节点',
  Plan: '计划',
  Task: '任务',
  Shop: '店铺',
  Product: '商品',
  SKU: 'SKU',
  customer: '客户',
  User: '用户',
  'API key': 'API 密钥',
  Webhook: 'Webhook',
  'Webhook delivery': 'Webhook 投递',
  Alert: '预警',
  RectificationReport: '整改报告',
} as const;
export type Thing = keyof typeof THINGS;
/** A thing's Chinese name. */
export const zhNameOf = (what: Thing): string => THINGS[what];
/** A thing's Chinese name as a sentence starts with it: a Latin name keeps a space before the Chinese that follows. */
const zhSubject = (what: Thing): string => (/[A-Za-z0-9]$/.test(THINGS[what]) ? `${THINGS[what]} ` : THINGS[what]);

/** An id that does not exist and one the viewer may not see look the same: no existence leak. */
export function notFound(what: Thing, field: string[] | null = null): DomainError {
  return new DomainError('NOT_FOUND', { en: `${what} not found`, zh: `${zhSubject(what)}不存在` }, field);
}

/** Something outside the caller's shops was named where figures are asked for: refused before any work. */
export function forbidden(what: Thing, field: string[] | null = null): DomainError {
  return new DomainError(
    'FORBIDDEN',
    { en: `${what} is outside the shops your credential covers`, zh: `${zhSubject(what)}不在你的凭证可见的店铺范围内` },
    field,
  );
}

/**
 * How an expected failure shows outside a mutation payload, where a transport has only a few classes of
 * refusal: NOT_FOUND and FORBIDDEN as themselves, every other code as bad input. The GraphQL error's
 * `extensions.code` (the code itself then goes in `reason`) and the exports' HTTP status come from here.
 */
export function transportClassOf(code: UserErrorCode | undefined): { code: 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT'; httpStatus: 404 | 403 | 400 } {
  if (code === 'NOT_FOUND') return { code, httpStatus: 404 };
  if (code === 'FORBIDDEN') return { code, httpStatus: 403 };
  return { code: 'BAD_USER_INPUT', httpStatus: 400 };
}

export function toUserErrors(error: unknown): UserErrorShape[] | null {
  if (error instanceof DomainError) return [{ field: error.field, message: error.message, messageZh: error.messageZh, code: error.code }];
  if (error instanceof InputErrors) return error.errors;
  return null;
}
