import { and, count, eq, gt, is, isNull, lte, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import type { Db } from '../db/client.js';
import * as tables from '../db/tables.js';
import {
  campaignMilestones,
  campaigns,
  customers,
  dailyReports,
  orderItems,
  orders,
  planTasks,
  products,
  shops,
  skus,
} from '../db/tables.js';
import { buildDemo, loadDemoIfEmpty } from './demo.seed.js';

const silent = pino({ level: 'silent' });
/** Noon in Shanghai on 11.11 itself: the war room's busiest day. */
const NOW = new Date('2026-11-11T04:00:00Z');
const shanghaiDay = (column: unknown) => sql`(${column} at time zone 'Asia/Shanghai')::date`;

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    if (!is(table, PgTable)) continue;
    const [row] = await db.select({ n: count() }).from(table);
    result[name] = row?.n ?? 0;
  }
  return result;
}

describeEachBackend('demo data', (backend) => {
  // One load per test costs seconds, so the content and its arithmetic are checked in one test.
  it('an empty database gets four shops, a live 双11 campaign and a month of orders that add up', async () => {
    const { db } = backend();
    expect(await loadDemoIfEmpty(db, silent, NOW)).toBe(true);

    const platforms = await db.selectDistinct({ platform: shops.platform }).from(shops);
    expect(platforms.length).toBeGreaterThanOrEqual(4);

    const [skuCount] = await db.select({ n: count() }).from(skus);
    expect(skuCount!.n).toBeGreaterThanOrEqual(180);
    expect(skuCount!.n).toBeLessThanOrEqual(220);
    const roles = await db
      .selectDistinct({ role: products.role })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId));
    expect(roles.map((r) => r.role).sort()).toEqual(['IMAGE', 'PROFIT', 'TRAFFIC']);

    const live = await db
      .select()
      .from(campaigns)
      .where(and(lte(campaigns.startsAt, NOW), gt(campaigns.endsAt, NOW)));
    expect(live).toHaveLength(1);
    const milestones = await db.select().from(campaignMilestones).where(eq(campaignMilestones.campaignId, live[0]!.id));
    expect(milestones.some((m) => m.riskLevel === 'HIGH' && m.responsePlan === null)).toBe(true);

    const tasks = await db.select().from(planTasks);
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED']));
    for (const task of tasks.filter((t) => t.status === 'DELAYED')) {
      expect(task.delayReason, task.title).toBeTruthy();
      expect(task.catchUpPlan, task.title).toBeTruthy();
    }

    const [span] = await db
      .select({ days: sql<number>`count(distinct ${shanghaiDay(orders.placedAt)})::int` })
      .from(orders);
    expect(span!.days).toBeGreaterThanOrEqual(29);

    const [spendMismatch] = await db.select({ n: count() }).from(customers).where(sql`${customers.spendFen} <> coalesce(
      (select sum(o.amount_fen) from orders o where o.customer_id = ${customers.id} and o.paid_at is not null), 0)`);
    expect(spendMismatch!.n).toBe(0);

    const [amountMismatch] = await db.select({ n: count() }).from(orders).where(sql`${orders.amountFen} <>
      (select coalesce(sum(i.quantity * i.unit_price_fen), 0) from order_items i where i.order_id = ${orders.id})`);
    expect(amountMismatch!.n).toBe(0);

    // Orders only involve their own shop's customers and SKUs.
    const [foreignCustomer] = await db
      .select({ n: count() })
      .from(orders)
      .innerJoin(customers, eq(customers.id, orders.customerId))
      .where(sql`${customers.shopId} <> ${orders.shopId}`);
    const [foreignSku] = await db
      .select({ n: count() })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .innerJoin(skus, eq(skus.id, orderItems.skuId))
      .where(sql`${skus.shopId} <> ${orders.shopId}`);
    expect([foreignCustomer!.n, foreignSku!.n]).toEqual([0, 0]);

    // The daily reports' GMV is the paid orders' GMV on the same Asia/Shanghai days.
    const [reported] = await db
      .select({
        gmv: sql<string>`sum(${dailyReports.gmvFen})`,
        from: sql<string>`min(${dailyReports.date})::text`,
        to: sql<string>`max(${dailyReports.date})::text`,
      })
      .from(dailyReports);
    const [paid] = await db
      .select({ gmv: sql<string>`sum(${orders.amountFen})` })
      .from(orders)
      .where(
        sql`${orders.paidAt} is not null
          and ${shanghaiDay(orders.paidAt)} between ${reported!.from}::date and ${reported!.to}::date`,
      );
    expect(Number(reported!.gmv)).toBeGreaterThan(0);
    expect(Number(reported!.gmv)).toBe(Number(paid!.gmv));

    const [unpaidButRefunded] = await db
      .select({ n: count() })
      .from(orders)
      .where(and(isNull(orders.paidAt), gt(orders.refundedFen, 0)));
    expect(unpaidButRefunded!.n).toBe(0);
  });

  it('a second start finds the shops and leaves every table as it was', async () => {
    const { db } = backend();
    expect(await loadDemoIfEmpty(db, silent)).toBe(true);
    const before = await rowCounts(db);
    expect(before.orders).toBeGreaterThan(0);
    expect(before.metricMinutes).toBe(0);
    expect(before.events).toBe(0);

    expect(await loadDemoIfEmpty(db, silent)).toBe(false);
    expect(await rowCounts(db)).toEqual(before);
  });
});

it('the same clock always yields the same figures', () => {
  const figures = () => {
    const demo = buildDemo(NOW);
    return {
      orders: demo.orders.map((o) => [o.externalId, o.status, o.amountFen, o.refundedFen, o.placedAt.getTime()]),
      customers: demo.customers.map((c) => [c.externalId, c.nickname, c.spendFen]),
      skus: demo.skus.map((s) => [s.code, s.priceFen, s.costFen, s.stock]),
      reports: demo.dailyReports.map((r) => [r.date, r.source, r.visitors, r.gmvFen]),
    };
  };
  expect(figures()).toEqual(figures());
});
