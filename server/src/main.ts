import { buildApp } from './app.js';
import { openDatabase } from './db/client.js';
import { loadDemoIfEmpty } from './demo/demo.seed.js';
import { EnvError, parseEnv } from './env.js';
import { createLogger } from './logger.js';

// Boot only: env → db → migrate → demo → serve. Everything else lives in buildApp().
async function main() {
  const env = parseEnv();
  const logger = createLogger(env);
  const database = await openDatabase(
    env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.DATA_DIR },
  );
  logger.info({ backend: database.kind, dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR }, 'database opened');
  await database.migrate();
  if (process.argv.includes('--demo')) {
    const loaded = await loadDemoIfEmpty(database.db, logger);
    logger.info(loaded ? 'demo data loaded' : 'database already has data; demo not loaded');
  }
  const app = buildApp({ database, env, logger });
  const port = await app.start(env.PORT);
  logger.info(`PeakOps listening on http://localhost:${port}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration errors are for humans: print the message, not a stack trace.
  if (error instanceof EnvError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
