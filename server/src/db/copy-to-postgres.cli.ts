import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from '../lib/usage-error.js';

/**
 * `npm run db:copy-to-postgres -- --from ./data --to postgres://…`: moves the embedded default's data
 * into a new PostgreSQL database. Exit codes: 0 copied, 1 refused or failed (the target not empty, a
 * server holding the data directory, the database unreachable), 2 bad flags.
 */
export const USAGE = `usage: npm run db:copy-to-postgres -- --to postgres://user:password@host:5432/database [--from ./data]

Copies every PeakOps table from a PGlite data directory (default: DATA_DIR, else ./data) into an empty
PostgreSQL database, in one transaction: on any error the target stays empty. Stop the server that uses
the data directory first. The source is migrated to this version's schema first, as a server start would.`;

const Args = z.object({
  from: z.string().min(1),
  to: z.string().regex(/^postgres(ql)?:\/\//, '--to must be a postgres:// or postgresql:// URL'),
});

function parse(argv: string[]): z.infer<typeof Args> | 'help' {
  let values: { from?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (!values.to) throw new UsageError('--to is required');
  // The CLI's own input: DATA_DIR is read as the server would, without the server's whole configuration.
  const parsed = Args.safeParse({ from: values.from ?? process.env.DATA_DIR ?? './data', to: values.to });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { existsSync } = await import('node:fs');
  if (!existsSync(args.from)) throw new UsageError(`--from ${args.from}: no such data directory`);
  const { copyPgliteToPostgres } = await import('./copy-to-postgres.js');
  const started = Date.now();
  const copied = await copyPgliteToPostgres({ dataDir: args.from, url: args.to, log: (line) => console.log(`  ${line}`) });
  const rows = copied.reduce((sum, t) => sum + t.rows, 0);
  console.log(`copied ${rows} rows in ${copied.length} tables in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`db:copy-to-postgres: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`db:copy-to-postgres: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
