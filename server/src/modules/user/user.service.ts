import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AccessTokenSigner } from '../../auth/access-token.js';
import { DUMMY_PASSWORD_HASH, hashPassword, newRefreshToken, sha256, verifyPassword } from '../../auth/secrets.js';
import { SYSTEM, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { DomainError, InputErrors, notFound, type Words } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { parseInput, text } from '../../lib/validate.js';
import { revokeKeysMintedBy } from '../api-key/api-key.service.js';
import { assertShopsVisible } from '../shop/shop.service.js';
import { ROLES, sessions, users, type UserRow } from './user.table.js';
import { HOUR_MS, MINUTE_MS, shanghaiDateTime } from '../../lib/time.js';

/**
 * Sign-in policy: after LOCK_AFTER consecutive failures the account is locked for LOCK_MINUTES; before
 * that, each failure past the second answers more slowly (250 ms, 500 ms, 1 s …), so guessing costs
 * time even below the lock. A success resets the count.
 */
export const SIGN_IN_POLICY = { lockAfter: 5, lockMinutes: 15, slowDownFromFailure: 3, baseDelayMs: 250 } as const;
/** Refresh tokens live 12 hours from their last use: a war-room shift, renewed while the screen is open. */
export const REFRESH_TTL_MS = 12 * HOUR_MS;

/** Announces revoked sessions, users or keys to every instance (sockets close, caches forget). */
export type AnnounceRevoked = (ids: string[]) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const email = z.string().trim().toLowerCase().email(said('must be an email address', '必须是邮箱地址')).max(200);
/** At least 12 characters: length beats composition rules (NIST SP 800-63B). */
const password = z.string().min(12, said('must be at least 12 characters', '至少 12 个字符')).max(200);
const shopIds = z.array(z.string().uuid()).max(1000).nullish();

/**
 * ADMIN is over every shop: it lists every user, the whole audit trail and anyone's keys, and could create
 * an all-shops account, so a grant of some shops would limit nothing that matters.
 */
const ADMIN_OVER_ALL_SHOPS: Words = {
  en: 'an ADMIN covers every shop: leave shopIds out on create, set it to null on update',
  zh: 'ADMIN 覆盖全部店铺：创建时不要填写 shopIds，更新时请将其设为 null',
};
const CreateUserInput = z.object({ email, name: text(100), role: z.enum(ROLES), password, shopIds }).refine((u) => u.role !== 'ADMIN' || u.shopIds == null, {
  path: ['shopIds'],
  message: said(ADMIN_OVER_ALL_SHOPS.en, ADMIN_OVER_ALL_SHOPS.zh),
});
const UpdateUserInput = z.object({
  id: z.string().uuid(),
  name: text(100).nullish(),
  role: z.enum(ROLES).nullish(),
  password: password.nullish(),
  /** Explicit null means every shop; omitted means unchanged. */
  shopIds: z.array(z.string().uuid()).max(1000).nullable().optional(),
  /** False enables a disabled account again, true disables it (as disableUser); omitted or null: unchanged. */
  disabled: z.boolean().nullish(),
});

export async function createUser(db: DbOrTx, input: unknown): Promise<UserRow> {
  const data = parseInput(CreateUserInput, input);
  if (data.shopIds) await assertShopsExist(db, data.shopIds);
  try {
    const [row] = await db
      .insert(users)
      .values({ email: data.email, name: data.name, role: data.role, shopIds: data.shopIds ?? null, passwordHash: await hashPassword(data.password) })
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) {
      // An email stays with its account (the audit trail and the keys it minted name it): a disabled one is enabled again.
      const [holder] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.email, data.email));
      const words: Words = holder?.disabledAt
        ? { en: 'this email belongs to an existing account that is disabled: enable that account again instead', zh: '此邮箱属于一个已停用的账号：请重新启用该账号，不要新建' }
        : { en: 'a user with this email already exists', zh: '已有用户使用此邮箱' };
      throw new DomainError('CONFLICT', words, ['input', 'email']);
    }
    throw error;
  }
}

/** A grant of shops that do not exist would sign in to an account that sees nothing, without a word. */
function assertShopsExist(db: DbOrTx, shopIds: readonly string[]) {
  // Only an ADMIN manages users, and an ADMIN is over every shop: every shop that exists is visible to SYSTEM alike.
  return assertShopsVisible(db, SYSTEM, shopIds, ['input', 'shopIds']);
}

/**
 * Changes an account. `disabled: false` enables a disabled one again without bringing back anything the disable
 * ended: its sessions stay revoked (the person signs in again) and the keys it minted, which stopped standing
 * with it, are revoked (key-standing.ts). `disabled: true` disables as disableUser does.
 */
export async function updateUser(db: DbOrTx, input: unknown, announce: AnnounceRevoked, now: Date): Promise<UserRow> {
  const data = parseInput(UpdateUserInput, input);
  if (data.shopIds) await assertShopsExist(db, data.shopIds);
  const changes: Partial<typeof users.$inferInsert> = { updatedAt: now };
  if (data.name) changes.name = data.name;
  if (data.role) changes.role = data.role;
  if (data.password) changes.passwordHash = await hashPassword(data.password);
  if (data.shopIds !== undefined) changes.shopIds = data.shopIds;
  const { row, revoked } = await db.transaction(async (tx) => {
    // Locked and read first: whether this call enables or disables is decided on the state it changes.
    const [before] = await tx.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, data.id)).for('update');
    if (!before) throw notFound('User', ['input', 'id']);
    const enabling = data.disabled === false && before.disabledAt !== null;
    const disabling = data.disabled === true && before.disabledAt === null;
    if (enabling || disabling) changes.disabledAt = disabling ? now : null;
    const [updated] = await tx.update(users).set(changes).where(eq(users.id, data.id)).returning();
    if (!updated) throw notFound('User', ['input', 'id']);
    // Checked on the row as it would stand, so that neither the role nor the shops alone can make it so;
    // only when one of them changes, so an ADMIN stored with shops before the rule can still be renamed.
    const grantChanges = data.role != null || data.shopIds !== undefined;
    if (grantChanges && updated.role === 'ADMIN' && updated.shopIds !== null) {
      throw new DomainError('INVALID_INPUT', ADMIN_OVER_ALL_SHOPS, ['input', data.shopIds !== undefined ? 'shopIds' : 'role']);
    }
    if (disabling) await endSessions(tx, updated.id, now);
    return { row: updated, revoked: enabling ? await revokeKeysMintedBy(tx, updated.id, now) : [] };
  });
  // New rights (or a new password) apply at once: cached credentials of this user are forgotten.
  announce([`user:${row.id}`, ...revoked]);
  return row;
}

function endSessions(tx: DbOrTx, userId: string, now: Date) {
  return tx.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/** Disabling ends every session of the user now, on every instance. */
export async function disableUser(db: DbOrTx, id: string, announce: AnnounceRevoked, now: Date): Promise<UserRow> {
  const row = await db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ disabledAt: now, updatedAt: now }).where(eq(users.id, id)).returning();
    if (!user) throw notFound('User', ['input', 'id']);
    await endSessions(tx, id, now);
    return user;
  });
  announce([`user:${row.id}`]);
  return row;
}

export function listUsers(db: DbOrTx): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.email));
}

/** ADMIN may load anyone; everyone else only their own account. */
export function loadUsers(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<UserRow[]> {
  const allowed = viewer.permissions.has('ADMIN') ? [...ids] : ids.filter((id) => viewer.id === `user:${id}`);
  if (allowed.length === 0) return Promise.resolve([]);
  return db.select().from(users).where(inArray(users.id, allowed));
}

export interface SessionTokens {
  user: UserRow;
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

const SignInInput = z.object({ email: z.string().trim().toLowerCase().max(200), password: z.string().max(200) });

const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', { en: 'email or password is wrong', zh: '邮箱或密码错误' }, null);
/** Same code as a failed sign-in (a client signs in again either way), but it says which credential failed. */
const invalidRefreshToken = () =>
  new DomainError(
    'INVALID_CREDENTIALS',
    { en: 'the refresh token is not valid (expired, revoked, already used or unknown): sign in again', zh: '刷新令牌无效（已过期、已撤销、已用过或不存在），请重新登录' },
    ['input', 'refreshToken'],
  );

export async function signIn(
  db: DbOrTx,
  signer: AccessTokenSigner,
  input: unknown,
  context: { now: Date; sourceAddress: string | null },
): Promise<SessionTokens> {
  const { email: address, password: given } = parseInput(SignInInput, input);
  const { now } = context;
  // The attempt is counted as a failure before the password is checked, and refused while the account is
  // locked, in one statement: guesses sent at once cannot all read "not locked" during the slow hash, so
  // no more than lockAfter of them are checked per lock. A correct password then resets the count.
  const [reserved] = await db
    .update(users)
    .set({
      failedSignIns: sql`${users.failedSignIns} + 1`,
      lockedUntil: sql`case when ${users.failedSignIns} + 1 >= ${SIGN_IN_POLICY.lockAfter}
        then ${new Date(now.getTime() + SIGN_IN_POLICY.lockMinutes * MINUTE_MS).toISOString()}::timestamptz else null end`,
    })
    .where(and(eq(users.email, address), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
    .returning();
  if (!reserved) {
    const [user] = await db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.email, address));
    if (!user) {
      // Same work as for a real account, so the answer's timing does not reveal which emails exist.
      await verifyPassword(given, DUMMY_PASSWORD_HASH);
      throw invalidCredentials();
    }
    // Null only if a correct password checked before the lock has reset it since: the lock is already over.
    const until = user.lockedUntil ?? now;
    throw new DomainError(
      'LOCKED',
      { en: `too many failed sign-ins; try again after ${until.toISOString()}`, zh: `登录失败次数过多，请在 ${shanghaiDateTime(until)}（北京时间）之后再试` },
      null,
    );
  }
  const ok = !reserved.disabledAt && (await verifyPassword(given, reserved.passwordHash));
  if (!ok) {
    const failures = reserved.failedSignIns;
    if (failures >= SIGN_IN_POLICY.slowDownFromFailure) {
      await sleep(SIGN_IN_POLICY.baseDelayMs * 2 ** Math.min(failures - SIGN_IN_POLICY.slowDownFromFailure, 4));
    }
    throw invalidCredentials();
  }
  const refreshToken = newRefreshToken();
  const refreshExpiresAt = new Date(now.getTime() + REFRESH_TTL_MS);
  const { user, session } = await db.transaction(async (tx) => {
    // Also lifts a lock that guesses reserved after this attempt have set meanwhile: this attempt was one of
    // the lockAfter the policy lets through, and whoever holds the password gains nothing from guessing.
    const [user] = await tx.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, reserved.id)).returning();
    const [row] = await tx
      .insert(sessions)
      .values({ userId: reserved.id, refreshHash: sha256(refreshToken), expiresAt: refreshExpiresAt, sourceAddress: context.sourceAddress })
      .returning();
    return { user: user!, session: row! };
  });
  const access = await signer.sign({ userId: user.id, sessionId: session.id }, now);
  return { user, accessToken: access.token, expiresAt: access.expiresAt, refreshToken, refreshExpiresAt };
}

const RefreshInput = z.object({ refreshToken: z.string().min(1).max(200) });

/**
 * Swaps a refresh token for a new pair. A token that was already swapped coming back means two parties
 * hold it (it was stolen): the whole session is revoked, which signs out the thief and the owner alike.
 */
export async function refreshSession(
  db: DbOrTx,
  signer: AccessTokenSigner,
  input: unknown,
  context: { now: Date; announce: AnnounceRevoked },
): Promise<SessionTokens> {
  const { refreshToken: presented } = parseInput(RefreshInput, input);
  const { now } = context;
  const hash = sha256(presented);
  const refreshToken = newRefreshToken();
  const refreshExpiresAt = new Date(now.getTime() + REFRESH_TTL_MS);
  const rotated = await db
    .update(sessions)
    .set({ refreshHash: sha256(refreshToken), previousRefreshHash: hash, expiresAt: refreshExpiresAt, refreshedAt: now })
    .where(and(eq(sessions.refreshHash, hash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning();
  const session = rotated[0];
  if (!session) {
    const [reused] = await db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.previousRefreshHash, hash), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    if (reused) context.announce([`session:${reused.id}`]);
    throw invalidRefreshToken();
  }
  const [user] = await db.select().from(users).where(eq(users.id, session.userId));
  if (!user || user.disabledAt) throw invalidRefreshToken();
  const access = await signer.sign({ userId: user.id, sessionId: session.id }, now);
  return { user, accessToken: access.token, expiresAt: access.expiresAt, refreshToken, refreshExpiresAt };
}

/** Ends the caller's own session (its refresh token and, on every instance, its open sockets). */
export async function signOut(db: DbOrTx, viewer: Viewer, announce: AnnounceRevoked, now: Date): Promise<boolean> {
  const sessionId = viewer.revocationIds?.find((id) => id.startsWith('session:'))?.slice('session:'.length);
  if (viewer.kind !== 'USER' || !sessionId) {
    throw new InputErrors([
      {
        field: null,
        message: 'only a signed-in staff session can sign out; revoke a key instead',
        messageZh: '只有已登录的员工会话才能退出登录；API 密钥请改为吊销',
        code: 'INVALID_INPUT',
      },
    ]);
  }
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
  announce([`session:${sessionId}`]);
  return true;
}
