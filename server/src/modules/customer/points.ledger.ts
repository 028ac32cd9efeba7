import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { Db, Tx } from '../../db/client.js';
import { executePrepared, jsonRecords, pipelined, preparedRows, rows } from '../../db/rows.js';
import { DomainError, notFound } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { parseInput } from '../../lib/validate.js';
import { customers, pointsLedger, type CustomerRow, type PointsEntryRow } from './customer.table.js';
import { instantFromPostgres } from '../../db/instant.js';
import { BUSINESS_TIME_ZONE } from '../../lib/time.js';

/**
 * The points rule (docs/CUSTOMERS.md):
 * - EARN on payment: 1 point per whole yuan paid, floor(amountFen / 100), as a lot that expires one
 *   calendar year after the payment.
 * - REVERSE on refund: an order keeps floor((paid − refunded) / 100) points, so each refund reverses the
 *   drop of that figure it causes (partial refunds add up exactly, whatever order they arrive in). It is
 *   taken from the order's own lot first, then from the oldest-expiring lots; the balance never goes
 *   below zero: points the customer already spent are not clawed back, and the entry records what was
 *   actually taken.
 * - REDEEM: 100 points = ¥1, oldest-expiring lots first, refused when the balance is short.
 * - EXPIRE: the unspent remainder of a lot once it is past its expiry.
 * Every change goes through the lots, so customers.points = Σ ledger points = Σ lot remainders.
 */
export const FEN_PER_POINT_EARNED = 100;
export const POINTS_PER_YUAN_REDEEMED = 100;
/**
 * A lot's expiry: the same Asia/Shanghai wall-clock moment one calendar year after the payment (02-29 → 02-28).
 * Added in Shanghai time, not the session's: in UTC a payment before 08:00 in Shanghai sits on the day before,
 * so a 02-29 payment would expire on 03-01 and one on 03-01 of the year before a leap year on 02-29.
 */
const BUSINESS_ZONE = sql.raw(`'${BUSINESS_TIME_ZONE}'`);
const pointsExpiry = (paidAt: SQL) => sql`(((${paidAt}) at time zone ${BUSINESS_ZONE}) + interval '1 year') at time zone ${BUSINESS_ZONE}`;

interface Lot {
  id: string;
  customerId: string;
  orderId: string | null;
  remaining: number;
}

/** Takes up to `wanted` points, from `firstOrderId`'s lot first, then in the given (oldest-expiring) order. */
function takeFromLots(lots: Lot[], wanted: number, taken: Map<string, Lot>, firstOrderId: string | null = null): number {
  const ordered = firstOrderId ? [...lots.filter((l) => l.orderId === firstOrderId), ...lots.filter((l) => l.orderId !== firstOrderId)] : lots;
  let left = wanted;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take === 0) continue;
    lot.remaining -= take;
    left -= take;
    taken.set(lot.id, lot);
  }
  return wanted - left;
}

async function writeLots(tx: Tx, changed: Map<string, Lot>) {
  const update = lotUpdates(changed);
  if (update) await executePrepared(tx, update);
}

/** The statement that stores the lots' new remainders (null when none changed). */
function lotUpdates(changed: Map<string, Lot>): SQL | null {
  if (changed.size === 0) return null;
  const records = [...changed.values()].map((l) => ({ id: l.id, remaining: l.remaining }));
  return sql`
    update points_ledger l set remaining = r.remaining, updated_at = now()
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(id uuid, remaining int) where l.id = r.id`;
}

async function openLots(tx: Tx, customerIds: string[]): Promise<Map<string, Lot[]>> {
  const found = await preparedRows<{ id: string; customer_id: string; order_id: string | null; remaining: number }>(
    tx,
    sql`select id, customer_id, order_id, remaining from points_ledger
        where kind = 'EARN' and remaining > 0
          and customer_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(customerIds)}::jsonb))
        order by customer_id, expires_at, id`,
  );
  const byCustomer = new Map<string, Lot[]>();
  for (const r of found) {
    const list = byCustomer.get(r.customer_id) ?? [];
    list.push({ id: r.id, customerId: r.customer_id, orderId: r.order_id, remaining: Number(r.remaining) });
    byCustomer.set(r.customer_id, list);
  }
  return byCustomer;
}

/** A refund of a paid order whose REVERSE entry is still to be written, with the points it reverses at most. */
export interface PendingReversal {
  id: string;
  order_id: string;
  customer_id: string;
  amount_fen: string | number;
  refunded_at: string | Date;
  points: string | number;
}

/**
 * The statements that bring the ledger up to date for orders that were paid or refunded in an ingest
 * batch (null when none was): `earn` writes an EARN lot for each newly paid order and credits its
 * customer; `reversals` answers the refunds of paid orders not reversed yet (a refund that arrived
 * before its payment is reversed once the payment is known), which reversePoints then writes. The
 * sourceKey unique index makes a replay write nothing. For the ingest transaction's pipeline, after the
 * orders and refunds are written, under the locks of the orders and of their customers' rows.
 */
export function orderPoints(orderIds: string[]): { earn: SQL; reversals: SQL } | null {
  if (orderIds.length === 0) return null;
  const batch = JSON.stringify(orderIds);
  return {
    earn: sql`
      with earned as (
        insert into points_ledger (customer_id, kind, points, source_key, order_id, occurred_at, expires_at, remaining)
        select o.customer_id, 'EARN', o.amount_fen / ${FEN_PER_POINT_EARNED}, 'EARN:' || o.id, o.id, o.paid_at,
          ${pointsExpiry(sql`o.paid_at`)}, o.amount_fen / ${FEN_PER_POINT_EARNED}
        from orders o
        where o.id in (select value::uuid from jsonb_array_elements_text(${batch}::jsonb))
          and o.paid_at is not null and o.customer_id is not null
        order by o.customer_id, o.id
        on conflict (customer_id, source_key) do nothing
        returning customer_id, points),
      credit as (select customer_id, sum(points)::int as points from earned group by customer_id)
      update customers c set points = c.points + credit.points, updated_at = now() from credit where c.id = credit.customer_id`,
    // Each new refund reverses floor((paid − refunded before)/100) − floor((paid − refunded after)/100),
    // counting refunds already reversed first: the total over an order's refunds telescopes to the exact
    // figure whatever order they arrived in. A new EARN is not a REVERSE this looks for.
    reversals: sql`
      with paid as (
        select o.id, o.customer_id, o.amount_fen from orders o
        where o.id in (select value::uuid from jsonb_array_elements_text(${batch}::jsonb))
          and o.paid_at is not null and o.customer_id is not null),
      refs as (
        select r.id, r.order_id, r.amount_fen, r.refunded_at, p.customer_id, p.amount_fen as paid_fen,
          exists (select 1 from points_ledger l where l.customer_id = p.customer_id and l.source_key = 'REVERSE:' || r.id) as done
        from refunds r join paid p on p.id = r.order_id),
      done_sum as (select order_id, sum(amount_fen)::bigint as s from refs where done group by order_id),
      news as (
        select n.*, (coalesce(d.s, 0) + sum(n.amount_fen) over (partition by n.order_id order by n.refunded_at, n.id))::bigint as after
        from refs n left join done_sum d on d.order_id = n.order_id where not n.done)
      select id, order_id, customer_id, amount_fen, refunded_at,
        greatest(paid_fen - (after - amount_fen), 0) / ${FEN_PER_POINT_EARNED} - greatest(paid_fen - after, 0) / ${FEN_PER_POINT_EARNED} as points
      from news order by customer_id, refunded_at, id`,
  };
}

/** Writes the REVERSE entries orderPoints' `reversals` answered, taking the points from the lots, and debits the customers. */
export async function reversePoints(tx: Tx, reversals: PendingReversal[]): Promise<void> {
  if (reversals.length === 0) return;
  const lots = await openLots(tx, [...new Set(reversals.map((r) => r.customer_id))]);
  const changed = new Map<string, Lot>();
  const debit = new Map<string, { points: number; refunded: number }>();
  const entries = reversals.map((r) => {
    const actual = takeFromLots(lots.get(r.customer_id) ?? [], Number(r.points), changed, r.order_id);
    const d = debit.get(r.customer_id) ?? { points: 0, refunded: 0 };
    d.points -= actual;
    d.refunded += Number(r.amount_fen);
    debit.set(r.customer_id, d);
    return { cust: r.customer_id, points: -actual, key: `REVERSE:${r.id}`, ord: r.order_id, at: instantFromPostgres(r.refunded_at).toISOString() };
  });
  const records = [...debit.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, d]) => ({ id, points: d.points, refunded: d.refunded }));
  // Computed here, independent of each other's answers: one round trip.
  await pipelined(tx, [
    sql`
      insert into points_ledger (customer_id, kind, points, source_key, order_id, occurred_at)
      select cust, 'REVERSE', points, key, ord, at
      from jsonb_to_recordset(${jsonRecords(entries)}::jsonb) as r(cust uuid, points int, key text, ord uuid, at timestamptz)
      on conflict (customer_id, source_key) do nothing`,
    lotUpdates(changed),
    // refunded_fen counts refunds of paid orders only, exactly once: when their REVERSE entry is written.
    sql`
      update customers c set points = c.points + r.points, refunded_fen = c.refunded_fen + r.refunded, updated_at = now()
      from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(id uuid, points int, refunded bigint) where c.id = r.id`,
  ]);
}

/**
 * Writes EXPIRE entries for the unspent remainder of every lot past its expiry (idempotent: a lot's
 * remainder becomes 0 and its entry's sourceKey is `EXPIRE:<lot id>`). Returns the points expired.
 */
export async function expirePoints(db: Db, now: Date): Promise<number> {
  return db.transaction((tx) => expireDueLots(tx, now));
}

async function expireDueLots(tx: Tx, now: Date, customerId: string | null = null): Promise<number> {
  // Customers first, in the key order ingestion locks them in, so the two never deadlock.
  const due = await rows<{ id: string }>(
    tx,
    sql`select c.id from customers c
        where ${customerId ? sql`c.id = ${customerId} and` : sql``}
          exists (select 1 from points_ledger l where l.customer_id = c.id and l.kind = 'EARN' and l.remaining > 0 and l.expires_at <= ${now.toISOString()}::timestamptz)
        order by c.shop_id, c.external_id for update of c`,
  );
  if (due.length === 0) return 0;
  const ids = JSON.stringify(due.map((d) => d.id));
  const expired = await rows<{ points: string | number | null }>(
    tx,
    sql`
    with lots as (
      select id, customer_id, order_id, remaining, expires_at from points_ledger
      where kind = 'EARN' and remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz
        and customer_id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb))),
    entries as (
      insert into points_ledger (customer_id, kind, points, source_key, order_id, occurred_at)
      select customer_id, 'EXPIRE', -remaining, 'EXPIRE:' || id, order_id, expires_at from lots order by customer_id, expires_at, id
      on conflict (customer_id, source_key) do nothing
      returning customer_id, points),
    spent as (update points_ledger l set remaining = 0, updated_at = now() from lots where l.id = lots.id),
    balances as (
      update customers c set points = c.points + s.points, updated_at = now()
      from (select customer_id, sum(points)::int as points from entries group by customer_id) s
      where c.id = s.customer_id returning s.points)
    select sum(points) as points from balances`,
  );
  return -Number(expired[0]?.points ?? 0);
}

const RedeemInput = z.object({
  customerId: z.string(),
  points: z.number().int().positive(said('must be a positive number of points', '积分必须是正数')).max(100_000_000),
  requestId: z.string().trim().min(1, said('must not be empty', '不能为空')).max(200),
});

export interface Redemption {
  customer: CustomerRow;
  entry: PointsEntryRow;
}

/**
 * Redeems points at 100 points = ¥1, oldest-expiring lots first. Idempotent on requestId: a retry returns
 * the first redemption; the same requestId for a different amount is a CONFLICT. Refused, writing nothing,
 * when the balance (after expiring what is due) is short.
 */
export async function redeemPoints(db: Db, viewer: Viewer, input: unknown, now: Date): Promise<Redemption> {
  const data = parseInput(RedeemInput, input);
  return db.transaction(async (tx) => {
    const visible = and(eq(customers.id, data.customerId), shopVisible(viewer, customers.shopId));
    const [found] = await tx.select({ id: customers.id }).from(customers).where(visible).for('update');
    if (!found) throw notFound('customer', ['input', 'customerId']);
    const sourceKey = `REDEEM:${data.requestId}`;
    const [previous] = await tx.select().from(pointsLedger).where(and(eq(pointsLedger.customerId, found.id), eq(pointsLedger.sourceKey, sourceKey)));
    if (previous) {
      if (previous.points !== -data.points) {
        throw new DomainError(
          'CONFLICT',
          { en: 'this requestId was already used for a different number of points', zh: '此 requestId 已用于兑换另一数量的积分' },
          ['input', 'requestId'],
        );
      }
      const [customer] = await tx.select().from(customers).where(eq(customers.id, found.id));
      return { customer: customer!, entry: previous };
    }
    await expireDueLots(tx, now, found.id);
    const lots = (await openLots(tx, [found.id])).get(found.id) ?? [];
    const balance = lots.reduce((sum, l) => sum + l.remaining, 0);
    if (balance < data.points) {
      throw new DomainError(
        'INVALID_AMOUNT',
        { en: `the balance is ${balance} points, fewer than ${data.points}`, zh: `积分余额为 ${balance}，少于要兑换的 ${data.points}` },
        ['input', 'points'],
      );
    }
    const changed = new Map<string, Lot>();
    takeFromLots(lots, data.points, changed);
    await writeLots(tx, changed);
    const [entry] = await tx
      .insert(pointsLedger)
      .values({ customerId: found.id, kind: 'REDEEM', points: -data.points, sourceKey, occurredAt: now })
      .returning();
    const [customer] = await tx
      .update(customers)
      .set({ points: sql`${customers.points} - ${data.points}`, updatedAt: now })
      .where(eq(customers.id, found.id))
      .returning();
    return { customer: customer!, entry: entry! };
  });
}

/** A customer's ledger, oldest first (the caller has checked the customer is visible). */
export function pointsEntries(db: Db, customerId: string, limit: number) {
  return db.select().from(pointsLedger).where(eq(pointsLedger.customerId, customerId)).orderBy(asc(pointsLedger.occurredAt), asc(pointsLedger.createdAt)).limit(limit);
}
