import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { apiKeys } from '../modules/api-key/api-key.table.js';
import { sessions, users } from '../modules/user/user.table.js';
import { revokedAmong, startRevocationSweep } from './revocation-sweep.js';

const LATER = new Date('2099-01-01T00:00:00Z');

describeEachBackend('credentials checked again behind the notices', (backend) => {
  async function credentials() {
    const db = backend().db;
    const [key, goneKey, standingKey] = await db
      .insert(apiKeys)
      .values(['revoked', 'deleted', 'standing'].map((name) => ({ name, prefix: `pk_${name}`, secretHash: `hash-${name}-${Math.random()}`, scopes: ['READ' as const], createdBy: 'test' })))
      .returning({ id: apiKeys.id });
    const [user, disabled] = await db
      .insert(users)
      .values(['ops', 'gone'].map((name) => ({ email: `${name}-${Math.random()}@example.com`, name, role: 'OPERATOR' as const, passwordHash: 'x' })))
      .returning({ id: users.id });
    const [session, revokedSession] = await db
      .insert(sessions)
      .values(['a', 'b'].map((tag) => ({ userId: user!.id, refreshHash: `${tag}-${Math.random()}`, expiresAt: LATER })))
      .returning({ id: sessions.id });
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key!.id));
    await db.delete(apiKeys).where(eq(apiKeys.id, goneKey!.id));
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled!.id));
    await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, revokedSession!.id));
    return { key: key!.id, goneKey: goneKey!.id, standingKey: standingKey!.id, user: user!.id, disabled: disabled!.id, session: session!.id, revokedSession: revokedSession!.id };
  }

  it('names the revoked and deleted keys, the revoked sessions and the disabled users, and nothing that stands', async () => {
    const c = await credentials();
    const held = [`key:${c.key}`, `key:${c.goneKey}`, `key:${c.standingKey}`, `session:${c.session}`, `user:${c.user}`, `session:${c.revokedSession}`, `user:${c.disabled}`];
    expect((await revokedAmong(backend().db, held)).sort()).toEqual([`key:${c.key}`, `key:${c.goneKey}`, `session:${c.revokedSession}`, `user:${c.disabled}`].sort());
    expect(await revokedAmong(backend().db, [])).toEqual([]);
    // An id no row could have stands for nothing, and does not stop the others from being checked.
    expect(await revokedAmong(backend().db, ['key:not-a-uuid', `key:${c.standingKey}`])).toEqual(['key:not-a-uuid']);
  });

  it('keeps sweeping after sweeps that found no socket open (a fresh instance before its screens reconnect)', async () => {
    const c = await credentials();
    const revoked: string[][] = [];
    let held: string[] = [];
    const sweep = startRevocationSweep({ db: backend().db, logger: pino({ level: 'silent' }), everyMs: 20, held: () => held, revoke: (ids) => revoked.push(ids) });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // several empty sweeps
      held = [`key:${c.key}`];
      await expect.poll(() => revoked.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(revoked[0]).toEqual([`key:${c.key}`]);
    } finally {
      await sweep.stop();
    }
  });

  it('revokes what it finds on its own timer, and reports itself unhealthy after failing several sweeps in a row', async () => {
    const c = await credentials();
    const revoked: string[][] = [];
    let held = [`key:${c.standingKey}`, `key:${c.key}`];
    const sweep = startRevocationSweep({ db: backend().db, logger: pino({ level: 'silent' }), everyMs: 20, held: () => held, revoke: (ids) => revoked.push(ids) });
    try {
      await expect.poll(() => revoked.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(revoked[0]).toEqual([`key:${c.key}`]);
      expect(sweep.healthy()).toBe(true);
      // The keys cannot be read: the sweep says so instead of only logging, and recovers with them.
      held = [`key:${c.standingKey}`];
      await backend().db.execute(sql`alter table api_keys rename to api_keys_away`);
      try {
        await expect.poll(() => sweep.healthy(), { timeout: 10_000 }).toBe(false);
      } finally {
        await backend().db.execute(sql`alter table api_keys_away rename to api_keys`);
      }
      await expect.poll(() => sweep.healthy(), { timeout: 10_000 }).toBe(true);
      expect(revoked.flat()).not.toContain(`key:${c.standingKey}`); // a failed sweep revokes nothing
    } finally {
      sweep.stop();
    }
  });
});
