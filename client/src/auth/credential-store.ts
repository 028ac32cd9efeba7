import { batch, createSignal, untrack, type Accessor } from 'solid-js';
import type { Refusal } from '../graphql/refusal';
import type { AuthApi, SessionGrant } from './auth.api';
import { bearerOf, keyFromFragment, parseStoredCredential, principalOf, refreshDueAt, type Credential, type KeyCredential, type SessionCredential } from './credential';

export const CREDENTIAL_STORAGE_KEY = 'peakops.credential';
/** After a refresh that got no answer (server restarting, network down): try again this soon. */
const RETRY_REFRESH_MS = 5_000;
const REFRESH_LOCK = 'peakops.session-refresh';

/** Why the sign-in page shows although the screen had a credential. */
export type AccessNotice = 'keyRefused' | 'sessionEnded';

export type SignInFailure = { code: 'INVALID_CREDENTIALS' } | { code: 'LOCKED'; until: string | null } | ({ code: 'FAILED' } & Refusal);

/** What the API clients need: the secret to send now, and what to do when the server refuses it. */
export interface CredentialSource {
  /**
   * The secret to send as `Bearer …` now; null when nobody is signed in. Not tracked: urql reads it
   * (fetchOptions) while @urql/solid's createQuery subscribes, inside that query's computation, and a
   * tracked read would make every query on screen ask again whenever a token is refreshed.
   */
  bearer(): string | null;
  /** Who bearer() speaks for (principalOf), null when nobody is signed in; untracked, as bearer() is. */
  principal(): string | null;
  /**
   * Calls `listener` after every change of credential (a sign-in, a key link, a refresh, a sign-out),
   * once the new one is in place. Returns what stops it.
   */
  onChange(listener: () => void): () => void;
  /**
   * The server refused `refused` (HTTP 401, socket 4403). Resolves true once a different credential is
   * there to try: a newer one already, or the session refreshed. A refused key, or a session whose
   * refresh is refused, is dropped (the sign-in page shows and says why) and it resolves false.
   */
  renew(refused: string | null): Promise<boolean>;
  /** The server refused `refused` even after a renewal: drop it, if it is still the one in use. */
  drop(refused: string | null): void;
  /** Resolves once there is a credential to send: at once when there is one, else at the next sign-in. */
  whenSignedIn(): Promise<void>;
}

export interface CredentialStore extends CredentialSource {
  current: Accessor<Credential | null>;
  notice: Accessor<AccessNotice | null>;
  /** Null when signed in; otherwise why not. */
  signIn(email: string, password: string): Promise<SignInFailure | null>;
  /** Forgets the credential at once, then ends a staff session on the server. */
  signOut(): Promise<void>;
  dispose(): void;
}

export interface CredentialStoreOptions {
  api: AuthApi;
  storage: Storage;
  /** The page whose address bar may carry `#key=`, at load or typed in later (hashchange). */
  page: Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;
  /** Wall-clock ms, for the refresh schedule. */
  now: () => number;
  /** Serialises refreshes across this browser's tabs, which share one refresh token (navigator.locks). */
  locks?: LockManager;
}

/** The server writes the lock's end into LOCKED's message (it has no field for it): take it from there. */
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/;

/**
 * `#key=<credential>` is taken out of the address bar with replaceState: no reload, and no history
 * entry (or screenshot of the address bar) that still shows it. The caller keeps the key.
 */
function takeKeyFromAddressBar(page: CredentialStoreOptions['page']): KeyCredential | null {
  const { key, rest } = keyFromFragment(page.location.hash);
  if (!key) return null;
  page.history.replaceState(page.history.state, '', `${page.location.pathname}${page.location.search}${rest}`);
  return { kind: 'key', key };
}

/**
 * The screen's one credential, kept in localStorage so a reload (or a kiosk's restart) stays signed in.
 * A staff session is refreshed ahead of its expiry (see refreshDueAt) and when the server refuses its
 * access token; one refresh at a time, because each refresh token works once.
 */
export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const { api, storage, now } = options;
  const read = () => parseStoredCredential(storage.getItem(CREDENTIAL_STORAGE_KEY));
  const linked = takeKeyFromAddressBar(options.page);
  if (linked) storage.setItem(CREDENTIAL_STORAGE_KEY, JSON.stringify(linked));

  const [current, setCurrent] = createSignal<Credential | null>(read());
  const [notice, setNotice] = createSignal<AccessNotice | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<boolean> | null = null;
  const waitingForSignIn: (() => void)[] = [];
  const listeners = new Set<() => void>();

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), Math.max(0, delayMs));
  };
  const use = (credential: Credential | null) => {
    clearTimeout(timer);
    if (credential) storage.setItem(CREDENTIAL_STORAGE_KEY, JSON.stringify(credential));
    else storage.removeItem(CREDENTIAL_STORAGE_KEY);
    setCurrent(credential);
    if (credential?.kind === 'session') schedule(refreshDueAt(credential) - now());
    if (credential) for (const resume of waitingForSignIn.splice(0)) resume();
    for (const listener of [...listeners]) listener();
  };
  const end = (why: AccessNotice | null) =>
    batch(() => {
      use(null);
      setNotice(why);
    });
  const sessionFrom = (grant: SessionGrant): SessionCredential => ({
    kind: 'session',
    accessToken: grant.accessToken,
    expiresAt: grant.expiresAt,
    refreshToken: grant.refreshToken,
    refreshExpiresAt: grant.refreshExpiresAt,
    receivedAt: now(),
    user: { id: grant.user.id, name: grant.user.name, role: grant.user.role },
  });

  async function refreshOnce(): Promise<boolean> {
    const mine = current();
    if (mine?.kind !== 'session') return mine !== null;
    // Another tab of this browser may have swapped the shared refresh token already: take its successor
    // rather than present the used one, which the server answers by ending the session everywhere.
    const stored = read();
    if (stored?.kind === 'session' && stored.refreshToken !== mine.refreshToken) {
      use(stored);
      return true;
    }
    const answer = await api.refresh(mine.refreshToken);
    if (current() !== mine) return current() !== null; // signed out, or in anew, while it was under way
    if (answer.outcome === 'granted') {
      use(sessionFrom(answer.session));
      return true;
    }
    if (answer.outcome === 'refused') {
      end('sessionEnded');
      return false;
    }
    schedule(RETRY_REFRESH_MS); // no answer is no verdict: keep the session and ask again
    return false;
  }

  // One refresh at a time in this tab (joined by every caller), and in this browser when it has Web Locks.
  const exclusively = async (): Promise<boolean> => {
    const locks = options.locks;
    return locks ? await locks.request(REFRESH_LOCK, refreshOnce) : await refreshOnce();
  };
  function refresh(): Promise<boolean> {
    refreshing ??= exclusively().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  const initial = current();
  if (initial?.kind === 'session') schedule(refreshDueAt(initial) - now());

  // A link typed into a tab already open on this address only changes the fragment: no reload, so no
  // page-load path. It replaces whatever the screen held, as it would at load, and leaves the address bar.
  const onHashChange = () => {
    const key = takeKeyFromAddressBar(options.page);
    if (key)
      batch(() => {
        setNotice(null);
        use(key);
      });
  };
  options.page.addEventListener('hashchange', onHashChange);

  return {
    current,
    notice,
    bearer: () => {
      const credential = untrack(current);
      return credential ? bearerOf(credential) : null;
    },
    principal: () => {
      const credential = untrack(current);
      return credential ? principalOf(credential) : null;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    renew(refused) {
      const credential = current();
      if (!credential) return Promise.resolve(false);
      if (bearerOf(credential) !== refused) return Promise.resolve(true);
      if (credential.kind === 'key') {
        end('keyRefused'); // nothing to refresh: a key is either good or not
        return Promise.resolve(false);
      }
      return refresh();
    },
    drop(refused) {
      const credential = current();
      if (credential && bearerOf(credential) === refused) end(credential.kind === 'key' ? 'keyRefused' : 'sessionEnded');
    },
    whenSignedIn: () => (current() ? Promise.resolve() : new Promise<void>((resolve) => waitingForSignIn.push(resolve))),
    async signIn(email, password) {
      const answer = await api.signIn(email, password);
      if (answer.outcome === 'granted') {
        batch(() => {
          setNotice(null);
          use(sessionFrom(answer.session));
        });
        return null;
      }
      if (answer.outcome === 'unavailable') return { code: 'FAILED', message: answer.message, messageZh: answer.messageZh };
      if (answer.code === 'INVALID_CREDENTIALS') return { code: 'INVALID_CREDENTIALS' };
      if (answer.code === 'LOCKED') return { code: 'LOCKED', until: ISO_TIME.exec(answer.message)?.[0] ?? null };
      return { code: 'FAILED', message: answer.message, messageZh: answer.messageZh };
    },
    async signOut() {
      const was = current();
      // Forgotten first: the server closes this session's sockets (4403) as it signs out, and that must
      // not read as an expired token to refresh.
      end(null);
      if (was?.kind === 'session') await api.signOut(was.accessToken).catch(() => undefined);
    },
    dispose: () => {
      clearTimeout(timer);
      listeners.clear();
      options.page.removeEventListener('hashchange', onHashChange);
    },
  };
}
