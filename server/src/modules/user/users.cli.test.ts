import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../../test/cli.js';
import { verifyPassword } from '../../auth/secrets.js';
import { openDatabase } from '../../db/client.js';
import { InputErrors } from '../../errors.js';
import { apiKeys } from '../api-key/api-key.table.js';
import { createUser, listUsers } from './user.service.js';

const CLI = path.resolve(import.meta.dirname, 'users.cli.ts');
const PASSWORD = 'war-room-双11-2026';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `npm run users -- …` on the embedded database of a fresh DATA_DIR, whatever the caller's shell has set. */
// Each step is a child process that compiles the CLI and opens PGlite (the first one creates and migrates
// the database): ~20 s on a quiet machine, past the default 30 s while the rest of the suite loads it.
describe('npm run users (PGlite in DATA_DIR)', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'peakops-users-'));
  const dataDir = path.join(dir, 'data');
  const untouched = path.join(dir, 'never-created');
  const users = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(CLI, args, { DATA_DIR: dataDir, DATABASE_URL: undefined, PEAKOPS_PASSWORD: PASSWORD, ...env });

  /** Command lines refused before any database opens; started first so they run while the first add creates its database. */
  const BAD: [string[], Record<string, string | undefined>][] = [
    [['add', '--email', 'x@shop.cn', '--name', 'X', '--role', 'BOSS'], {}],
    [['add', '--email', 'x@shop.cn', '--role', 'VIEWER'], {}],
    [['add', '--email', 'x@shop.cn', '--name', 'X', '--role', 'VIEWER', '--shops', 'shop-1'], {}],
    [['remove', '--email', 'x@shop.cn'], {}],
    [['list', '--email', 'x@shop.cn'], {}],
    [['enable'], {}],
    [['enable', '--email', 'x@shop.cn', '--role', 'ADMIN'], {}],
    [['add', '--email', 'x@shop.cn', '--name', 'X', '--role', 'VIEWER'], { PEAKOPS_PASSWORD: undefined }],
  ];
  let refused: Promise<CliRun[]>;
  beforeAll(() => {
    refused = Promise.all(BAD.map(([args, env]) => users(args, { DATA_DIR: untouched, ...env })));
  });
  afterAll(async () => {
    await refused;
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds the first ADMIN to a new database, printing only its id', async () => {
    const added = await users(['add', '--email', 'Zhang.San@Shop.cn', '--name', '张三', '--role', 'ADMIN']);
    expect(added.stderr).toContain('users: added 张三 <zhang.san@shop.cn> as ADMIN, every shop');
    expect(added.code).toBe(0);
    expect(added.stdout.trim()).toMatch(UUID);
  });

  it('refuses a second account with the same email, however it is capitalised, and says which', async () => {
    const again = await users(['add', '--email', 'ZHANG.SAN@shop.cn', '--name', '张三丰', '--role', 'VIEWER']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('users: a user with this email already exists: zhang.san@shop.cn (npm run users -- list shows every account)');
    expect(again.stdout).toBe('');
  });

  it('disables an account, which stays listed with its role, marked disabled', async () => {
    const disabled = await users(['disable', '--email', 'zhang.san@shop.cn']);
    expect(disabled.code).toBe(0);
    expect(disabled.stderr).toContain('users: disabled zhang.san@shop.cn and ended its sessions');
    const listed = await users(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual(['email\tname\trole\tdisabled', 'zhang.san@shop.cn\t张三\tADMIN\tyes']);
  });

  it('stored the password as a hash it can be checked against, never as itself', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const [admin] = (await listUsers(database.db)).filter((u) => u.email === 'zhang.san@shop.cn');
      expect(admin!.passwordHash).not.toContain(PASSWORD);
      expect(await verifyPassword(PASSWORD, admin!.passwordHash)).toBe(true);
      expect(admin!.shopIds).toBeNull();
    } finally {
      await database.close();
    }
  });

  it('words its refusals in Chinese too, for the console', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      // 张三 was disabled above: the email stays with that account, which can be enabled again.
      await expect(createUser(database.db, { email: 'Zhang.San@shop.cn', name: '张三', role: 'VIEWER', password: PASSWORD })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: 'this email belongs to an existing account that is disabled: enable that account again instead',
        messageZh: '此邮箱属于一个已停用的账号：请重新启用该账号，不要新建',
      });
      const refusedZh = async (input: Record<string, unknown>) => {
        const refused = await createUser(database.db, { name: '李四', ...input }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(InputErrors);
        return (refused as InputErrors).errors.map((e) => [e.field?.at(-1), e.messageZh]);
      };
      expect(await refusedZh({ email: 'not-an-email', role: 'VIEWER', password: 'short' })).toEqual([
        ['email', '必须是邮箱地址'],
        ['password', '至少 12 个字符'],
      ]);
      expect(await refusedZh({ email: 'li.si@shop.cn', role: 'ADMIN', password: PASSWORD, shopIds: [] })).toEqual([
        ['shopIds', 'ADMIN 覆盖全部店铺：创建时不要填写 shopIds，更新时请将其设为 null'],
      ]);
    } finally {
      await database.close();
    }
  });

  it('enables a disabled account again as updateUser does: the keys it minted before the disable are revoked', async () => {
    // 张三 was disabled above; a key it minted while it was an ADMIN does not come back with it.
    let database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const [zhang] = (await listUsers(database.db)).filter((u) => u.email === 'zhang.san@shop.cn');
      await database.db.insert(apiKeys).values({ name: '大屏', prefix: 'pk_screen', secretHash: 'not-a-real-hash', scopes: ['READ'], createdBy: `user:${zhang!.id}` });
    } finally {
      await database.close();
    }
    const enabled = await users(['enable', '--email', 'Zhang.San@shop.cn']);
    expect(enabled.stderr.trim()).toBe(
      'users: enabled zhang.san@shop.cn; it signs in anew (its sessions from before stay ended) and revoked the 1 API key(s) it had minted',
    );
    expect(enabled.code).toBe(0);
    const listed = await users(['list']);
    expect(listed.stdout.trim().split('\n')).toEqual(['email\tname\trole\tdisabled', 'zhang.san@shop.cn\t张三\tADMIN\tno']);
    database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const [key] = await database.db.select().from(apiKeys).where(eq(apiKeys.name, '大屏'));
      expect(key!.revokedAt).not.toBeNull();
    } finally {
      await database.close();
    }
  });

  it('refuses to enable an account that is not disabled, or an email no account has, and says which', async () => {
    const active = await users(['enable', '--email', 'zhang.san@shop.cn']);
    expect(active.code).toBe(1);
    expect(active.stderr.trim()).toBe('users: zhang.san@shop.cn is not disabled: there is nothing to enable (npm run users -- list shows which are)');
    const unknown = await users(['enable', '--email', 'Wang.Wu@shop.cn']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('users: no account has the email wang.wu@shop.cn');
  });

  it('refuses bad flags and a missing password with exit code 2, before touching any database', async () => {
    const runs = await refused;
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      'users: --role "BOSS": must be ADMIN, OPERATOR, VIEWER',
      'users: --name is required: the person’s name as the screens show it',
      'users: --shops: "shop-1" is not a shop uuid',
      'users: unknown command "remove": add, list, disable or enable',
      'users: list takes no --email',
      'users: --email is required: the account’s email address',
      'users: enable takes no --role',
      'users: no password: set PEAKOPS_PASSWORD, or run this in a terminal to be asked for it',
    ]);
    for (const run of runs) expect(run.stderr).toContain('usage: npm run users -- add --email <email>');
    expect(existsSync(untouched)).toBe(false);
  });
});
