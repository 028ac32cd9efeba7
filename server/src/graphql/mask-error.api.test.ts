import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';

/** Global ids are decoded by Pothos before any resolver runs; what it refuses is still the caller's mistake. */
describeEachBackend('a global id the server cannot take', (backend) => {
  let server: TestServer;
  let shopId: string;

  beforeEach(async () => {
    shopId = (await insertShop(backend().db, '天猫店')).id;
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it("a shop's id where a campaign's is asked for is bad input, in a query and in a mutation's input, with Pothos' message", async () => {
    const shop = gid('Shop', shopId);
    const query = await server.gql(`query ($id: ID!) { campaign(id: $id) { id } }`, { id: shop });
    expect(query.errors).toEqual([expect.objectContaining({ message: `ID: ${shop} is not of type: Campaign`, path: ['campaign'], extensions: { code: 'BAD_USER_INPUT', messageZh: `id 无效：ID: ${shop} is not of type: Campaign` } })]);
    const mutation = await server.gql(`mutation ($id: ID!) { updateCampaign(input: { id: $id, name: "x" }) { campaign { id } userErrors { code } } }`, { id: shop });
    expect(mutation.errors).toEqual([expect.objectContaining({ message: `ID: ${shop} is not of type: Campaign`, path: ['updateCampaign'], extensions: { code: 'BAD_USER_INPUT', messageZh: expect.stringMatching(/^id 无效：/) } })]);
  });

  it('a string that is no global id at all is bad input', async () => {
    const result = await server.gql(`{ campaign(id: "garbage") { id } node(id: "garbage") { id } }`);
    expect(result.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['Invalid global ID: garbage', 'BAD_USER_INPUT'],
      ['Invalid global ID: garbage', 'BAD_USER_INPUT'],
    ]);
  });
});
