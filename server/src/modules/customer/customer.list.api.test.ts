import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';

describeEachBackend('the customers connection at scale', (backend) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  it('reads a page in its order from an index instead of sorting every customer', async () => {
    const shop = await insertShop(backend().db, '甲店');
    await backend().db.execute(sql`insert into customers (shop_id, external_id, created_at)
      select ${shop.id}::uuid, 'c' || n, now() - n * interval '1 minute' from generate_series(1, 20000) n`);
    await backend().db.execute(sql`analyze customers`);
    const plan = (await rows<Record<string, string>>(backend().db, sql`explain select * from customers order by created_at, id limit 21`))
      .map((row) => Object.values(row)[0])
      .join('\n');
    expect(plan).toContain('customers_created_idx');
    expect(plan).not.toMatch(/Sort/);

    const page = await server.gql('{ customers(first: 3) { edges { node { externalId } } pageInfo { hasNextPage } } }');
    expect(page.data.customers.edges.map((e: { node: { externalId: string } }) => e.node.externalId)).toEqual(['c20000', 'c19999', 'c19998']);
  });
});
