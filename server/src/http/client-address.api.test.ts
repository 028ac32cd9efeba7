import { afterEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { startTestServer, type TestServer } from '../../test/http.js';

const CREATE_SHOP = `mutation ($name: String!) { createShop(input: { name: $name, platform: TMALL }) { shop { id } } }`;
const TRAIL = `{ auditLog(filter: { operations: ["createShop"] }, first: 10) { edges { node { sourceAddress } } } }`;

describeEachBackend('the caller’s address behind a proxy', (backend) => {
  let server: TestServer;
  afterEach(() => server.stop());

  const addressesRecorded = async (...forwardedFor: (string | undefined)[]) => {
    for (const [i, header] of forwardedFor.entries()) {
      await server.gql(CREATE_SHOP, { name: `店${i}` }, header ? { 'x-forwarded-for': header } : {});
    }
    const trail = await server.gql(TRAIL);
    return (trail.data.auditLog.edges as { node: { sourceAddress: string } }[]).map((e) => e.node.sourceAddress).reverse();
  };

  it('behind nginx (one hop) records the address nginx saw, never what the client wrote to its left', async () => {
    server = await startTestServer(backend(), { trustProxyHops: 1 });
    // nginx appends the address it saw; a client may send any header of its own first.
    expect(await addressesRecorded('203.0.113.7', '10.0.0.1, 198.51.100.23', 'not-an-address', undefined)).toEqual([
      '203.0.113.7',
      '198.51.100.23',
      '127.0.0.1', // unusable entry: the connection's address
      '127.0.0.1', // no header: the request came round the proxy
    ]);
  });

  it('without trusted proxies ignores the header: a client cannot choose its address', async () => {
    server = await startTestServer(backend());
    expect(await addressesRecorded('203.0.113.7')).toEqual(['127.0.0.1']);
  });
});
