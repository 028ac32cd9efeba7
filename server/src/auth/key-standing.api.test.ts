import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { CREDENTIAL_RECHECK_MS } from './authenticator.js';

const PASSWORD = 'correct horse battery staple 9';
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret userErrors { code message } } }`;
const SHOPS = '{ shops(first: 10) { edges { node { name } } } }';

describeEachBackend('a key stands only while whoever made it does', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  let clock: Date;
  const clients: Client[] = [];

  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    clock = new Date('2026-06-01T09:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await server.stop();
  });

  async function keyMadeBy(headers: Record<string, string>, input: Record<string, unknown>) {
    const made = await server.gql(CREATE_KEY, { input: { name: 'made below', scopes: ['READ'], ...input } }, headers);
    expect(made.data.createApiKey.userErrors).toEqual([]);
    return { id: made.data.createApiKey.apiKey.id as string, headers: bearer(made.data.createApiKey.secret as string) };
  }

  async function staff(role: 'OPERATOR' | 'VIEWER', shopIds: string[]) {
    const email = `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.cn`;
    const created = await server.gql(`mutation ($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { code } } }`, {
      i: { email, name: role, role, password: PASSWORD, shopIds: shopIds.map((id) => gid('Shop', id)) },
    });
    const signedIn = await server.gql(`mutation ($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken } }`, { e: email, p: PASSWORD }, { authorization: '' });
    return { id: created.data.createUser.user.id as string, headers: bearer(signedIn.data.signIn.accessToken as string) };
  }

  const shopNames = async (headers: Record<string, string>) => {
    const answer = await server.gql(SHOPS, {}, headers);
    expect(answer.errors).toBeUndefined();
    return (answer.data.shops.edges as { node: { name: string } }[]).map((e) => e.node.name).sort();
  };

  /** A live subscription held by `headers`' credential; resolves with the socket's close code. */
  function socketOf(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const client = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        connectionParams: { authorization: headers.authorization },
        onNonLazyError: () => {}, // the close below is what the test waits for
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      clients.push(client);
      client.subscribe({ query: 'subscription { liveMetrics(scope: {}) { sequence } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
  }

  it('a key made by a key stops, request and socket, when the key above it is revoked', async () => {
    const parentSecret = await server.createKey({ name: 'partner', shopIds: [shopA], scopes: ['READ', 'MANAGE'] });
    const parent = bearer(parentSecret);
    const child = await keyMadeBy(parent, {});
    expect(await shopNames(child.headers)).toEqual(['甲店']);
    const closed = socketOf(child.headers);

    const parentId = (await server.gql('{ apiKeys { id name } }')).data.apiKeys.find((k: { name: string }) => k.name === 'partner').id;
    const revoked = await server.gql(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }`, { id: parentId });
    expect(revoked.data.revokeApiKey.userErrors).toEqual([]);

    expect((await server.post(SHOPS, {}, parent)).status).toBe(401);
    // At once, not after the credential cache's recheck: the revocation names every key below it.
    expect((await server.post(SHOPS, {}, child.headers)).status).toBe(401);
    expect(await closed).toBe(4403);
  });

  it("a staff member's key stops when they are disabled: a departed employee keeps nothing through the keys they made", async () => {
    const operator = await staff('OPERATOR', [shopA]);
    const key = await keyMadeBy(operator.headers, { scopes: ['READ'] });
    expect(await shopNames(key.headers)).toEqual(['甲店']);

    const disabled = await server.gql(`mutation ($id: ID!) { disableUser(input: { id: $id }) { userErrors { code } } }`, { id: operator.id });
    expect(disabled.data.disableUser.userErrors).toEqual([]);
    expect((await server.post(SHOPS, {}, operator.headers)).status).toBe(401);
    expect((await server.post(SHOPS, {}, key.headers)).status).toBe(401);
  });

  it('a creator narrowed to fewer shops or a lower role narrows the keys below it, once the credential is checked again', async () => {
    const operator = await staff('OPERATOR', [shopA, shopB]);
    const key = await keyMadeBy(operator.headers, { scopes: ['READ', 'MANAGE'] });
    expect(await shopNames(key.headers)).toEqual(['乙店', '甲店']);

    const narrowed = await server.gql(`mutation ($i: UpdateUserInput!) { updateUser(input: $i) { userErrors { code } } }`, {
      i: { id: operator.id, role: 'VIEWER', shopIds: [gid('Shop', shopA)] },
    });
    expect(narrowed.data.updateUser.userErrors).toEqual([]);
    clock = new Date(clock.getTime() + CREDENTIAL_RECHECK_MS + 1_000);

    expect(await shopNames(key.headers)).toEqual(['甲店']);
    // MANAGE was the operator's; a VIEWER's key may only read.
    const managed = await server.gql(`mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { userErrors { code } } }`, {
      i: { name: '双12', shopIds: [gid('Shop', shopA)], startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '1000.00' },
    }, key.headers);
    expect(managed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = (await server.gql('{ viewer { permissions } }', {}, key.headers)).data.viewer;
    expect(viewer.permissions).toEqual(['READ']);
  });

  it('a key made by the admin key, and one whose maker is untouched, stand as before', async () => {
    const partner = bearer(await server.createKey({ name: 'partner', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }));
    const child = await keyMadeBy(partner, {});
    const operator = await staff('OPERATOR', [shopB]);
    const staffKey = await keyMadeBy(operator.headers, {});
    clock = new Date(clock.getTime() + CREDENTIAL_RECHECK_MS + 1_000);
    expect(await shopNames(partner)).toEqual(['甲店']);
    expect(await shopNames(child.headers)).toEqual(['甲店']);
    expect(await shopNames(staffKey.headers)).toEqual(['乙店']);
  });
});
