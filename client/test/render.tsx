import { render } from '@solidjs/testing-library';
import { Provider, type Client } from '@urql/solid';
import type { JSX } from 'solid-js';
import { createAuthApi } from '../src/auth/auth.api';
import type { Credential } from '../src/auth/credential';
import { CREDENTIAL_STORAGE_KEY, createCredentialStore, type CredentialStore } from '../src/auth/credential-store';
import { createApiClients, type ApiClients } from '../src/graphql/client';
import { createConnectionStore, type ConnectionStore } from '../src/graphql/connection';
import { I18nProvider } from '../src/i18n/i18n';
import type { Locale } from '../src/i18n/messages';
import { createLiveApi, type LiveApi } from './live-api';
import { API_ORIGIN, API_URL, onApiTeardown } from './msw';

export interface TestApi {
  clients: ApiClients;
  connection: ConnectionStore;
  credentials: CredentialStore;
  live: LiveApi;
}

/** The screen's credential unless a test says otherwise: a kiosk key, as a wall screen would hold. */
export const TEST_KEY = 'pk_test_wall_screen_0123456789abcdef';

/** Puts a credential where the screen keeps it (localStorage, cleared after every test), as an earlier visit would have. */
export function storeCredential(credential: Credential | null): void {
  if (credential) localStorage.setItem(CREDENTIAL_STORAGE_KEY, JSON.stringify(credential));
  else localStorage.removeItem(CREDENTIAL_STORAGE_KEY);
}

export interface StartApiOptions {
  /** What the screen holds when it starts; TEST_KEY by default, null for nobody signed in. */
  credential?: Credential | null;
}

/**
 * The production clients (graphql/client.ts) and credential store pointed at msw: HTTP handlers come
 * from the test, the socket from a fresh LiveApi. Everything is disposed when the test ends. Needs useMockApi().
 */
export function startApi(options: StartApiOptions = {}): TestApi {
  storeCredential(options.credential === undefined ? { kind: 'key', key: TEST_KEY } : options.credential);
  const live = createLiveApi();
  const connection = createConnectionStore();
  const credentials = createCredentialStore({ api: createAuthApi(API_URL), storage: localStorage, page: window, now: () => Date.now() });
  const clients = createApiClients({ origin: API_ORIGIN, connection, credentials });
  onApiTeardown(() => {
    credentials.dispose();
    // Not awaited: dispose() waits for a socket still being acknowledged, which a held LiveApi never does.
    // Caught: a socket still connecting when the file's msw server closes fails, and dispose() rejects
    // with that error event — an unhandled rejection that failed a CI run after every test had passed.
    Promise.resolve(clients.ws.dispose()).catch(() => {});
  });
  return { clients, connection, credentials, live };
}

/** The urql client of whoever the test API's credential speaks for, as the App would provide it. */
export function urqlOf(api: TestApi): Client {
  return api.clients.urqlFor(api.credentials.principal() ?? 'nobody signed in');
}

/** Renders inside the providers the App sets up. Without `locale`, the screen picks it as it would in use. */
export function renderWithProviders(ui: () => JSX.Element, options: { api?: TestApi; locale?: Locale } = {}) {
  const api = options.api;
  if (!api) return render(() => <I18nProvider locale={options.locale}>{ui()}</I18nProvider>);
  return render(() => (
    <I18nProvider locale={options.locale}>
      <Provider value={urqlOf(api)}>{ui()}</Provider>
    </I18nProvider>
  ));
}
