/**
 * What the screen sends as `Authorization: Bearer …`: an API key (a kiosk's `/#key=` link, used as
 * is) or a staff session from signIn (a short-lived access token and a single-use refresh token).
 */
export type Credential = KeyCredential | SessionCredential;

export interface KeyCredential {
  kind: 'key';
  key: string;
}

export interface SessionCredential {
  kind: 'session';
  accessToken: string;
  /** ISO 8601, the server's clock: when the access token stops working. */
  expiresAt: string;
  /** Single use: each refresh returns its successor, and presenting a used one ends the session. */
  refreshToken: string;
  refreshExpiresAt: string;
  /** Wall-clock ms when the access token arrived; with expiresAt it gives the token's lifetime. */
  receivedAt: number;
  /**
   * Who signed in. `id` is the User's node id, the one thing that tells two staff members apart (names
   * repeat); null in a session stored by a screen from before it was kept (see principalOf).
   */
  user: { id: string | null; name: string; role: string };
}

/** The secret that goes after `Bearer `. */
export function bearerOf(credential: Credential): string {
  return credential.kind === 'key' ? credential.key : credential.accessToken;
}

/**
 * Who a credential speaks for, as far as what it may do goes: the key itself, or a staff member (by user
 * id: two people may share a name) in a role. A refresh swaps a session's tokens, not its principal, so
 * the screen need not ask again what it may do; the server derives a staff member's permissions from the
 * role, so a refresh that brings another role (or another tab's sign-in as someone else) is a new principal.
 *
 * A session stored without the user id cannot be told apart from another person's, so it is a principal
 * of its own, named by its refresh token (single use, so no other session ever holds it): the worst it
 * costs is one rebuild of the screen at its next refresh, whose answer carries the id.
 */
export function principalOf(credential: Credential): string {
  if (credential.kind === 'key') return `key:${credential.key}`;
  const { user } = credential;
  return user.id === null ? `session:${credential.refreshToken}` : `user:${user.id}:${user.role}`;
}

/** A minute ahead of expiry: time enough for a slow refresh, and for one retry after a failed one. */
export const REFRESH_LEAD_MS = 60_000;

/**
 * When to swap the refresh token: a minute before the access token expires, or half-way through its
 * life when it lives less than two minutes (a test server runs with 10 s). Wall-clock ms.
 */
export function refreshDueAt(session: Pick<SessionCredential, 'expiresAt' | 'receivedAt'>): number {
  const expiresAt = Date.parse(session.expiresAt);
  const lifetime = Math.max(0, expiresAt - session.receivedAt);
  return expiresAt - Math.min(REFRESH_LEAD_MS, lifetime / 2);
}

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** What localStorage holds, checked field by field: anything else (an old format, a hand edit) is no credential. */
export function parseStoredCredential(stored: string | null): Credential | null {
  if (!stored) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(stored) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (value?.kind === 'key' && text(value.key)) return { kind: 'key', key: value.key };
  const user = value?.user as Record<string, unknown> | undefined;
  if (
    value?.kind === 'session' &&
    text(value.accessToken) &&
    text(value.refreshToken) &&
    text(value.expiresAt) &&
    text(value.refreshExpiresAt) &&
    typeof value.receivedAt === 'number' &&
    text(user?.name) &&
    text(user?.role)
  ) {
    return {
      kind: 'session',
      accessToken: value.accessToken,
      expiresAt: value.expiresAt,
      refreshToken: value.refreshToken,
      refreshExpiresAt: value.refreshExpiresAt,
      receivedAt: value.receivedAt,
      user: { id: text(user.id) ? user.id : null, name: user.name, role: user.role },
    };
  }
  return null;
}

/**
 * Splits `#key=<credential>` out of a URL fragment, keeping any other fragment parameters. The key
 * travels in the fragment because browsers never send it to the server, so it stays out of access logs.
 */
export function keyFromFragment(hash: string): { key: string | null; rest: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key');
  params.delete('key');
  const rest = params.toString();
  return { key: key || null, rest: rest ? `#${rest}` : '' };
}
