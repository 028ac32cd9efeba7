import { render } from 'solid-js/web';
import { App } from './app/App';
import { createApiClients } from './graphql/client';
import { createConnectionStore } from './graphql/connection';
import { staleAfterFromUrl } from './lib/freshness';
import './styles.css';

const connection = createConnectionStore();
const clients = createApiClients(location.origin, connection);
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
render(() => <App clients={clients} connection={connection} staleAfterMs={staleAfterFromUrl(location.search)} />, root);
