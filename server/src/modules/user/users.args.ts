import { parseArgs } from 'node:util';
import { UsageError } from '../../lib/usage-error.js';
import { ROLES, type Role } from './user.table.js';
import { isUuid } from '../../lib/uuid.js';

export type UsersCommand =
  | { command: 'add'; email: string; name: string; role: Role; shopIds: string[] | null }
  | { command: 'list' }
  | { command: 'disable'; email: string }
  | { command: 'enable'; email: string }
  | { command: 'help' };

export const USAGE = `Staff accounts, for the first set-up and for when nobody can sign in.

usage: npm run users -- add --email <email> --name <name> --role ADMIN|OPERATOR|VIEWER [--shops <uuid>,…]
       npm run users -- list
       npm run users -- disable --email <email>
       npm run users -- enable --email <email>

  add       creates a staff account and prints its id. The password comes from PEAKOPS_PASSWORD or,
            in a terminal, is asked for twice without echo (at least 12 characters).
            --shops limits the account to those shops (their uuids); without it, every shop.
  list      prints every account: email, name, role, disabled
  disable   disables an account and ends all its sessions
  enable    enables a disabled account again; its old sessions stay ended (the person signs in anew)
            and the API keys it minted are revoked, as updateUser with disabled: false does

It opens the database the server would (DATABASE_URL, else the embedded one in DATA_DIR) and applies
the migrations. The embedded database belongs to one process: stop the server first.`;

const OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  shops: { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Which flags each command takes: any other is a mistake worth stopping for, not something to ignore. */
const FLAGS: Record<Exclude<UsersCommand['command'], 'help'>, readonly string[]> = {
  add: ['email', 'name', 'role', 'shops'],
  list: [],
  disable: ['email'],
  enable: ['email'],
};

const COMMANDS = 'add, list, disable or enable';

function required(values: Record<string, string | boolean | undefined>, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required: ${what}`);
  return value.trim();
}

/** Parses the words after `npm run users --`; throws UsageError. */
export function parseUsersArgs(argv: readonly string[]): UsersCommand {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') return { command: 'help' };
  if (command === undefined) throw new UsageError(`a command is required: ${COMMANDS}`);
  if (!(command in FLAGS)) throw new UsageError(`unknown command ${JSON.stringify(command)}: ${COMMANDS}`);
  const verb = command as keyof typeof FLAGS;
  if (extra.length > 0) throw new UsageError(`unexpected ${JSON.stringify(extra[0])}: flags start with --`);
  const stray = Object.keys(values).find((flag) => values[flag] !== undefined && !FLAGS[verb].includes(flag));
  if (stray) throw new UsageError(`${verb} takes no --${stray}`);

  if (verb === 'list') return { command: 'list' };
  const email = required(values, 'email', 'the account’s email address');
  if (verb === 'disable' || verb === 'enable') return { command: verb, email };

  // Roles are written in capitals everywhere else; "admin" is not worth a second try.
  const given = required(values, 'role', ROLES.join(', '));
  const role = given.toUpperCase();
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role ${JSON.stringify(given)}: must be ${ROLES.join(', ')}`);
  let shopIds: string[] | null = null;
  if (values.shops !== undefined) {
    shopIds = String(values.shops)
      .split(',')
      .map((id) => id.trim().toLowerCase())
      .filter(Boolean);
    const bad = shopIds.find((id) => !isUuid(id));
    if (bad !== undefined) throw new UsageError(`--shops: ${JSON.stringify(bad)} is not a shop uuid`);
    // An empty list would be an account that sees nothing; leaving --shops out means every shop.
    if (shopIds.length === 0) throw new UsageError('--shops: needs at least one shop uuid (leave it out for every shop)');
  }
  return { command: 'add', email, name: required(values, 'name', 'the person’s name as the screens show it'), role: role as Role, shopIds };
}
