import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoCreatesAtOnce } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { decodeGlobalUuid } from '../../graphql/node-id.js';
import { MAX_LIVE_API_KEYS_PER_CREATOR } from './api-key.service.js';
import { apiKeys, type ApiKeyScope } from './api-key.table.js';

const CREATE = /* GraphQL */ `
  mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret userErrors { field message code } } }
`;
const CREATE_IN_CHINESE = /* GraphQL */ `
  mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { userErrors { field code messageZh: message(locale: ZH_CN) } } }
`;
const REVOKE = /* GraphQL */ `mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } userErrors { code } } }`;
const LIST = '{ apiKeys { id } }';

const LIMIT_REACHED = {
  field: null,
  message: `a credential keeps at most ${MAX_LIVE_API_KEYS_PER_CREATOR} unrevoked keys; revoke one it no longer needs first`,
  code: 'LIMIT_REACHED',
};

describeEachBackend('API keys', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  const clock = new Date('2026-06-01T09:00:00+08:00');

  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  /** A partner's key over one shop, made by the admin key: its id (as its keys' createdBy names it) and its header. */
  async function partner(shopId: string, scopes: ApiKeyScope[] = ['READ', 'MANAGE']) {
    const created = await server.gql(CREATE, { input: { name: `partner of ${shopId}`, scopes, shopIds: [gid('Shop', shopId)] } });
    const { apiKey, secret } = created.data.createApiKey;
    return { createdBy: `key:${decodeGlobalUuid('ApiKey', apiKey.id)}`, headers: bearer(secret) };
  }

  /** Keys written straight into the table as made by `createdBy`, as months of pipelines and screens would leave. */
  async function fillKeys(createdBy: string, n: number, state: { revokedAt?: Date; expiresAt?: Date } = {}) {
    const rows = Array.from({ length: n }, (_, i) => ({
      name: `filled ${i + 1}`,
      prefix: 'pk_filled',
      secretHash: randomUUID(),
      shopIds: [shopA],
      scopes: ['READ' as const],
      createdBy,
      revokedAt: state.revokedAt ?? null,
      expiresAt: state.expiresAt ?? null,
    }));
    await backend().db.insert(apiKeys).values(rows);
  }

  const create = (headers?: Record<string, string>, input: Record<string, unknown> = {}) =>
    server.gql(CREATE, { input: { name: 'ingest pipeline', scopes: ['READ'], ...input } }, headers);

  async function listed(headers?: Record<string, string>): Promise<{ id: string }[]> {
    const result = await server.gql(LIST, {}, headers);
    expect(result.errors).toBeUndefined();
    return result.data.apiKeys;
  }

  it(`a key makes its ${MAX_LIVE_API_KEYS_PER_CREATOR}th key and is refused one more with LIMIT_REACHED; revoked keys do not count, and revoking frees a slot`, async () => {
    const { createdBy, headers } = await partner(shopA);
    // Expired keys are still listed until revoked, so they count; revoked ones are not, so they do not.
    await fillKeys(createdBy, MAX_LIVE_API_KEYS_PER_CREATOR - 11);
    await fillKeys(createdBy, 10, { expiresAt: new Date('2026-05-01T00:00:00+08:00') });
    await fillKeys(createdBy, 20, { revokedAt: new Date('2026-05-01T00:00:00+08:00') });

    expect((await create(headers)).data.createApiKey.userErrors).toEqual([]);
    const refused = await create(headers, { name: 'one too many' });
    expect(refused.errors).toBeUndefined();
    expect(refused.data.createApiKey).toEqual({ apiKey: null, secret: null, userErrors: [LIMIT_REACHED] });
    const inChinese = await server.gql(CREATE_IN_CHINESE, { input: { name: 'one too many', scopes: ['READ'] } }, headers);
    expect(inChinese.data.createApiKey.userErrors).toEqual([
      { field: null, code: 'LIMIT_REACHED', messageZh: `每个凭证最多保留 ${MAX_LIVE_API_KEYS_PER_CREATOR} 个未吊销的 API 密钥；请先吊销一个不再需要的` },
    ]);
    const mine = await listed(headers);
    expect(mine).toHaveLength(MAX_LIVE_API_KEYS_PER_CREATOR);

    expect((await server.gql(REVOKE, { id: mine[0]!.id }, headers)).data.revokeApiKey.userErrors).toEqual([]);
    expect((await create(headers)).data.createApiKey.userErrors).toEqual([]);
    expect(await listed(headers)).toHaveLength(MAX_LIVE_API_KEYS_PER_CREATOR);
    // Another creator has its own room.
    expect((await create((await partner(shopB)).headers)).data.createApiKey.userErrors).toEqual([]);
  });

  it('two keys made at once with room for one: exactly one is made', async () => {
    const { createdBy, headers } = await partner(shopA);
    await fillKeys(createdBy, MAX_LIVE_API_KEYS_PER_CREATOR - 1);
    // The partner's first request stamps its lastUsedAt (an UPDATE of api_keys, at most once a minute); done
    // before the table is held, so that only the two creates wait on it.
    await listed(headers);
    const partnerId = createdBy.slice('key:'.length);
    await expect.poll(async () => (await backend().db.select().from(apiKeys).where(eq(apiKeys.id, partnerId)))[0]?.lastUsedAt).not.toBeNull();

    const results = await twoCreatesAtOnce(backend(), 'api_keys', () => create(headers, { name: '甲' }), () => create(headers, { name: '乙' }));
    const errors = results.map((r) => r.data.createApiKey.userErrors);
    expect(errors.filter((e) => e.length === 0)).toHaveLength(1);
    expect(errors.filter((e) => e.length > 0)).toEqual([[LIMIT_REACHED]]);
    expect(await listed(headers)).toHaveLength(MAX_LIVE_API_KEYS_PER_CREATOR);
  });

  it('at the cap, a key asking beyond its shops and a read-only key are refused as before, without word of the cap', async () => {
    const manager = await partner(shopA);
    await fillKeys(manager.createdBy, MAX_LIVE_API_KEYS_PER_CREATOR);
    const beyond = await create(manager.headers, { shopIds: [gid('Shop', shopB)] });
    expect(beyond.data.createApiKey.userErrors).toEqual([{ field: ['input', 'shopIds'], message: 'a key can cover only shops you can see yourself', code: 'FORBIDDEN' }]);
    const broader = await server.gql(CREATE_IN_CHINESE, { input: { name: 'broader', scopes: ['READ', 'INGEST'], shopIds: [gid('Shop', shopB)] } }, manager.headers);
    expect(broader.data.createApiKey.userErrors).toEqual([
      { field: ['input', 'scopes', '1'], code: 'FORBIDDEN', messageZh: '你自己没有 INGEST 权限' },
      { field: ['input', 'shopIds'], code: 'FORBIDDEN', messageZh: 'API 密钥只能覆盖你自己能看到的店铺' },
    ]);

    const reader = await partner(shopA, ['READ']);
    await fillKeys(reader.createdBy, MAX_LIVE_API_KEYS_PER_CREATOR);
    const readOnly = await create(reader.headers);
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(readOnly.data).toBeNull();
    expect(await listed(manager.headers)).toHaveLength(MAX_LIVE_API_KEYS_PER_CREATOR);
  });

  it('the bootstrap admin key is exempt, as from the other per-credential limits', async () => {
    await fillKeys('admin-key', MAX_LIVE_API_KEYS_PER_CREATOR);
    expect((await create()).data.createApiKey.userErrors).toEqual([]);
  });
});
