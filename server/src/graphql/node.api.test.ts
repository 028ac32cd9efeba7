import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';

const NODE = `query ($id: ID!) { node(id: $id) { id } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`;

/** A global id is base64 of "Type:id" anyone can write; one naming a type nothing is loaded as answers as a missing row does. */
describeEachBackend('node(id:) with an id of a type it cannot load', (backend) => {
  let server: TestServer;
  let shop: string;

  beforeEach(async () => {
    shop = gid('Shop', (await insertShop(backend().db, '天猫店')).id);
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  // An unknown type, names an object's prototype answers to, an interface, and object types that are no Node.
  const unloadable = ['Foo', '__proto__', 'constructor', 'Node', 'Query', 'Mutation', 'Metrics', 'Viewer', '__Type'];

  it('answers null and no error for every one of them, as for a campaign that does not exist', async () => {
    const missing = await server.gql(NODE, { id: gid('Campaign', randomUUID()) });
    expect(missing).toMatchObject({ data: { node: null } });
    expect(missing.errors).toBeUndefined();
    for (const type of unloadable) {
      const result = await server.gql(NODE, { id: gid(type, randomUUID()) });
      expect({ type, ...result, extensions: undefined }).toEqual({ type, data: { node: null }, extensions: undefined });
    }
  });

  it('nodes(ids:) answers null in their places and still loads the ids beside them', async () => {
    const ids = [...unloadable.map((type) => gid(type, randomUUID())), shop, gid('Foo', 'not-a-uuid')];
    const result = await server.gql(NODES, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data.nodes).toEqual([...unloadable.map(() => null), { id: shop }, null]);
  });

  it('a malformed id is still bad input, and so is a real type with an id PeakOps never issued', async () => {
    const malformed = await server.gql(NODE, { id: 'garbage' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await server.gql(NODE, { id: gid('Campaign', 'not-a-uuid') });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
