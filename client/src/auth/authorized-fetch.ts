import type { CredentialSource } from './credential-store';

const BEARER = /^Bearer\s+(\S+)$/i;

function withBearer(init: RequestInit | undefined, secret: string | null): RequestInit {
  const headers = new Headers(init?.headers);
  if (secret) headers.set('authorization', `Bearer ${secret}`);
  else headers.delete('authorization');
  return { ...init, headers };
}

/**
 * fetch for the urql client, which sets the Authorization header itself (fetchOptions). A 401 means the
 * credential sent was refused: renew it once (a staff session refreshes, or a newer token is there
 * already) and send the request again; a second 401 gives up, and the sign-in page shows.
 */
export function fetchRenewingOnce(credentials: CredentialSource): typeof fetch {
  return async (input, init) => {
    const sent = BEARER.exec(new Headers(init?.headers).get('authorization') ?? '')?.[1] ?? null;
    // Looked up per call, not captured: test doubles (msw) replace the global after this module loads.
    const response = await globalThis.fetch(input, init);
    if (response.status !== 401 || !(await credentials.renew(sent))) return response;
    const renewed = credentials.bearer();
    const again = await globalThis.fetch(input, withBearer(init, renewed));
    if (again.status === 401) credentials.drop(renewed);
    return again;
  };
}
