import { parseArgs } from 'node:util';
import { parseEnv } from '../env.js';
import { UsageError } from '../lib/usage-error.js';
import { withoutStatementValues } from '../observability/log-errors.js';

/**
 * `npm run migrate` (compiled: `node dist/server/db/migrate.cli.js`): applies this version's pending
 * migrations to DATABASE_URL and exits, so a deploy migrates once before the new instances roll out.
 * Exit codes: 0 applied (or nothing to apply), 1 failed (blocked past the deadline, unreachable, no
 * DATABASE_URL), 2 bad flags.
 */
export const USAGE = `usage: npm run migrate          (in the image: node dist/server/db/migrate.cli.js)

Applies this version's pending migrations to the PostgreSQL database at DATABASE_URL, as a starting
server would, and exits. Each attempt waits at most 3 s for a lock, then is rolled back and tried again
10 s later, each retry logged with what it waited behind; after 5 minutes it gives up with exit code 1.
See docs/OPERATIONS.md, "Deploying a new version".`;

async function main(argv: string[]): Promise<number> {
  let help: boolean | undefined;
  try {
    ({ values: { help } } = parseArgs({ args: argv, options: { help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (help) {
    console.log(USAGE);
    return 0;
  }
  const env = parseEnv();
  if (!env.DATABASE_URL) {
    // PGlite serves one process, which migrates it when it starts: there is nothing to do ahead of it.
    throw new Error('DATABASE_URL is not set: this applies migrations to PostgreSQL. The embedded database (DATA_DIR) is migrated by the server when it starts');
  }
  // Loaded only now, so --help and bad flags answer without loading the database drivers.
  const [{ openDatabase, configuredDatabase }, { createLogger }] = await Promise.all([import('./client.js'), import('../logger.js')]);
  const database = await openDatabase(configuredDatabase(env));
  try {
    await database.migrate({ logger: createLogger(env) });
  } finally {
    await database.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`migrate: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    // A bad variable, a blocked migration (its message says what blocked it and what to do), an unreachable
    // database, a migration that failed (drizzle's error names the statement, PostgreSQL's cause says why).
    const shown = withoutStatementValues(error);
    const why = shown instanceof Error && shown.cause instanceof Error ? `\n${shown.cause.message}` : '';
    console.error(`migrate: ${shown instanceof Error ? shown.message : String(shown)}${why}`);
    process.exit(1);
  },
);
