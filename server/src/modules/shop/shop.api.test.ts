import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { startTestServer, type TestServer } from '../../../test/http.js';

const CREATE = /* GraphQL */ `
  mutation ($input: CreateShopInput!) {
    createShop(input: $input) { shop { id name platform platformShopId active } userErrors { field message code } }
  }
`;

describeEachBackend('shops', (backend) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it('an operator opens a Tmall shop and finds it in the shop list', async () => {
    const created = await server.gql(CREATE, { input: { name: '天猫旗舰店', platform: 'TMALL', platformShopId: 'tm-1' } });
    expect(created.errors).toBeUndefined();
    expect(created.data.createShop.userErrors).toEqual([]);
    expect(created.data.createShop.shop).toMatchObject({ name: '天猫旗舰店', platform: 'TMALL', active: true });

    const list = await server.gql('{ shops(first: 10) { totalCount edges { node { id name } } } }');
    expect(list.data.shops.totalCount).toBe(1);
    expect(list.data.shops.edges[0].node.id).toBe(created.data.createShop.shop.id);
  });

  it('reports every invalid field of a new shop and stores nothing', async () => {
    // Spaces, and characters that show nothing (zero-width space, joiner, BOM), which trim keeps.
    for (const name of ['   ', '\u200B', ' \u200D\uFEFF\u200B ']) {
      const result = await server.gql(CREATE, { input: { name, platform: 'JD' } });
      expect(result.data.createShop.shop, JSON.stringify(name)).toBeNull();
      expect(result.data.createShop.userErrors).toEqual([
        { field: ['input', 'name'], message: 'must not be empty', code: 'INVALID_INPUT' },
      ]);
    }
    expect((await server.gql(CREATE, { input: { name: '天猫\u200B旗舰店', platform: 'TMALL' } })).data.createShop.userErrors).toEqual([]);
    const list = await server.gql('{ shops { totalCount edges { node { name } } } }');
    expect(list.data.shops).toEqual({ totalCount: 1, edges: [{ node: { name: '天猫\u200B旗舰店' } }] });
  });

  it('refuses a second shop with the same platform id, keeping the first', async () => {
    await server.gql(CREATE, { input: { name: 'A', platform: 'JD', platformShopId: 'jd-9' } });
    const clash = await server.gql(CREATE, { input: { name: 'B', platform: 'JD', platformShopId: 'jd-9' } });
    expect(clash.data.createShop.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'platformShopId'] });
    const inChinese = await server.gql(
      'mutation ($input: CreateShopInput!) { createShop(input: $input) { userErrors { code message messageZh: message(locale: ZH_CN) } } }',
      { input: { name: 'C', platform: 'JD', platformShopId: 'jd-9' } },
    );
    expect(inChinese.data.createShop.userErrors).toEqual([
      { code: 'CONFLICT', message: 'A JD shop with platform id jd-9 already exists', messageZh: '平台店铺 ID 为 jd-9 的 JD 店铺已存在' },
    ]);
    const list = await server.gql('{ shops { edges { node { name } } } }');
    expect(list.data.shops.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['A']);
  });

  it('renames and deactivates a shop', async () => {
    const created = await server.gql(CREATE, { input: { name: 'Old', platform: 'DOUYIN' } });
    const id = created.data.createShop.shop.id;
    const updated = await server.gql(
      `mutation ($input: UpdateShopInput!) { updateShop(input: $input) { shop { name active } userErrors { code } } }`,
      { input: { id, name: '抖音旗舰店', active: false } },
    );
    expect(updated.data.updateShop).toEqual({ shop: { name: '抖音旗舰店', active: false }, userErrors: [] });
  });

  it('pages through shops with cursors, none skipped or repeated', async () => {
    for (let i = 0; i < 5; i++) await server.gql(CREATE, { input: { name: `S${i}`, platform: 'TMALL' } });
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      // any: the page shape is checked by the assertions below
      const page: { data?: any } = await server.gql(
        `query ($after: String) { shops(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      names.push(...page.data.shops.edges.map((e: { node: { name: string } }) => e.node.name));
      if (!page.data.shops.pageInfo.hasNextPage) break;
      after = page.data.shops.pageInfo.endCursor;
    }
    expect(names).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
  });

  it('rejects a forged cursor with a clear error', async () => {
    const result = await server.gql('{ shops(after: "not-a-cursor") { totalCount } }');
    expect(result.errors?.[0]?.message).toMatch(/Invalid cursor/);
  });
});
