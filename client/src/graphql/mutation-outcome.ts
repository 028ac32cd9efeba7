import type { CombinedError } from '@urql/core';
import { hasErrorCode } from './errors';

/** A write's answer as a form needs it: the saved value, or why not (a refusal keeps its code, to be said in the viewer's words). */
export type MutationOutcome<T> = { ok: true; value: T } | { ok: false; forbidden: boolean; code: string | null; message: string };

/** One rule for every `{ <thing>, userErrors }` payload: a GraphQL error or a user error fails it, else the value is saved. */
export function mutationOutcome<T>(
  error: CombinedError | undefined,
  payload: { userErrors: readonly { code: string; message: string }[] } | undefined,
  value: T | null | undefined,
): MutationOutcome<T> {
  const refusal = payload?.userErrors[0];
  if (error || refusal || value === null || value === undefined) {
    return { ok: false, forbidden: hasErrorCode(error, 'FORBIDDEN'), code: refusal?.code ?? null, message: refusal?.message ?? error?.message ?? '' };
  }
  return { ok: true, value };
}
