import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rfmSegment, rfmSegmentSql, type RfmSegment } from './customer.rfm.js';
import { customers } from './customer.table.js';

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { userErrors { code message } } }`;
const SEGMENT = `query ($s: RfmSegment!) { customers(filter: { segment: $s }) { totalCount edges { node { externalId rfmSegment } } } }`;
const SUMMARY = `query ($shops: [ID!]) { customerSegments(shopIds: $shops) { segment customers paidOrders spend netSpend share repurchaseRate } }`;
const DAY = 86_400_000;

describeEachBackend('customer RFM segments', (backend) => {
  let server: TestServer;
  let shop: { id: string };
  let clock: Date;

  beforeEach(async () => {
    shop = await insertShop(backend().db, '天猫店');
    clock = new Date('2026-11-01T00:00:00Z');
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const paid = (order: string, customer: string, amount: string, at: string) => ({
    id: `${order}-paid`, type: 'ORDER_PAID', occurredAt: at, shopId: gid('Shop', shop.id), source: 'SEARCH', orderId: order, customerId: customer, amount,
  });
  const segmentOf = async (s: RfmSegment) => ((await server.gql(SEGMENT, { s })).data.customers.edges as { node: { externalId: string } }[]).map((e) => e.node.externalId);

  it('moves a customer who stops buying from IMPORTANT_VALUE to IMPORTANT_DEVELOPMENT after 30 days and to SLEEPING after 3 calendar months', async () => {
    const result = await server.gql(INGEST, {
      events: [
        paid('A1', 'vip', '400.00', '2026-10-01T10:00:00Z'),
        paid('A2', 'vip', '400.00', '2026-10-10T10:00:00Z'),
        paid('A3', 'vip', '400.00', '2026-10-20T10:00:00Z'),
        paid('B1', 'small', '20.00', '2026-10-25T10:00:00Z'),
      ],
    });
    expect(result.data.ingestEvents.userErrors).toEqual([]);
    expect(await segmentOf('IMPORTANT_VALUE')).toEqual(['vip']);
    expect(await segmentOf('GENERAL_VALUE')).toEqual(['small']);

    clock = new Date('2026-11-20T10:00:01Z'); // 31 days after the last order
    expect(await segmentOf('IMPORTANT_DEVELOPMENT')).toEqual(['vip']);

    // The last order was 2026-10-20 18:00 in Shanghai; 90 days later is not yet 3 months (92 days here).
    clock = new Date('2027-01-18T10:00:00Z');
    expect(await segmentOf('SLEEPING')).toEqual([]);
    clock = new Date('2027-01-20T09:59:59Z');
    expect(await segmentOf('SLEEPING')).toEqual([]);
    clock = new Date('2027-01-20T10:00:00Z'); // 2027-01-20 18:00 in Shanghai
    expect(await segmentOf('SLEEPING')).toEqual(['vip']);
    expect(await segmentOf('IMPORTANT_DEVELOPMENT')).toEqual([]);
    clock = new Date('2027-01-20T10:00:00Z');
    expect(await segmentOf('SLEEPING')).toEqual(['vip']);
    const all = await server.gql(SEGMENT, { s: 'SLEEPING' });
    expect(all.data.customers.edges[0].node.rfmSegment).toBe('SLEEPING');

    const summary = await server.gql(SUMMARY, {});
    expect(summary.data.customerSegments).toEqual([
      { segment: 'IMPORTANT_VALUE', customers: 0, paidOrders: 0, spend: '0.00', netSpend: '0.00', share: 0, repurchaseRate: null },
      { segment: 'IMPORTANT_DEVELOPMENT', customers: 0, paidOrders: 0, spend: '0.00', netSpend: '0.00', share: 0, repurchaseRate: null },
      // 'small' bought five days after 'vip': 87 days ago, still awake.
      { segment: 'GENERAL_VALUE', customers: 1, paidOrders: 1, spend: '20.00', netSpend: '20.00', share: 0.5, repurchaseRate: 0 },
      { segment: 'SLEEPING', customers: 1, paidOrders: 3, spend: '1200.00', netSpend: '1200.00', share: 0.5, repurchaseRate: 1 },
    ]);
  });

  it('classifies the same in SQL (filters, summaries) as in TypeScript (Customer.rfmSegment), on every boundary', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    // Three months before 2026-11-01 08:00 in Shanghai is 08-01 08:00: 92 days back.
    const ages = [null, 0, 29.5, 30, 30.5, 89.5, 90, 91, 91.99, 92, 92.01, 120];
    const values: (typeof customers.$inferInsert)[] = [];
    let n = 0;
    for (const age of ages) {
      for (const paidOrders of [1, 2, 3, 4]) {
        for (const [spendFen, refundedFen] of [[99_999, 0], [100_000, 0], [150_000, 50_001], [300_000, 0]] as const) {
          values.push({ shopId: shop.id, externalId: `c${n++}`, paidOrders, spendFen, refundedFen, lastOrderAt: age === null ? null : new Date(now.getTime() - age * DAY) });
        }
      }
    }
    const inserted = await backend().db.insert(customers).values(values).returning();
    const fromSql = await backend().db.select({ id: customers.id, segment: rfmSegmentSql(now) }).from(customers);
    const bySql = new Map(fromSql.map((r) => [r.id, r.segment]));
    const seen = new Set<RfmSegment>();
    for (const c of inserted) {
      expect(bySql.get(c.id), c.externalId).toBe(rfmSegment(c, now));
      seen.add(rfmSegment(c, now));
    }
    expect(seen.size).toBe(4);
  });

  it('scopes the segment summary to the caller: a foreign shop named is FORBIDDEN, a key of another shop sees no customers', async () => {
    await server.gql(INGEST, { events: [paid('A1', 'c', '10.00', '2026-10-01T10:00:00Z')] });
    const other = await insertShop(backend().db, '京东店', 'JD');
    const key = await server.createKey({ name: 'other', shopIds: [other.id], scopes: ['READ'] });
    const refused = await server.gql(SUMMARY, { shops: [gid('Shop', shop.id)] }, bearer(key));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await server.gql(SUMMARY, {}, bearer(key));
    expect((own.data.customerSegments as { customers: number }[]).every((s) => s.customers === 0)).toBe(true);
    const anonymous = await server.gql(SUMMARY, {}, { authorization: '' });
    expect(anonymous.data?.customerSegments).toBeUndefined();
    expect(anonymous.errors?.length).toBeGreaterThan(0);
  });

  it('expires due points from the alert evaluation loop', async () => {
    await server.gql(INGEST, { events: [paid('A1', 'c', '10.00', '2025-10-01T10:00:00Z')] });
    const balance = async () => (await backend().db.select({ points: customers.points }).from(customers).where(sql`external_id = 'c'`))[0]!.points;
    expect(await balance()).toBe(10);
    await server.app.alertEngine.evaluate();
    expect(await balance()).toBe(0);
  });
});
