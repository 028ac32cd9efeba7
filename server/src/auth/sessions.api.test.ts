import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import * as tables from '../db/tables.js';
import { MINUTE_MS } from '../lib/time.js';
import { SIGN_IN_POLICY } from '../modules/user/user.service.js';

const PASSWORD = '双11-war-room-2026!';
const SIGN_IN = `mutation ($email: String!, $password: String!) {
  signIn(input: { email: $email, password: $password }) { accessToken expiresAt refreshToken session { user { email role } } userErrors { code message } }
}`;
const REFRESH = `mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken userErrors { code } } }`;
const anonymous = { authorization: '' };

describeEachBackend('staff sign-in and sessions', (backend) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(backend());
    const created = await server.gql(
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { email role } userErrors { field code } } }`,
      { input: { email: 'Li.Lei@Shop.cn', name: '李雷', role: 'OPERATOR', password: PASSWORD } },
    );
    expect(created.data.createUser).toEqual({ user: { email: 'li.lei@shop.cn', role: 'OPERATOR' }, userErrors: [] });
  });
  afterEach(() => server.stop());

  const signIn = (email: string, password: string) => server.gql(SIGN_IN, { email, password }, anonymous);

  it('answers 401 UNAUTHENTICATED with no data to a request without a credential, or with a wrong one', async () => {
    for (const headers of [anonymous, bearer('pk_not-a-key'), bearer('eyJhbGciOiJIUzI1NiJ9.e30.x')]) {
      const response = await server.post('{ shops { totalCount } }', {}, headers);
      expect(response.status).toBe(401);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    // SSE takes the same header: a stream without it is refused the same way.
    const sse = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { liveMetrics(scope: {}) { sequence } }' }),
    });
    expect(sse.status).toBe(401);
    await sse.body?.cancel();
    // Liveness and readiness stay open for load balancers.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });

  it('signs in case-insensitively, and the access token says who is calling', async () => {
    const result = await signIn('li.lei@shop.cn', PASSWORD);
    const session = result.data.signIn;
    expect(session.userErrors).toEqual([]);
    expect(session.session.user).toEqual({ email: 'li.lei@shop.cn', role: 'OPERATOR' });
    const lifetime = new Date(session.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    const viewer = await server.gql('{ viewer { kind name role allShops permissions } }', {}, bearer(session.accessToken));
    expect(viewer.data.viewer).toEqual({ kind: 'USER', name: '李雷', role: 'OPERATOR', allShops: true, permissions: ['READ', 'MANAGE'] });
  });

  it('rotates refresh tokens, and a refresh token used twice ends the whole session', async () => {
    const first = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    const second = (await server.gql(REFRESH, { t: first.refreshToken }, anonymous)).data.refreshSession;
    expect(second.userErrors).toEqual([]);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await server.gql('{ viewer { kind } }', {}, bearer(second.accessToken))).data.viewer.kind).toBe('USER');
    // The old token again: somebody copied it. Both the thief's and the owner's session end.
    const replay = (await server.gql(REFRESH, { t: first.refreshToken }, anonymous)).data.refreshSession;
    expect(replay).toEqual({ accessToken: null, refreshToken: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
    const owner = (await server.gql(REFRESH, { t: second.refreshToken }, anonymous)).data.refreshSession;
    expect(owner.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
    expect((await server.post('{ viewer { kind } }', {}, bearer(second.accessToken))).status).toBe(401);
  });

  it('keeps staff signed in across a rolling rotation of PEAKOPS_JWT_SECRET: a rolled instance accepts the old secret\'s tokens, signs with the new one', async () => {
    const [oldSecret, newSecret] = ['old-rotation-secret-0123456789abcdef', 'new-rotation-secret-0123456789abcdef'];
    const notYetRolled = await startTestServer(backend(), { jwtSecret: oldSecret });
    const rolled = await startTestServer(backend(), { jwtSecret: newSecret, jwtSecretPrevious: oldSecret });
    const unrelated = await startTestServer(backend(), { jwtSecret: 'another-deployment-secret-0123456789ab' });
    try {
      const before = (await notYetRolled.gql(SIGN_IN, { email: 'li.lei@shop.cn', password: PASSWORD }, anonymous)).data.signIn.accessToken as string;
      expect((await rolled.gql('{ viewer { name } }', {}, bearer(before))).data.viewer.name).toBe('李雷');
      expect((await unrelated.post('{ viewer { name } }', {}, bearer(before))).status).toBe(401);
      // New tokens: the new secret's, which the instances are left with once PREVIOUS is dropped.
      const after = (await rolled.gql(SIGN_IN, { email: 'li.lei@shop.cn', password: PASSWORD }, anonymous)).data.signIn.accessToken as string;
      const done = await startTestServer(backend(), { jwtSecret: newSecret });
      try {
        expect((await done.gql('{ viewer { name } }', {}, bearer(after))).data.viewer.name).toBe('李雷');
      } finally {
        await done.stop();
      }
    } finally {
      for (const one of [notYetRolled, rolled, unrelated]) await one.stop();
    }
  });

  it('signs out: the access token and the refresh token stop working at once', async () => {
    const session = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    const out = await server.gql('mutation { signOut { userErrors { code } } }', {}, bearer(session.accessToken));
    expect(out.data.signOut.userErrors).toEqual([]);
    expect((await server.post('{ viewer { kind } }', {}, bearer(session.accessToken))).status).toBe(401);
    expect((await server.gql(REFRESH, { t: session.refreshToken }, anonymous)).data.refreshSession.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
  });

  it(`locks the account after ${SIGN_IN_POLICY.lockAfter} wrong passwords, even for the right one, and says until when`, async () => {
    for (let i = 0; i < SIGN_IN_POLICY.lockAfter; i++) {
      expect((await signIn('li.lei@shop.cn', 'wrong password!!')).data.signIn.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    }
    const locked = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    expect(locked.accessToken).toBeNull();
    expect(locked.userErrors[0]).toMatchObject({ code: 'LOCKED', message: expect.stringMatching(/try again after \d{4}-/) });
    // An unknown email gets the same answer as a wrong password: no account enumeration.
    expect((await signIn('nobody@shop.cn', PASSWORD)).data.signIn.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS', message: 'email or password is wrong' }]);
  }, 30_000);

  it(`checks no more than ${SIGN_IN_POLICY.lockAfter} guesses of a burst sent at once, and the lock holds its full time after it`, async () => {
    let clock = new Date('2026-11-11T01:00:00Z');
    await server.stop();
    server = await startTestServer(backend(), { now: () => clock });
    const burst = await Promise.all(Array.from({ length: 12 }, () => signIn('li.lei@shop.cn', 'wrong password!!')));
    const codes = burst.map((result) => result.data.signIn.userErrors[0].code as string).sort();
    // Only the guesses checked against the password answer INVALID_CREDENTIALS; the rest were refused unchecked.
    const checked = SIGN_IN_POLICY.lockAfter;
    expect(codes).toEqual([...Array<string>(checked).fill('INVALID_CREDENTIALS'), ...Array<string>(burst.length - checked).fill('LOCKED')]);

    const lockEnds = new Date(clock.getTime() + SIGN_IN_POLICY.lockMinutes * MINUTE_MS);
    clock = new Date(lockEnds.getTime() - 1_000);
    const locked = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    expect(locked.accessToken).toBeNull();
    expect(locked.userErrors).toEqual([{ code: 'LOCKED', message: `too many failed sign-ins; try again after ${lockEnds.toISOString()}` }]);
    clock = lockEnds;
    const after = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    expect(after.userErrors).toEqual([]);
    expect(after.session.user).toEqual({ email: 'li.lei@shop.cn', role: 'OPERATOR' });
  }, 30_000);

  it('a disabled user is signed out everywhere and cannot sign in again', async () => {
    const session = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    const users = await server.gql('{ users { id email } }');
    const id = users.data.users.find((u: { email: string }) => u.email === 'li.lei@shop.cn').id;
    const disabled = await server.gql(`mutation ($id: ID!) { disableUser(input: { id: $id }) { user { disabled } userErrors { code } } }`, { id });
    expect(disabled.data.disableUser).toEqual({ user: { disabled: true }, userErrors: [] });
    expect((await server.post('{ viewer { kind } }', {}, bearer(session.accessToken))).status).toBe(401);
    expect((await signIn('li.lei@shop.cn', PASSWORD)).data.signIn.userErrors[0].code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a short password, a duplicate email and a bad role with field paths, storing nothing', async () => {
    const result = await server.gql(
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code } } }`,
      { input: { email: 'LI.LEI@shop.cn', name: '李雷二号', role: 'VIEWER', password: 'short' } },
    );
    expect(result.data.createUser.userErrors).toEqual([{ field: ['input', 'password'], code: 'INVALID_INPUT' }]);
    const duplicate = await server.gql(
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code } } }`,
      { input: { email: 'LI.LEI@shop.cn', name: '李雷二号', role: 'VIEWER', password: PASSWORD } },
    );
    expect(duplicate.data.createUser.userErrors).toEqual([{ field: ['input', 'email'], code: 'CONFLICT' }]);
    expect((await server.gql('{ users { email } }')).data.users).toEqual([{ email: 'li.lei@shop.cn' }]);
  });

  it('keeps an ADMIN over every shop: a grant of some shops is refused on create and update, and an old row counts as all', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '甲店');
    const CREATE = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code message } } }`;
    const UPDATE = `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { user { role } userErrors { field code } } }`;
    const input = { email: 'han.meimei@shop.cn', name: '韩梅梅', password: PASSWORD };
    // An ADMIN lists every user and every key and could create an all-shops account: some shops would limit nothing.
    const admin = await server.gql(CREATE, { input: { ...input, role: 'ADMIN', shopIds: [gid('Shop', shop.id)] } });
    expect(admin.data.createUser.userErrors).toEqual([{ field: ['input', 'shopIds'], code: 'INVALID_INPUT', message: expect.stringContaining('every shop') }]);
    expect((await server.gql('{ users { email } }')).data.users).toEqual([{ email: 'li.lei@shop.cn' }]);

    const operator = await server.gql(CREATE, { input: { ...input, role: 'OPERATOR', shopIds: [gid('Shop', shop.id)] } });
    const id = operator.data.createUser.user.id;
    expect((await server.gql(UPDATE, { input: { id, role: 'ADMIN' } })).data.updateUser).toEqual({ user: null, userErrors: [{ field: ['input', 'role'], code: 'INVALID_INPUT' }] });
    expect((await server.gql('{ users { email role } }')).data.users).toContainEqual({ email: 'han.meimei@shop.cn', role: 'OPERATOR' });
    expect((await server.gql(UPDATE, { input: { id, role: 'ADMIN', shopIds: null } })).data.updateUser).toEqual({ user: { role: 'ADMIN' }, userErrors: [] });

    // A row written before the rule: signing in gives every shop.
    await db.execute(sql`update users set shop_ids = ${`{${shop.id}}`}::uuid[] where email = 'han.meimei@shop.cn'`);
    const session = (await signIn('han.meimei@shop.cn', PASSWORD)).data.signIn;
    expect((await server.gql('{ viewer { role allShops } }', {}, bearer(session.accessToken))).data.viewer).toEqual({ role: 'ADMIN', allShops: true });
    // …and it can still be renamed; only a change of its role or shops must leave it over every shop.
    expect((await server.gql(`mutation ($input: UpdateUserInput!) { updateUser(input: $input) { user { name } userErrors { code } } }`, { input: { id, name: '韩梅梅（管理员）' } })).data.updateUser).toEqual({
      user: { name: '韩梅梅（管理员）' },
      userErrors: [],
    });
  });

  it('keeps no password, key secret or refresh token in plain text in any table', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '甲店');
    const session = (await signIn('li.lei@shop.cn', PASSWORD)).data.signIn;
    const secret = await server.createKey({ shopIds: [shop.id], scopes: ['READ'] });
    const secrets = [PASSWORD, secret, secret.slice(11), session.refreshToken, session.accessToken, server.adminKey];
    for (const table of Object.values(tables)) {
      if (!is(table, PgTable)) continue;
      const rows = await db.execute(sql.raw(`select * from "${getTableName(table)}"`));
      const text = JSON.stringify(rows);
      for (const s of secrets) expect(text, `${getTableName(table)} holds a secret`).not.toContain(s);
    }
  });
});
