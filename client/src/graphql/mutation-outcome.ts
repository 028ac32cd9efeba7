import type { AnyVariables, Client, CombinedError, DocumentInput } from '@urql/core';
import { hasErrorCode } from './errors';
import { refusalOf, type Refusal } from './refusal';

/** A write's answer as a form needs it: the saved value, or why not (a refusal keeps its code, to be said in the viewer's words). */
export type MutationOutcome<T> = { ok: true; value: T } | ({ ok: false; forbidden: boolean; code: string | null } & Refusal);

/** A payload's userErrors as the documents select them: `messageZh: message(locale: ZH_CN)` beside the English. */
export type UserErrors = readonly { code: string; message: string; messageZh?: string | null }[];

/** One rule for every `{ <thing>, userErrors }` payload: a GraphQL error or a user error fails it, else the value is saved. */
export function mutationOutcome<T>(
  error: CombinedError | undefined,
  payload: { userErrors: UserErrors } | undefined,
  value: T | null | undefined,
): MutationOutcome<T> {
  const refusal = payload?.userErrors[0];
  if (error || refusal || value === null || value === undefined) {
    return { ok: false, forbidden: hasErrorCode(error, 'FORBIDDEN'), code: refusal?.code ?? null, ...refusalOf(error, allOf(payload?.userErrors ?? [])) };
  }
  return { ok: true, value };
}

/**
 * Every problem the server reported, said together: it reports them all at once (a delayed task's missing
 * reason and catch-up plan, a campaign's name and window) so that one save shows what to fix, not the first.
 */
function allOf(userErrors: UserErrors): { message: string; messageZh?: string | null } | undefined {
  if (userErrors.length <= 1) return userErrors[0];
  return {
    message: userErrors.map((e) => e.message).join('; '),
    messageZh: userErrors.map((e) => e.messageZh ?? e.message).join('；'),
  };
}

/**
 * Sends a mutation and reads its `{ <thing>, userErrors }` payload as mutationOutcome does: `payload` picks the
 * field's payload from the answer, `value` what counts as saved in it.
 */
export async function sendMutation<Data, Variables extends AnyVariables, P extends { userErrors: UserErrors }, T>(
  client: Client,
  document: DocumentInput<Data, Variables>,
  variables: Variables,
  payload: (data: Data) => P | undefined,
  value: (payload: P) => T | null | undefined,
): Promise<MutationOutcome<T>> {
  const result = await client.mutation(document, variables).toPromise();
  const answered = result.data ? payload(result.data) : undefined;
  return mutationOutcome(result.error, answered, answered ? value(answered) : undefined);
}
