import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const PASSWORD = '双11-war-room-2026!';
const SIGN_IN = `mutation ($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken refreshToken userErrors { code } } }`;
const REFRESH = `mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken userErrors { code } } }`;
const UPDATE = `mutation ($input: UpdateUserInput!) { updateUser(input: $input) { user { disabled } userErrors { field code } } }`;
const DISABLE = `mutation ($id: ID!) { disableUser(input: { id: $id }) { user { disabled } userErrors { code } } }`;
const CREATE = `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code message messageZh: message(locale: ZH_CN) } } }`;
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }`;
const SHOPS = '{ shops(first: 10) { totalCount } }';
const anonymous = { authorization: '' };

describeEachBackend('a disabled staff account enabled again (updateUser disabled: false)', (backend) => {
  let server: TestServer;
  let shop: string;
  let liLei: string;
  const EMAIL = 'li.lei@shop.cn';

  beforeEach(async () => {
    shop = (await insertShop(backend().db, '甲店')).id;
    server = await startTestServer(backend());
    const created = await server.gql(CREATE, { input: { email: EMAIL, name: '李雷', role: 'OPERATOR', password: PASSWORD, shopIds: [gid('Shop', shop)] } });
    liLei = created.data.createUser.user.id;
  });
  afterEach(() => server.stop());

  const signIn = async (email = EMAIL) => (await server.gql(SIGN_IN, { e: email, p: PASSWORD }, anonymous)).data.signIn as { accessToken: string | null; refreshToken: string | null; userErrors: { code: string }[] };

  it('lets the person sign in again with a new session, while the sessions and keys the disable ended stay dead; the trail records it', async () => {
    const before = await signIn();
    const key = await server.gql(CREATE_KEY, { input: { name: '李雷的报表', scopes: ['READ'] } }, bearer(before.accessToken!));
    expect(key.data.createApiKey.userErrors).toEqual([]);
    const keyHeaders = bearer(key.data.createApiKey.secret);
    expect((await server.post(SHOPS, {}, keyHeaders)).status).toBe(200);

    expect((await server.gql(DISABLE, { id: liLei })).data.disableUser).toEqual({ user: { disabled: true }, userErrors: [] });
    expect((await signIn()).userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);

    expect((await server.gql(UPDATE, { input: { id: liLei, disabled: false } })).data.updateUser).toEqual({ user: { disabled: false }, userErrors: [] });
    const after = await signIn();
    expect(after.userErrors).toEqual([]);
    expect((await server.gql('{ viewer { name } }', {}, bearer(after.accessToken!))).data.viewer).toEqual({ name: '李雷' });
    // What the disable ended stays ended: the old session, by access and by refresh token, and the key minted then.
    expect((await server.post(SHOPS, {}, bearer(before.accessToken!))).status).toBe(401);
    expect((await server.gql(REFRESH, { t: before.refreshToken }, anonymous)).data.refreshSession).toEqual({ accessToken: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
    // It says which credential failed: there is no email or password in a refresh.
    const worded = await server.gql(`mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { userErrors { field message zh: message(locale: ZH_CN) code } } }`, { t: before.refreshToken }, anonymous);
    expect(worded.data.refreshSession.userErrors).toEqual([
      { field: ['input', 'refreshToken'], message: expect.stringContaining('refresh token is not valid'), zh: expect.stringContaining('刷新令牌无效'), code: 'INVALID_CREDENTIALS' },
    ]);
    expect((await server.post(SHOPS, {}, keyHeaders)).status).toBe(401);
    // Enabling an account that is not disabled changes nothing: its new session and keys go on.
    const newKey = await server.gql(CREATE_KEY, { input: { name: '新报表', scopes: ['READ'] } }, bearer(after.accessToken!));
    expect((await server.gql(UPDATE, { input: { id: liLei, disabled: false } })).data.updateUser.userErrors).toEqual([]);
    expect((await server.post(SHOPS, {}, bearer(newKey.data.createApiKey.secret))).status).toBe(200);
    expect((await server.post(SHOPS, {}, bearer(after.accessToken!))).status).toBe(200);

    const trail = await server.gql(`{ auditLog(first: 20) { edges { node { operation outcome input } } } }`);
    const updates = (trail.data.auditLog.edges as { node: { operation: string; outcome: string; input: string } }[]).map((e) => e.node).filter((n) => n.operation === 'updateUser');
    expect(updates.map((n) => [n.outcome, JSON.parse(n.input)])).toEqual([
      ['OK', { input: { id: liLei, disabled: false } }],
      ['OK', { input: { id: liLei, disabled: false } }],
    ]);
  });

  it('disables through updateUser too (disabled: true), ending the sessions as disableUser does', async () => {
    const session = await signIn();
    expect((await server.gql(UPDATE, { input: { id: liLei, disabled: true } })).data.updateUser).toEqual({ user: { disabled: true }, userErrors: [] });
    expect((await server.post(SHOPS, {}, bearer(session.accessToken!))).status).toBe(401);
    expect((await server.gql(REFRESH, { t: session.refreshToken }, anonymous)).data.refreshSession.userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
  });

  it('refuses an OPERATOR enabling an account (ADMIN only, as the rest of user management): it stays disabled', async () => {
    const created = await server.gql(CREATE, { input: { email: 'han.meimei@shop.cn', name: '韩梅梅', role: 'OPERATOR', password: PASSWORD, shopIds: [gid('Shop', shop)] } });
    expect(created.data.createUser.userErrors).toEqual([]);
    const operator = await signIn('han.meimei@shop.cn');
    await server.gql(DISABLE, { id: liLei });
    const refused = await server.gql(UPDATE, { input: { id: liLei, disabled: false } }, bearer(operator.accessToken!));
    expect(refused.data?.updateUser ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await signIn()).userErrors).toEqual([{ code: 'INVALID_CREDENTIALS' }]);
    expect((await server.gql('{ users { email disabled } }')).data.users).toContainEqual({ email: EMAIL, disabled: true });
  });

  it("refuses a new account with a disabled account's email, saying it exists, is disabled and can be enabled again", async () => {
    await server.gql(DISABLE, { id: liLei });
    const again = await server.gql(CREATE, { input: { email: 'LI.LEI@shop.cn', name: '李雷', role: 'OPERATOR', password: PASSWORD } });
    expect(again.data.createUser).toEqual({
      user: null,
      userErrors: [
        {
          field: ['input', 'email'],
          code: 'CONFLICT',
          message: 'this email belongs to an existing account that is disabled: enable that account again instead',
          messageZh: '此邮箱属于一个已停用的账号：请重新启用该账号，不要新建',
        },
      ],
    });
    // An active account's email is refused as before.
    await server.gql(UPDATE, { input: { id: liLei, disabled: false } });
    const taken = await server.gql(CREATE, { input: { email: EMAIL, name: '李雷', role: 'OPERATOR', password: PASSWORD } });
    expect(taken.data.createUser.userErrors).toMatchObject([{ code: 'CONFLICT', message: 'a user with this email already exists' }]);
  });
});
