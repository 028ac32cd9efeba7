// First, before PostGraphile loads: the one ES2024 built-in it needs that Node 20 lacks.
import './node20.mjs';
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

/**
 * PostGraphile v5 (amber preset, production settings) over PeakOps's tables, for bench/peer.bench.ts.
 * Run in its own process so its CPU is apart from PeakOps's. Prints one line `{"port": …}` when listening.
 *
 * usage: node bench/peer/server.mjs <postgres url> <pool size>
 */
const [connectionString, poolSize] = process.argv.slice(2);
if (!connectionString || !poolSize) {
  console.error('usage: server.mjs <postgres url> <pool size>');
  process.exit(2);
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ['public'], poolConfig: { max: Number(poolSize) } })],
  grafserv: { graphqlPath: '/graphql', watch: false, graphiql: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
await serv.addTo(server);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : null }));
});

const stop = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
