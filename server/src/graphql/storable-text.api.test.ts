import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';

/** PostgreSQL's text and jsonb cannot hold U+0000 nor half a surrogate pair; each of these once answered "Unexpected error.". */
const NUL = 'x\u0000y';
const HALF_PAIR = 'x\ud800y';

describeEachBackend('text PostgreSQL cannot store (NUL, half a surrogate pair)', (backend) => {
  let server: TestServer;
  let shop: string;
  beforeEach(async () => {
    shop = gid('Shop', (await insertShop(backend().db, '甲店')).id);
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  const shopNames = async () => ((await server.gql('{ shops { edges { node { name } } } }')).data.shops.edges as { node: { name: string } }[]).map((e) => e.node.name);

  it('refuses an operation with it in a variable, naming where, before anything runs', async () => {
    const result = await server.gql(`mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { id } } }`, { input: { name: NUL, platform: 'TMALL' } });
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      {
        message: '$input.name holds text PostgreSQL cannot store: a NUL character (U+0000) or an unpaired surrogate',
        extensions: { code: 'BAD_USER_INPUT', messageZh: '文本含有无法存储的字符：NUL（U+0000）或不成对的代理项：$input.name' },
      },
    ]);
    const filtered = await server.gql(`query ($q: [ID!]!) { nodes(ids: $q) { id } }`, { q: [shop, NUL] });
    expect(filtered.errors?.[0]).toMatchObject({ message: expect.stringContaining('$q.1'), extensions: { code: 'BAD_USER_INPUT' } });
    const halfPair = await server.gql(`mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { id } } }`, { input: { name: HALF_PAIR, platform: 'TMALL' } });
    expect(halfPair.errors?.[0]).toMatchObject({ message: expect.stringContaining('$input.name'), extensions: { code: 'BAD_USER_INPUT' } });
    // A whole pair is an ordinary character.
    const emoji = await server.gql(`mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { name } } }`, { input: { name: '🛒 旗舰店', platform: 'TMALL' } });
    expect(emoji.data.createShop.shop).toEqual({ name: '🛒 旗舰店' });
    expect(await shopNames()).toEqual(['甲店', '🛒 旗舰店']);
  });

  it('refuses it written into the document too', async () => {
    const result = await server.gql(`mutation { createShop(input: { name: "x\\u0000y", platform: TMALL }) { shop { id } } }`);
    expect(result.errors).toEqual([
      {
        message: 'A string in the document holds text PostgreSQL cannot store: a NUL character (U+0000) or an unpaired surrogate',
        extensions: { code: 'BAD_USER_INPUT', messageZh: '文本含有无法存储的字符：NUL（U+0000）或不成对的代理项：a string in the document' },
      },
    ]);
    expect(await shopNames()).toEqual(['甲店']);
    // A variable's default is written into the document too.
    const byDefault = await server.gql(`mutation ($n: String! = "x\\u0000y") { createShop(input: { name: $n, platform: TMALL }) { shop { id } } }`);
    expect(byDefault.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await shopNames()).toEqual(['甲店']);
  });

  it('looks through deeply nested variables without failing itself', async () => {
    let deep: unknown = [shop];
    for (let i = 0; i < 2_000; i++) deep = [deep];
    const result = await server.gql(`query ($q: [ID!]!) { nodes(ids: $q) { id } }`, { q: deep });
    // Refused by GraphQL's own check of the variable's type, not an internal error of the guard.
    expect(result.errors?.[0]?.message).toMatch(/^Variable "\$q" got invalid value/);
  });

  it('leaves bulk inputs to refuse the one item that carries it, keeping the rest', async () => {
    const spent = await server.gql(
      `mutation ($entries: [MarketingSpendEntryInput!]!) { recordMarketingSpend(input: { entries: $entries }) { accepted userErrors { index field message code } } }`,
      {
        entries: [
          { id: 's1', shopId: shop, spentAt: new Date().toISOString(), source: 'PAID', amount: '10.00' },
          { id: NUL, shopId: shop, spentAt: new Date().toISOString(), source: 'PAID', amount: '10.00' },
        ],
      },
    );
    expect(spent.errors).toBeUndefined();
    expect(spent.data.recordMarketingSpend).toEqual({
      accepted: 1,
      userErrors: [{ index: 1, field: ['input', 'entries', '1', 'id'], message: 'must be text PostgreSQL can store: no NUL character (U+0000), no unpaired surrogate', code: 'INVALID_INPUT' }],
    });
    // The audit trail records the call, the refused id's NUL shown as U+FFFD.
    const audit = await server.gql('{ auditLog(filter: { operations: ["recordMarketingSpend"] }) { edges { node { outcome affectedIds } } } }');
    expect(audit.data.auditLog.edges[0].node.affectedIds).toContain('x\uFFFDy');
  });
});
