import { EnvError } from '../../env.js';
import { DomainError, InputErrors } from '../../errors.js';
import { promptHidden, PromptInterrupted } from '../../lib/hidden-prompt.js';
import { UsageError } from '../../lib/usage-error.js';
import { parseUsersArgs, USAGE, type UsersCommand } from './users.args.js';

/**
 * `npm run users -- add|list|disable|enable …`: staff accounts from the command line, for the first ADMIN
 * (before anyone can sign in) and for when nobody can. Exit codes: 0 done, 1 refused or failed
 * (an email already taken, an unknown account, enabling one that is not disabled, the database busy), 2 bad flags or input.
 */

/** The flag each field of createUser's input comes from, so a refusal names what to change. */
const FLAG_OF: Record<string, string> = { email: '--email', name: '--name', role: '--role', shopIds: '--shops', password: 'the password' };

async function readPassword(): Promise<string> {
  // The CLI's own input, not the server's configuration, so env.ts does not describe it.
  const fromEnv = process.env.PEAKOPS_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('no password: set PEAKOPS_PASSWORD, or run this in a terminal to be asked for it');
  const first = await promptHidden('Password (at least 12 characters): ');
  // Typed blind, so typed twice.
  const again = await promptHidden('The same password again: ');
  if (first !== again) throw new InputErrors([{ field: ['input', 'password'], message: 'the two entries differ', messageZh: '两次输入的密码不一致', code: 'INVALID_INPUT' }]);
  return first;
}

async function main(argv: string[]): Promise<number> {
  let command: UsersCommand;
  try {
    command = parseUsersArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`users: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Asked before the database opens: a first PGlite start takes seconds, and a typo should not wait for it.
  const password = command.command === 'add' ? await readPassword() : '';
  // Loaded only now, so --help and bad flags answer without loading the database drivers.
  const { runDatabaseCommand } = await import('./users.commands.js');
  await runDatabaseCommand(command, { password, now: new Date() });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`users: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof InputErrors) {
      for (const e of error.errors) console.error(`users: ${FLAG_OF[e.field?.[1] ?? ''] ?? e.field?.join('.') ?? 'input'}: ${e.message}`);
      process.exit(2);
    }
    if (error instanceof PromptInterrupted) process.exit(130);
    // Expected refusals (an email already taken, an unknown account) and bad configuration are one line for a person.
    if (error instanceof DomainError || error instanceof EnvError) console.error(`users: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
