import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Db, Tx } from '../db/client.js';
import {
  alerts,
  campaignMilestones,
  campaigns,
  customers,
  dailyReports,
  marketingSpend,
  operationPlans,
  orderItems,
  orders,
  planTasks,
  products,
  refunds,
  shops,
  skus,
} from '../db/tables.js';
import { buildAlerts } from './demo.alerts.js';
import { buildCampaigns } from './demo.campaigns.js';
import { buildCatalog, DEMO_SHOPS, shopRows, type DemoShop } from './demo.catalog.js';
import { buildCustomers, customerRows } from './demo.customers.js';
import { buildHistory } from './demo.history.js';
import { buildPlan } from './demo.plan.js';
import { createRandom } from './demo.random.js';
import { buildReports } from './demo.reports.js';

/** One stream per part, so changing how customers are named does not reshuffle every order. */
const SEEDS = { catalog: 0x618, customers: 0x1111, history: 0x2026, reports: 0x1212 } as const;
/** Arbitrary, distinct from the migration lock: serialises demo loads of instances booting together. */
const DEMO_LOCK_KEY = 4_242_618_1112;
/** Well under PostgreSQL's 65,535 bind parameters even for the widest table (orders, 17 columns). */
const CHUNK_ROWS = 1000;

/**
 * Fills an empty database with a month of believable operations for four shops, with a campaign
 * live at `now`. Does nothing when any shop exists, so it is safe on every boot with --demo.
 * Ids are random; every figure comes from seeded generators, so the same `now` gives the same numbers.
 */
export async function loadDemoIfEmpty(db: Db, logger: Logger, now = new Date()): Promise<boolean> {
  const started = performance.now();
  const counts = await db.transaction(async (tx) => {
    // Two instances booting with --demo against one PostgreSQL would both see no shops; the lock
    // makes "check empty, then load" atomic. The lock ends with the transaction.
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_LOCK_KEY}::bigint)`);
    const [existing] = await tx.select({ id: shops.id }).from(shops).limit(1);
    if (existing) return null;
    return insertDemo(tx, now);
  });
  if (!counts) return false;
  const ms = Math.round(performance.now() - started);
  logger.info(
    { ...counts, ms },
    `demo loaded in ${ms} ms: ${counts.shops} shops, ${counts.skus} SKUs, ${counts.customers} customers, ` +
      `${counts.orders} orders, ${counts.campaigns} campaigns, ${counts.dailyReports} daily reports, ` +
      `${counts.alerts} alerts`,
  );
  return true;
}

/** Everything the demo inserts, built in memory; pure apart from the random ids. */
export function buildDemo(now: Date) {
  const shopList: DemoShop[] = DEMO_SHOPS.map((s) => ({ ...s, id: randomUUID() }));
  const shopIds = shopList.map((s) => s.id);
  const catalog = buildCatalog(shopList, createRandom(SEEDS.catalog), now);
  const people = buildCustomers(shopList, createRandom(SEEDS.customers));
  const demoCampaigns = buildCampaigns(shopIds, now);
  const { plan, tasks } = buildPlan(shopIds, now);
  const history = buildHistory({
    shops: shopList,
    skus: catalog.demoSkus,
    customers: people,
    campaigns: demoCampaigns.windows,
    now,
    random: createRandom(SEEDS.history),
  });
  const reports = buildReports(shopList, history.orders, now, createRandom(SEEDS.reports));
  return {
    shops: shopRows(shopList),
    products: catalog.products,
    skus: catalog.skus,
    customers: customerRows(people, history.orders),
    campaigns: demoCampaigns.rows,
    milestones: demoCampaigns.milestones,
    plans: [plan],
    planTasks: tasks,
    orders: history.orders,
    orderItems: history.items,
    refunds: history.refunds,
    dailyReports: reports.dailyReports,
    marketingSpend: reports.spend,
    alerts: buildAlerts({
      shops: shopList,
      skus: catalog.demoSkus,
      campaigns: demoCampaigns,
      history,
      facts: reports.facts,
      now,
    }),
  };
}

async function insertDemo(tx: Tx, now: Date) {
  const demo = buildDemo(now);
  // Parents before children, in the order the foreign keys require.
  return {
    shops: await insertAll(tx, shops, demo.shops),
    products: await insertAll(tx, products, demo.products),
    skus: await insertAll(tx, skus, demo.skus),
    customers: await insertAll(tx, customers, demo.customers),
    campaigns: await insertAll(tx, campaigns, demo.campaigns),
    milestones: await insertAll(tx, campaignMilestones, demo.milestones),
    plans: await insertAll(tx, operationPlans, demo.plans),
    planTasks: await insertAll(tx, planTasks, demo.planTasks),
    orders: await insertAll(tx, orders, demo.orders),
    orderItems: await insertAll(tx, orderItems, demo.orderItems),
    refunds: await insertAll(tx, refunds, demo.refunds),
    dailyReports: await insertAll(tx, dailyReports, demo.dailyReports),
    marketingSpend: await insertAll(tx, marketingSpend, demo.marketingSpend),
    alerts: await insertAll(tx, alerts, demo.alerts),
  };
}

async function insertAll<T extends PgTable>(tx: Tx, table: T, rows: readonly PgInsertValue<T>[]): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    await tx.insert(table).values(rows.slice(i, i + CHUNK_ROWS));
  }
  return rows.length;
}
