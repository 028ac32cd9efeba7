import { render } from 'solid-js/web';
import { App } from './app/App';
import { createAuthApi } from './auth/auth.api';
import { createCredentialStore } from './auth/credential-store';
import { createApiClients } from './graphql/client';
import { createConnectionStore } from './graphql/connection';
import { staleAfterFromUrl } from './lib/freshness';
import './styles.css';
import './console.css';

// First, before anything can show or log the address: a `#key=` link is stored and taken out of the address bar.
const credentials = createCredentialStore({
  api: createAuthApi(new URL('/graphql', location.origin).toString()),
  storage: localStorage,
  page: window,
  now: () => Date.now(),
  locks: navigator.locks,
});
const connection = createConnectionStore();
const clients = createApiClients({ origin: location.origin, connection, credentials });
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
render(() => <App clients={clients} connection={connection} credentials={credentials} staleAfterMs={staleAfterFromUrl(location.search)} />, root);
