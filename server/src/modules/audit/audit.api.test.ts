import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const NODE = `query ($id: ID!) { node(id: $id) { id ... on AuditEntry { operation outcome } } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on AuditEntry { operation } } }`;

describeEachBackend('an audit entry by its id', (backend) => {
  let server: TestServer;
  let entryId: string;

  beforeEach(async () => {
    server = await startTestServer(backend());
    // Creating a key is itself a mutation the trail records.
    await server.createKey({ name: 'trail', scopes: ['READ'] });
    const trail = await server.gql(`{ auditLog(first: 1) { edges { node { id operation } } } }`);
    expect(trail.data.auditLog.edges[0].node.operation).toBe('createApiKey');
    entryId = trail.data.auditLog.edges[0].node.id;
  });
  afterEach(() => server.stop());

  it('loads for the admin through node and nodes, as auditLog lists it', async () => {
    const one = await server.gql(NODE, { id: entryId });
    expect(one).toMatchObject({ data: { node: { id: entryId, operation: 'createApiKey', outcome: 'OK' } } });
    expect(one.errors).toBeUndefined();
    const many = await server.gql(NODES, { ids: [entryId, gid('AuditEntry', randomUUID())] });
    expect(many.data.nodes).toEqual([{ id: entryId, operation: 'createApiKey' }, null]);
  });

  it('is null for a key that may read and manage but is no admin, exactly as an entry that does not exist', async () => {
    const manager = bearer(await server.createKey({ name: 'manager', scopes: ['READ', 'MANAGE'] }));
    const seen = await server.gql(NODE, { id: entryId }, manager);
    const missing = await server.gql(NODE, { id: gid('AuditEntry', randomUUID()) }, manager);
    expect(seen.errors).toBeUndefined();
    expect(seen.data).toEqual({ node: null });
    expect({ ...seen, extensions: undefined }).toEqual({ ...missing, extensions: undefined });
  });
});
