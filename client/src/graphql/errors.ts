import type { CombinedError } from '@urql/core';

/** True when the server answered with a GraphQL error carrying `extensions.code` (FORBIDDEN, UNAUTHENTICATED, …). */
export function hasErrorCode(error: CombinedError | undefined, code: string): boolean {
  return error?.graphQLErrors.some((e) => e.extensions?.code === code) ?? false;
}
