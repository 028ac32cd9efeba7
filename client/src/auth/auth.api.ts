import { Client, fetchExchange, type CombinedError } from '@urql/core';
import { readFragment, type FragmentOf, type ResultOf } from '../graphql/graphql';
import type { UserErrors } from '../graphql/mutation-outcome';
import { refusalOf, type Refusal } from '../graphql/refusal';
import { RefreshSessionMutation, SessionFields, SignInMutation, SignOutMutation } from './auth.documents';

export type SessionGrant = ResultOf<typeof SessionFields>;

/** How a signIn or refreshSession ended. */
export type AuthAnswer =
  | { outcome: 'granted'; session: SessionGrant }
  /** The server said no: wrong email or password, a locked account, a used or expired refresh token. */
  | ({ outcome: 'refused'; code: string } & Refusal)
  /** No usable answer (network down, server error): worth trying again, no reason to sign anyone out. */
  | ({ outcome: 'unavailable' } & Refusal);

/** The three calls that manage a staff session. */
export interface AuthApi {
  signIn(email: string, password: string): Promise<AuthAnswer>;
  refresh(refreshToken: string): Promise<AuthAnswer>;
  /** Ends the session on the server (its refresh token and its open sockets); best effort. */
  signOut(accessToken: string): Promise<void>;
}

interface SessionPayload {
  session: FragmentOf<typeof SessionFields> | null;
  userErrors: UserErrors;
}

function answer(error: CombinedError | undefined, payload: SessionPayload | undefined): AuthAnswer {
  if (error) return { outcome: 'unavailable', ...refusalOf(error, undefined) };
  const refusal = payload?.userErrors[0];
  if (refusal) return { outcome: 'refused', code: refusal.code, ...refusalOf(undefined, refusal) };
  if (!payload?.session) return { outcome: 'unavailable', message: 'no session in the answer', messageZh: '应答中没有会话' };
  return { outcome: 'granted', session: readFragment(SessionFields, payload.session) };
}

/**
 * Its own urql client that sends no credential: signIn and refreshSession are open, and a refresh must
 * never pass through the main client's 401 handling, which would answer a refused refresh by refreshing.
 */
export function createAuthApi(url: string): AuthApi {
  const client = new Client({ url, exchanges: [fetchExchange], requestPolicy: 'network-only' });
  return {
    async signIn(email, password) {
      const result = await client.mutation(SignInMutation, { email, password }).toPromise();
      return answer(result.error, result.data?.signIn);
    },
    async refresh(refreshToken) {
      const result = await client.mutation(RefreshSessionMutation, { refreshToken }).toPromise();
      return answer(result.error, result.data?.refreshSession);
    },
    async signOut(accessToken) {
      await client.mutation(SignOutMutation, {}, { fetchOptions: { headers: { authorization: `Bearer ${accessToken}` } } }).toPromise();
    },
  };
}
