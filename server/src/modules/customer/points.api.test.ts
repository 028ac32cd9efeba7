import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';
import { expirePoints } from './points.ledger.js';

const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted duplicates userErrors { code message } } }`;
const REDEEM = `mutation ($i: RedeemPointsInput!) {
  redeemPoints(input: $i) { redemption { value customer { points } entry { kind points } } userErrors { code field } }
}`;
const CUSTOMER = `query ($id: ID!) { node(id: $id) { ... on Customer { points tier spend netSpend refunded rfmSegment pointsEntries { kind points remaining } } } }`;

describeEachBackend('customer points ledger', (backend) => {
  let server: TestServer;
  let shop: { id: string };
  let clock: Date;

  beforeEach(async () => {
    shop = await insertShop(backend().db, '天猫店');
    clock = new Date('2026-06-01T00:00:00Z');
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const base = () => ({ shopId: gid('Shop', shop.id), source: 'SEARCH' });
  const paid = (order: string, customer: string, amount: string, at: string) => ({ ...base(), id: `${order}-paid`, type: 'ORDER_PAID', occurredAt: at, orderId: order, customerId: customer, amount });
  const refund = (order: string, n: number, amount: string, at: string) => ({ ...base(), id: `${order}-refund-${n}`, type: 'ORDER_REFUNDED', occurredAt: at, orderId: order, amount, reason: '七天无理由' });
  async function ingest(...events: object[]) {
    const result = await server.gql(INGEST, { events });
    expect(result.data.ingestEvents.userErrors).toEqual([]);
    const { accepted, duplicates } = result.data.ingestEvents as { accepted: number; duplicates: number };
    return { accepted, duplicates };
  }
  async function state(externalId: string) {
    const [c] = await rows<{ id: string; points: number; refunded_fen: string | number; ledger: string | number; lots: string | number; entries: string | number }>(
      backend().db,
      sql`select c.id, c.points, c.refunded_fen,
            (select coalesce(sum(points), 0) from points_ledger l where l.customer_id = c.id) as ledger,
            (select coalesce(sum(remaining), 0) from points_ledger l where l.customer_id = c.id and kind = 'EARN') as lots,
            (select count(*) from points_ledger l where l.customer_id = c.id) as entries
          from customers c where c.shop_id = ${shop.id} and c.external_id = ${externalId}`,
    );
    // The invariant: the balance is the ledger's sum and what the lots still hold.
    expect(Number(c!.ledger)).toBe(c!.points);
    expect(Number(c!.lots)).toBe(c!.points);
    return { id: c!.id, points: c!.points, refundedFen: Number(c!.refunded_fen), entries: Number(c!.entries) };
  }
  const redeem = (customerId: string, points: number, requestId: string, headers?: Record<string, string>) =>
    server.gql(REDEEM, { i: { customerId: gid('Customer', customerId), points, requestId } }, headers);

  it("answers a MANAGE key without READ with the balance it changed, but not what the customer bought", async () => {
    await ingest(paid('O1', 'C1', '600.50', '2025-11-01T10:00:00+08:00'));
    const c = await state('C1');
    const manageOnly = bearer(await server.createKey({ name: 'points desk', shopIds: [shop.id], scopes: ['MANAGE'] }));
    const answer = await server.gql(
      `mutation ($a: RedeemPointsInput!, $b: RedeemPointsInput!) {
        balance: redeemPoints(input: $a) { redemption { value customer { points } } userErrors { code } }
        bought: redeemPoints(input: $b) { redemption { value customer { points spend paidOrders tier pointsEntries { points } } } userErrors { code } }
      }`,
      { a: { customerId: gid('Customer', c.id), points: 100, requestId: 'm1' }, b: { customerId: gid('Customer', c.id), points: 100, requestId: 'm2' } },
      manageOnly,
    );
    expect(answer.data.balance).toEqual({ redemption: { value: '1.00', customer: { points: 500 } }, userErrors: [] });
    // Both redemptions were made; the figures are refused, and being non-null they null the redemption they hang from.
    expect(answer.data.bought).toEqual({ redemption: null, userErrors: [] });
    expect((await state('C1')).points).toBe(400);
    const refused = (answer.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort();
    expect(refused).toEqual(
      ['spend', 'paidOrders', 'tier', 'pointsEntries'].map((f) => [`bought.redemption.customer.${f}`, 'FORBIDDEN']).sort(),
    );
  });

  it('expires a lot one calendar year after the payment on the Shanghai calendar, also across 29 February', async () => {
    // Both payments fall before 08:00 in Shanghai, so their UTC date is the day before.
    clock = new Date('2028-03-01T12:00:00+08:00');
    await ingest(paid('L1', 'C1', '10.00', '2028-02-29T03:00:00+08:00'), paid('L2', 'C1', '20.00', '2027-03-01T04:00:00+08:00'));
    const c = await state('C1');
    const view = await server.gql(`query ($id: ID!) { node(id: $id) { ... on Customer { pointsEntries { points occurredAt expiresAt } } } }`, { id: gid('Customer', c.id) });
    const expiry = new Map((view.data.node.pointsEntries as { points: number; expiresAt: string }[]).map((e) => [e.points, new Date(e.expiresAt).getTime()]));
    // 2028-02-29 03:00 → 2029-02-28 03:00 (adding the year in UTC gave 03-01); 2027-03-01 04:00 → 2028-03-01 04:00 (in UTC: 02-29).
    expect(expiry.get(10)).toBe(Date.parse('2029-02-28T03:00:00+08:00'));
    expect(expiry.get(20)).toBe(Date.parse('2028-03-01T04:00:00+08:00'));
    expect(await expirePoints(backend().db, new Date('2028-02-29T23:59:59+08:00'))).toBe(0);
    expect(await expirePoints(backend().db, new Date('2028-03-01T04:00:00+08:00'))).toBe(20);
    expect(await expirePoints(backend().db, new Date('2029-02-28T03:00:00+08:00'))).toBe(10);
  });

  it('earns on payment, reverses on refund, redeems oldest-expiring first and expires the rest after a year', async () => {
    await ingest(paid('O1', 'C1', '600.50', '2025-11-01T10:00:00+08:00'), paid('O2', 'C1', '300.00', '2026-03-01T10:00:00+08:00'));
    let c = await state('C1');
    expect(c.points).toBe(900);

    const redeemed = await redeem(c.id, 250, 'r1');
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data.redeemPoints).toEqual({ redemption: { value: '2.50', customer: { points: 650 }, entry: { kind: 'REDEEM', points: -250 } }, userErrors: [] });

    await ingest(refund('O2', 1, '100.00', '2026-03-05T10:00:00+08:00'));
    c = await state('C1');
    expect(c.points).toBe(550);
    expect(c.refundedFen).toBe(10_000);

    // A replayed payment and refund write nothing.
    expect(await ingest(paid('O1', 'C1', '600.50', '2025-11-01T10:00:00+08:00'), refund('O2', 1, '100.00', '2026-03-05T10:00:00+08:00'))).toEqual({ accepted: 0, duplicates: 2 });
    expect(await state('C1')).toEqual(c);

    // O1's lot (earned 2025-11-01, 600 points, 250 of them redeemed) expires 2026-11-01: 350 go.
    expect(await expirePoints(backend().db, new Date('2026-11-01T09:00:00+08:00'))).toBe(0);
    expect(await expirePoints(backend().db, new Date('2026-11-01T10:00:00+08:00'))).toBe(350);
    expect(await expirePoints(backend().db, new Date('2026-11-02T00:00:00+08:00'))).toBe(0);
    c = await state('C1');
    expect(c.points).toBe(200);
    const view = await server.gql(CUSTOMER, { id: gid('Customer', c.id) });
    expect(view.data.node.pointsEntries).toEqual([
      { kind: 'EARN', points: 600, remaining: 0 },
      { kind: 'EARN', points: 300, remaining: 200 },
      { kind: 'REVERSE', points: -100, remaining: null },
      { kind: 'REDEEM', points: -250, remaining: null },
      { kind: 'EXPIRE', points: -350, remaining: null },
    ]);
  });

  it('reverses a refund that arrived before its payment once the payment is known, and partial refunds add up exactly', async () => {
    await ingest(refund('O3', 1, '50.00', '2026-05-02T10:00:00+08:00'));
    await ingest(paid('O3', 'C2', '120.99', '2026-05-01T10:00:00+08:00'));
    let c = await state('C2');
    expect(c.points).toBe(70); // keeps floor(70.99)
    expect(c.refundedFen).toBe(5_000);

    // ¥10 paid, two refunds of ¥1.50 arriving latest-first in separate batches: keeps floor(¥7) = 7.
    await ingest(paid('O4', 'C2', '10.00', '2026-05-03T10:00:00+08:00'));
    await ingest(refund('O4', 2, '1.50', '2026-05-05T10:00:00+08:00'));
    await ingest(refund('O4', 1, '1.50', '2026-05-04T10:00:00+08:00'));
    c = await state('C2');
    expect(c.points).toBe(77);
    expect(c.refundedFen).toBe(5_300);
  });

  it('never takes the balance below zero: points already spent are not clawed back', async () => {
    await ingest(paid('O5', 'C3', '100.00', '2026-05-01T10:00:00+08:00'));
    const c = await state('C3');
    expect((await redeem(c.id, 80, 'r-80')).data.redeemPoints.userErrors).toEqual([]);
    await ingest(refund('O5', 1, '100.00', '2026-05-02T10:00:00+08:00'));
    expect((await state('C3')).points).toBe(0);
    const [reverse] = await rows<{ points: number }>(backend().db, sql`select points from points_ledger where customer_id = ${c.id} and kind = 'REVERSE'`);
    expect(reverse!.points).toBe(-20);
  });

  it('refuses a redemption above the balance writing nothing, and redeems once per requestId', async () => {
    await ingest(paid('O6', 'C4', '50.00', '2026-05-01T10:00:00+08:00'));
    const c = await state('C4');
    const refused = await redeem(c.id, 51, 'too-much');
    expect(refused.data.redeemPoints).toEqual({ redemption: null, userErrors: [{ code: 'INVALID_AMOUNT', field: ['input', 'points'] }] });
    expect(await state('C4')).toEqual(c);
    const IN_CHINESE = `mutation ($i: RedeemPointsInput!) { redeemPoints(input: $i) { userErrors { code message messageZh: message(locale: ZH_CN) } } }`;
    const inChinese = (points: number, requestId: string) => server.gql(IN_CHINESE, { i: { customerId: gid('Customer', c.id), points, requestId } });
    expect((await inChinese(51, 'too-much')).data.redeemPoints.userErrors).toEqual([
      { code: 'INVALID_AMOUNT', message: 'the balance is 50 points, fewer than 51', messageZh: '积分余额为 50，少于要兑换的 51' },
    ]);
    expect((await inChinese(0, 'zero')).data.redeemPoints.userErrors).toEqual([
      { code: 'INVALID_INPUT', message: 'must be a positive number of points', messageZh: '积分必须是正数' },
    ]);

    const first = await redeem(c.id, 20, 'once');
    const again = await redeem(c.id, 20, 'once');
    expect(again.data).toEqual(first.data);
    expect(await state('C4')).toEqual({ ...c, points: 30, entries: 2 });
    expect((await redeem(c.id, 21, 'once')).data.redeemPoints.userErrors).toEqual([{ code: 'CONFLICT', field: ['input', 'requestId'] }]);
    expect((await redeem(c.id, 0, 'zero')).data.redeemPoints.userErrors[0].code).toBe('INVALID_INPUT');
  });

  it("refuses a READ-only key, and a key of another shop cannot see the customer (NOT_FOUND)", async () => {
    await ingest(paid('O7', 'C5', '50.00', '2026-05-01T10:00:00+08:00'));
    const c = await state('C5');
    const other = await insertShop(backend().db, '京东店', 'JD');
    const foreign = await server.createKey({ name: 'other shop', shopIds: [other.id], scopes: ['READ', 'MANAGE'] });
    const reader = await server.createKey({ name: 'reader', shopIds: [shop.id], scopes: ['READ'] });
    expect((await redeem(c.id, 10, 'x', bearer(foreign))).data.redeemPoints.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    const read = await redeem(c.id, 10, 'y', bearer(reader));
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await state('C5')).points).toBe(50);
  });

  it('drops the tier when a refund takes net spend below its line', async () => {
    await ingest(paid('O8', 'C6', '600.00', '2026-05-01T10:00:00+08:00'));
    const c = await state('C6');
    let view = await server.gql(CUSTOMER, { id: gid('Customer', c.id) });
    expect(view.data.node).toMatchObject({ tier: 'SILVER', spend: '600.00', netSpend: '600.00' });
    await ingest(refund('O8', 1, '200.00', '2026-05-02T10:00:00+08:00'));
    view = await server.gql(CUSTOMER, { id: gid('Customer', c.id) });
    expect(view.data.node).toMatchObject({ tier: 'NORMAL', spend: '600.00', netSpend: '400.00', refunded: '200.00', points: 400 });
    const silver = await server.gql(`{ customers(filter: { tier: SILVER }) { totalCount } normal: customers(filter: { tier: NORMAL }) { totalCount } }`);
    expect(silver.data).toEqual({ customers: { totalCount: 0 }, normal: { totalCount: 1 } });
  });
});
