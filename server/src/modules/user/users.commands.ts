import { existsSync } from 'node:fs';
import path from 'node:path';
import { configuredDatabase, openDatabase, type Db } from '../../db/client.js';
import { parseEnv, type Env } from '../../env.js';
import { DomainError, type Words } from '../../errors.js';
import { createUser, disableUser, listUsers, updateUser } from './user.service.js';
import type { UserRow } from './user.table.js';
import type { UsersCommand } from './users.args.js';

/** What `npm run users` does once its flags and password are in hand; users.cli.ts turns the outcome into an exit code. */
export type DatabaseCommand = Exclude<UsersCommand, { command: 'help' }>;

/**
 * PGlite is one process's database and keeps postmaster.pid in its directory while open. A second
 * process writing the same files would corrupt them, so a server still running on it stops us. A crash
 * leaves the file behind too, which is why the message says how to clear it.
 */
function embeddedDatabaseInUse(env: Env): Words | null {
  if (env.DATABASE_URL) return null;
  const pidFile = path.join(env.DATA_DIR, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  return {
    en:
      `the embedded database in ${env.DATA_DIR} is open in another process (is the server running?); it serves one ` +
      `process at a time, so stop the server first. If no server runs (it was killed), ${pidFile} is left over: ` +
      'start and stop the server once, or delete that file.',
    zh:
      `${env.DATA_DIR} 中的内置数据库已被另一个进程打开（服务器是否正在运行？）；它一次只能供一个进程使用，请先停止服务器。` +
      `如果没有服务器在运行（它被强行终止了），${pidFile} 是遗留文件：请启动并停止一次服务器，或删除该文件。`,
  };
}

async function add(db: Db, command: Extract<UsersCommand, { command: 'add' }>, password: string) {
  // createUser refuses a shop that does not exist (NOT_FOUND at its index), as the API does.
  const { email, name, role, shopIds } = command;
  const user = await createUser(db, { email, name, role, shopIds, password }).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'CONFLICT') {
      throw new DomainError('CONFLICT', {
        en: `${error.message}: ${email.toLowerCase()} (npm run users -- list shows every account)`,
        zh: `${error.messageZh}：${email.toLowerCase()}（npm run users -- list 可列出所有账号）`,
      });
    }
    throw error;
  });
  const reach = user.shopIds ? `limited to ${user.shopIds.length} shop(s)` : 'every shop';
  console.error(`users: added ${user.name} <${user.email}> as ${user.role}, ${reach}`);
  // Only the id on stdout, so scripts can capture it.
  console.log(user.id);
}

async function list(db: Db) {
  const users = await listUsers(db);
  if (users.length === 0) {
    console.error('users: no accounts yet; add the first with: npm run users -- add --email … --name … --role ADMIN');
    return;
  }
  // Tab-separated: names in Chinese have no fixed column width, and scripts split on tabs.
  console.log(['email', 'name', 'role', 'disabled'].join('\t'));
  for (const user of users) console.log([user.email, user.name, user.role, user.disabledAt ? 'yes' : 'no'].join('\t'));
}

/** The account with this email (stored lower-case, as createUser writes it); NOT_FOUND names the address. */
async function accountByEmail(db: Db, email: string): Promise<UserRow> {
  const address = email.toLowerCase();
  const user = (await listUsers(db)).find((u) => u.email === address);
  if (!user) throw new DomainError('NOT_FOUND', { en: `no account has the email ${address}`, zh: `没有邮箱为 ${address} 的账号` });
  return user;
}

async function disable(db: Db, email: string, now: Date) {
  const user = await accountByEmail(db, email);
  const address = user.email;
  if (user.disabledAt) {
    console.error(`users: ${address} has been disabled since ${user.disabledAt.toISOString()}`);
    return;
  }
  // No running server hears this process: they stop honouring cached credentials within 10 s
  // (auth/authenticator.ts), and an open live screen closes when its access token expires.
  await disableUser(db, user.id, () => {}, now);
  console.error(
    `users: disabled ${address} and ended its sessions; a running server refuses its tokens within 10 s, and its open ` +
      'live screens close when their access token expires (the disableUser mutation closes them at once)',
  );
}

async function enable(db: Db, email: string, now: Date) {
  const user = await accountByEmail(db, email);
  // Unlike disable, not a quiet success: someone enabling an active account has likely typed the wrong email.
  if (!user.disabledAt) {
    throw new DomainError('CONFLICT', {
      en: `${user.email} is not disabled: there is nothing to enable (npm run users -- list shows which are)`,
      zh: `${user.email} 未被停用，无需启用（npm run users -- list 可查看哪些账号已停用）`,
    });
  }
  // The API's own path (updateUser with disabled: false), so the CLI cannot drift from it: the sessions
  // ended by the disable stay ended, and the keys the account minted are revoked in the same transaction.
  const revokedKeys: string[] = [];
  await updateUser(db, { id: user.id, disabled: false }, (ids) => revokedKeys.push(...ids.filter((id) => id.startsWith('key:'))), now);
  const keys = revokedKeys.length === 0 ? 'it had minted no API keys to revoke' : `revoked the ${revokedKeys.length} API key(s) it had minted`;
  console.error(`users: enabled ${user.email}; it signs in anew (its sessions from before stay ended) and ${keys}`);
}

/**
 * Opens the database the server would (main.ts: DATABASE_URL, else PGlite in DATA_DIR), applies the
 * migrations and runs the command. Throws DomainError for refusals, InputErrors for bad input.
 */
export async function runDatabaseCommand(command: DatabaseCommand, context: { password: string; now: Date }): Promise<void> {
  const env = parseEnv();
  const busy = embeddedDatabaseInUse(env);
  if (busy) throw new DomainError('CONFLICT', busy);
  const database = await openDatabase(configuredDatabase(env));
  try {
    await database.migrate();
    if (command.command === 'add') await add(database.db, command, context.password);
    else if (command.command === 'list') await list(database.db);
    else if (command.command === 'disable') await disable(database.db, command.email, context.now);
    else await enable(database.db, command.email, context.now);
  } finally {
    await database.close();
  }
}
