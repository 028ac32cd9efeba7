import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { gid, insertShop } from '../../test/fixtures.js';

/**
 * A refusal reads in the console's language: `message` stays English (what partners were given), and
 * `message(locale: ZH_CN)` answers the same refusal in Chinese, with its specifics.
 */
describeEachBackend('refusals in Chinese and English', (backend) => {
  let server: TestServer;
  let ours: string;
  let theirs: string;

  beforeEach(async () => {
    ours = (await insertShop(backend().db, '天猫旗舰店')).id;
    theirs = (await insertShop(backend().db, '京东自营店', 'JD')).id;
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  const BOTH = 'code field message en: message(locale: EN) zh: message(locale: ZH_CN)';

  it('answers a mutation’s userError in English by default and in Chinese when asked, for a check of the input and of the domain', async () => {
    const empty = await server.gql(`mutation { createShop(input: { name: "   ", platform: TMALL }) { shop { id } userErrors { ${BOTH} } } }`);
    expect(empty.data.createShop).toEqual({
      shop: null,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'name'], message: 'must not be empty', en: 'must not be empty', zh: '不能为空' }],
    });

    const missing = gid('Campaign', '00000000-0000-4000-8000-000000000000');
    const gone = await server.gql(`mutation ($id: ID!) { updateCampaign(input: { id: $id, name: "双12" }) { campaign { id } userErrors { ${BOTH} } } }`, { id: missing });
    expect(gone.data.updateCampaign.userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'], message: 'Campaign not found', en: 'Campaign not found', zh: '活动不存在' },
    ]);
  });

  it('words zod’s own refusals in Chinese: too long, not a number of the kind asked', async () => {
    const long = await server.gql(`mutation { createShop(input: { name: "${'店'.repeat(101)}", platform: TMALL }) { userErrors { ${BOTH} } } }`);
    expect(long.data.createShop.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'name'], zh: '最多 100 个字符', en: long.data.createShop.userErrors[0].message }),
    ]);
    expect(long.data.createShop.userErrors[0].message).toMatch(/100/);
  });

  it('gives an expected failure outside a payload its Chinese as extensions.messageZh, beside the English message', async () => {
    const key = await server.createKey({ shopIds: [ours], scopes: ['READ'] });
    const refused = await server.gql(`query ($shopId: ID!) { dailyReport(shopId: $shopId, date: "2026-11-11") { date } }`, { shopId: gid('Shop', theirs) }, bearer(key));
    expect(refused.errors?.[0]).toMatchObject({
      message: 'Shop is outside the shops your credential covers',
      extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN', messageZh: '店铺不在你的凭证可见的店铺范围内' },
    });
  });

  it('words the transport’s own refusals in Chinese too: no credential, a field the scopes do not grant, a bad cursor, an export refused', async () => {
    const anonymous = await server.post('{ shops(first: 1) { totalCount } }', {}, { authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^A valid credential is required/),
      extensions: { code: 'UNAUTHENTICATED', messageZh: '需要有效的凭证：请发送 "Authorization: Bearer <API 密钥或访问令牌>"' },
    });

    const ingestOnly = await server.createKey({ shopIds: [ours], scopes: ['INGEST'] });
    const unread = await server.gql('{ shops(first: 1) { totalCount } }', {}, bearer(ingestOnly));
    expect(unread.errors?.[0]).toMatchObject({
      message: 'Not allowed: your credential does not permit Query.shops',
      extensions: { code: 'FORBIDDEN', messageZh: '无权访问：你的凭证不允许使用 Query.shops' },
    });

    const cursor = await server.gql('{ shops(first: 1, after: "not-a-cursor") { totalCount } }');
    expect(cursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', messageZh: '游标无效：请传入本连接返回的游标' });

    const exported = await fetch(`${server.url}/export/daily-reports.csv?shopId=${gid('Shop', ours)}&from=2026-11-01&to=2026-11-02`, { headers: bearer(ingestOnly) });
    expect(exported.status).toBe(403);
    expect(await exported.json()).toEqual({ errors: [{ message: 'Exports need the READ scope', extensions: { code: 'FORBIDDEN', messageZh: '导出需要 READ 权限' } }] });
  });
});

describe('the locale argument of a refusal', () => {
  it('is optional, so a document written before it keeps getting English', async () => {
    const { printSchema } = await import('graphql');
    const { schema } = await import('../schema.js');
    const sdl = printSchema(schema);
    for (const type of ['UserError', 'IngestEventError', 'MarketingSpendError']) {
      const body = new RegExp(`type ${type} \\{[\\s\\S]*?\\n\\}`).exec(sdl)?.[0] ?? '';
      expect(body, type).toMatch(/message\(\s*(?:"""[^"]*"""\s*)?locale: Locale\s*\): String!/);
    }
  });
});
