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

export interface UserErrorShape {
  /** Path of the offending input field, e.g. ["input", "skus", "0", "price"]. */
  field: string[] | null;
  message: string;
  code: UserErrorCode;
}

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly field: string[] | null = null,
  ) {
    super(message);
  }
}

/** Several problems with one input at once (validation reports them all, not just the first). */
export class InputErrors extends Error {
  override name = 'InputErrors';
  constructor(readonly errors: UserErrorShape[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

/** An id that does not exist and one the viewer may not see look the same: no existence leak. */
export function notFound(what: string, field: string[] | null = null): DomainError {
  return new DomainError('NOT_FOUND', `${what} not found`, field);
}

/** Something outside the caller's shops was named where figures are asked for: refused before any work. */
export function forbidden(what: string, field: string[] | null = null): DomainError {
  return new DomainError('FORBIDDEN', `${what} is outside the shops your credential covers`, field);
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
  if (error instanceof DomainError) return [{ field: error.field, message: error.message, code: error.code }];
  if (error instanceof InputErrors) return error.errors;
  return null;
}
