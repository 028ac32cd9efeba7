import { encodeGlobalID } from '@pothos/plugin-relay';
import { eq, inArray, sql } from 'drizzle-orm';
import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import { SYSTEM } from '../auth/viewer.js';
import type { Db, DbOrTx } from '../db/client.js';
import { liftStatementTimeout } from '../db/statement-timeout.js';
import {
  alerts,
  UNRESOLVED,
  campaignMilestones,
  campaigns,
  customers,
  dailyReports,
  operationPlans,
  planTasks,
  products,
  shops,
  skus,
} from '../db/tables.js';
import { fenToYuan } from '../lib/money.js';
import { addDays, DAY_MS, HOUR_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { COVER_WINDOW_HOURS } from '../modules/alert/rules/rule-inputs.js';
import { recordSpend, type SpendEntryInput } from '../modules/marketing/marketing.service.js';
import { unitsSoldBySku } from '../modules/product/turnover.js';
import type { AnnounceCounted } from '../realtime/pubsub.js';
import { build618, withCampaign618 } from './demo.618.js';
import { record618 } from './demo.618.records.js';
import { buildAlerts, lowStockSku } from './demo.alerts.js';
import { buildCampaigns } from './demo.campaigns.js';
import { buildCatalog, DEMO_SHOPS, shopRows, type DemoShop } from './demo.catalog.js';
import { buildCustomers, customerRows } from './demo.customers.js';
import { campaignGmvFen, hourlyOrderCounts, readDayFacts } from './demo.facts.js';
import { buildHistory, HISTORY_DAYS } from './demo.history.js';
import { ingestHistory, type IngestProgress } from './demo.ingest.js';
import { buildPlan } from './demo.plan.js';
import { createRandom, seededUuid } from './demo.random.js';
import { openDemoRectifications } from './demo.rectifications.js';
import { buildReports, type DaySpend } from './demo.reports.js';

/** One stream per part, so changing how customers are named does not reshuffle every order. */
const SEEDS = { ids: 0x1d5, catalog: 0x618, customers: 0x1111, history: 0x2026, traffic: 0x11_11, reports: 0x1212 } as const;
/** Arbitrary, distinct from the migration lock: serialises demo loads of instances booting together. */
const DEMO_LOCK_KEY = 4_242_618_1112;
/** Well under PostgreSQL's 65,535 bind parameters even for the widest table. */
const CHUNK_ROWS = 1000;

export interface DemoOptions {
  /** Multiplies the history's volume; tests load a fraction of the month. */
  scale?: number;
}

/**
 * The demo built in memory. Everything is seeded, ids included, so the same `now` always gives
 * the same rows and the same history events: an interrupted load can be regenerated and resent.
 */
export function buildDemo(now: Date, options: DemoOptions = {}) {
  const ids = createRandom(SEEDS.ids);
  const newId = () => seededUuid(ids);
  // Shops draw the first ids, whatever the clock: see demoShopIds.
  const shopList: DemoShop[] = DEMO_SHOPS.map((s) => ({ ...s, id: newId() }));
  const shopIds = shopList.map((s) => s.id);
  const catalog = buildCatalog(shopList, createRandom(SEEDS.catalog), now, newId);
  const people = buildCustomers(shopList, createRandom(SEEDS.customers), newId);
  const demoCampaigns = buildCampaigns(shopIds, now, newId, shopList.map((s) => s.platform));
  const { plan, tasks } = buildPlan(shopIds, now, newId);
  const members = customerRows(people, now, createRandom(SEEDS.customers + 1));
  const the618 = build618({ shops: shopList, skus: catalog.demoSkus, members, campaign: demoCampaigns.ended, now, scale: options.scale ?? 1 });
  const month = buildHistory({
    shops: shopList,
    skus: catalog.demoSkus,
    customers: people,
    campaigns: demoCampaigns.windows,
    now,
    random: createRandom(SEEDS.history),
    seed: SEEDS.traffic,
    ...(options.scale === undefined ? {} : { scale: options.scale }),
  });
  // The ended 618 goes through ingestion after the month, so the war room's own days come in first.
  const history = withCampaign618(month, the618);
  return {
    now,
    shopList,
    catalog,
    campaigns: demoCampaigns,
    history,
    the618,
    rows: {
      shops: shopRows(shopList, now),
      products: catalog.products,
      // Ingesting the month's paid orders takes their units off, so start with that much more.
      skus: catalog.skus.map((s) => ({ ...s, stock: s.stock! + (history.unitsSold.get(s.id!) ?? 0) })),
      customers: members,
      campaigns: demoCampaigns.rows,
      milestones: demoCampaigns.milestones,
      plans: [plan],
      planTasks: tasks,
    },
  };
}

export type Demo = ReturnType<typeof buildDemo>;

/** The demo shops' ids: the first ids of the seeded stream, as buildDemo draws them. */
function demoShopIds(): string[] {
  const ids = createRandom(SEEDS.ids);
  return DEMO_SHOPS.map(() => seededUuid(ids));
}

export interface DemoStart {
  /**
   * created: this call inserted the demo. incomplete: an earlier load stopped before its history
   * was in. complete: nothing to do. other: the database holds something that is not the demo.
   */
  state: 'created' | 'incomplete' | 'complete' | 'other';
  /** Sends the history through ingestion and writes what is derived from it; null when nothing is left to do. */
  finish: ((options: FinishOptions) => Promise<HistoryLoad>) | null;
}

export interface FinishOptions {
  /** Told after each history batch commits (the server's change notice); null where no server runs. */
  announce: AnnounceCounted | null;
  /** Stops between batches (shutdown); a later start resends the rest. */
  signal?: AbortSignal;
}

export interface HistoryLoad extends IngestProgress {
  events: number;
  ms: number;
}

/**
 * Inserts the demo's shops, catalog, customers, campaigns and plan into an empty database (one
 * transaction, so it is all or nothing), and hands back the history to ingest: ingesting a month
 * takes seconds, so `npm start` runs it after the server listens. Daily reports are written last
 * and mark the demo complete; a start that finds the demo without them resends the history
 * (regenerated from the shops' creation time, the demo's clock) and ingestion skips what it has.
 */
export async function startDemo(db: Db, logger: Logger, clock: () => Date, options: DemoOptions = {}): Promise<DemoStart> {
  const now = clock();
  const prepared = await db.transaction(async (tx) => {
    // Two instances booting with --demo against one PostgreSQL would both see no shops; the lock
    // makes "check empty, then load" atomic. The lock ends with the transaction.
    await liftStatementTimeout(tx); // a second instance waits here while the first loads
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_LOCK_KEY}::bigint)`);
    const existing = await tx.select({ id: shops.id, createdAt: shops.createdAt }).from(shops);
    if (existing.length === 0) {
      const demo = buildDemo(now, options);
      await insertBase(tx, demo);
      return { state: 'created' as const, demo };
    }
    // The demo's shops have fixed ids; their creation time is the clock the demo was built for.
    const demoShops = demoShopIds().map((id) => existing.find((e) => e.id === id));
    if (!demoShops.every((s) => s !== undefined)) return { state: 'other' as const, demo: null };
    const demo = buildDemo(demoShops[0]!.createdAt, options);
    if (await hasReports(tx, demo)) return { state: 'complete' as const, demo: null };
    return { state: 'incomplete' as const, demo };
  });
  const { state, demo } = prepared;
  if (!demo) return { state, finish: null };
  return { state, finish: (finishOptions) => finishDemo(db, logger, demo, { ...finishOptions, clock, resume: state === 'incomplete' }) };
}

/** Loads the whole demo into an empty database and waits for its history. False if there was data already. */
export async function loadDemoIfEmpty(db: Db, logger: Logger, clock: () => Date, options: DemoOptions = {}): Promise<boolean> {
  const start = await startDemo(db, logger, clock, options);
  await start.finish?.({ announce: null });
  return start.state === 'created';
}

async function finishDemo(db: Db, logger: Logger, demo: Demo, options: FinishOptions & { clock: () => Date; resume: boolean }): Promise<HistoryLoad> {
  const started = performance.now();
  const { events } = demo.history;
  const progress = await ingestHistory(db, events, {
    logger,
    resume: options.resume,
    announce: options.announce,
    // A demo built for a fixed clock in the future (tests) must not have its events refused as future ones.
    now: () => new Date(Math.max(options.clock().getTime(), demo.now.getTime())),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await db.transaction(async (tx) => {
    await liftStatementTimeout(tx); // a second instance waits here while the first loads
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_LOCK_KEY}::bigint)`);
    // Another instance sharing the database may have finished first.
    if (await hasReports(tx, demo)) return;
    await insertDerived(tx, demo);
  });
  const ms = Math.round(performance.now() - started);
  logger.info({ ...progress, events: events.length, ms }, `demo history loaded in ${ms} ms: ${events.length} events through ingestion (${progress.accepted} accepted, ${progress.duplicates} duplicates)`);
  return { ...progress, events: events.length, ms };
}

async function hasReports(tx: DbOrTx, demo: Demo): Promise<boolean> {
  const shopIds = demo.shopList.map((s) => s.id);
  const [report] = await tx.select({ id: dailyReports.id }).from(dailyReports).where(inArray(dailyReports.shopId, shopIds)).limit(1);
  return report !== undefined;
}

async function insertBase(tx: DbOrTx, demo: Demo) {
  // Parents before children, in the order the foreign keys require.
  const { rows } = demo;
  await insertAll(tx, shops, rows.shops);
  await insertAll(tx, products, rows.products);
  await insertAll(tx, skus, rows.skus);
  await insertAll(tx, customers, rows.customers);
  await insertAll(tx, campaigns, rows.campaigns);
  await insertAll(tx, campaignMilestones, rows.milestones);
  await insertAll(tx, operationPlans, rows.plans);
  await insertAll(tx, planTasks, rows.planTasks);
}

/** Reports, marketing spend and alerts quote what ingestion recorded for the month. */
async function insertDerived(tx: DbOrTx, demo: Demo) {
  const { now, shopList, campaigns: demoCampaigns } = demo;
  const from = startOfShanghaiDay(addDays(shanghaiDate(now), -HISTORY_DAYS));
  const facts = await readDayFacts(tx, from, now);
  const reports = buildReports(shopList, facts, now, createRandom(SEEDS.reports));
  const lowStock = lowStockSku(demo.catalog.demoSkus);
  const spike = reports.facts.refundSpike;
  const recorded = {
    // Read as the rules read them (rule-inputs.ts): units from the SKU rollups, orders from the HOUR rollups.
    lowStockUnitsRecently: lowStock
      ? ((await unitsSoldBySku(tx, SYSTEM, [lowStock.id], { from: new Date(now.getTime() - COVER_WINDOW_HOURS * HOUR_MS), to: now })).get(lowStock.id) ?? 0)
      : 0,
    liveCampaignGmvFen: await campaignGmvFen(tx, demoCampaigns.live.id, now),
    refundSpikeHours: await hourlyOrderCounts(tx, spike.shopId, new Date(startOfShanghaiDay(spike.date).getTime() - DAY_MS), now),
  };
  const [live] = await tx.select().from(campaigns).where(eq(campaigns.id, demoCampaigns.live.id));
  const [unplannedRisk] = await tx.select().from(campaignMilestones).where(eq(campaignMilestones.id, demoCampaigns.unplannedRisk.id));
  const alertRows = buildAlerts({ shops: shopList, skus: demo.catalog.demoSkus, live: live!, unplannedRisk: unplannedRisk!, facts: reports.facts, recorded, now });
  await insertAll(tx, dailyReports, reports.dailyReports);
  await recordDemoSpend(tx, demo, reports.spend);
  await record618(tx, demo.the618);
  await openDemoRectifications(tx, shopList, now);
  // The rule engine runs while the history loads and may already have raised the same alert (the hot
  // SKU under its line, the HIGH risk without a plan): its row stands, the canned one is dropped.
  if (alertRows.length > 0) await tx.insert(alerts).values(alertRows).onConflictDoNothing({ target: alerts.dedupeKey, where: UNRESOLVED });
}

/**
 * The month's spend goes through recordMarketingSpend's own service (validation, idempotency, the
 * rollup into metric_rollups.spend_fen), so Metrics.spend and roi show exactly what the reports and
 * the ROI incidents quote. One entry per shop × day × source at the day's start, attributed to the
 * campaign running then (the demo's campaigns span whole days, as their orders' attribution does).
 */
async function recordDemoSpend(tx: DbOrTx, demo: Demo, spend: readonly DaySpend[]) {
  const campaignAt = (shopId: string, at: Date) =>
    demo.campaigns.windows.find((c) => c.shopIds.includes(shopId) && c.startsAt <= at && at < c.endsAt);
  const entries: SpendEntryInput[] = spend.map((s) => {
    const spentAt = startOfShanghaiDay(s.date);
    const campaign = campaignAt(s.shopId, spentAt);
    return {
      id: `demo-spend-${s.date}-${s.source}`,
      shopId: encodeGlobalID('Shop', s.shopId),
      spentAt,
      source: s.source,
      campaignId: campaign ? encodeGlobalID('Campaign', campaign.id) : null,
      amount: fenToYuan(s.spendFen),
    };
  });
  // Inside the demo's own transaction: nothing is announced before it commits.
  const result = await recordSpend(tx, SYSTEM, entries, demo.now, null);
  if (result.userErrors.length > 0) throw new Error(`demo spend refused: ${JSON.stringify(result.userErrors.slice(0, 3))}`);
}

async function insertAll<T extends PgTable>(tx: DbOrTx, table: T, rows: readonly PgInsertValue<T>[]): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    await tx.insert(table).values(rows.slice(i, i + CHUNK_ROWS));
  }
  return rows.length;
}
