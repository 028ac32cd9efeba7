import { render } from '@solidjs/testing-library';
import { Provider } from '@urql/solid';
import type { JSX } from 'solid-js';
import { createApiClients, type ApiClients } from '../src/graphql/client';
import { createConnectionStore, type ConnectionStore } from '../src/graphql/connection';
import { I18nProvider } from '../src/i18n/i18n';
import type { Locale } from '../src/i18n/messages';
import { createLiveApi, type LiveApi } from './live-api';
import { API_ORIGIN, onApiTeardown } from './msw';

export interface TestApi {
  clients: ApiClients;
  connection: ConnectionStore;
  live: LiveApi;
}

/**
 * The production clients (graphql/client.ts) pointed at msw: HTTP handlers come from the test, the
 * socket from a fresh LiveApi. The socket is disposed when the test ends. Needs useMockApi().
 */
export function startApi(): TestApi {
  const live = createLiveApi();
  const connection = createConnectionStore();
  const clients = createApiClients(API_ORIGIN, connection);
  // Not awaited: dispose() waits for a socket still being acknowledged, which a held LiveApi never does.
  onApiTeardown(() => void clients.ws.dispose());
  return { clients, connection, live };
}

/** Renders inside the providers the App sets up. Without `locale`, the screen picks it as it would in use. */
export function renderWithProviders(ui: () => JSX.Element, options: { api?: TestApi; locale?: Locale } = {}) {
  const api = options.api;
  if (!api) return render(() => <I18nProvider locale={options.locale}>{ui()}</I18nProvider>);
  return render(() => (
    <I18nProvider locale={options.locale}>
      <Provider value={api.clients.urql}>{ui()}</Provider>
    </I18nProvider>
  ));
}
