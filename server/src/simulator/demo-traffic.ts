import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Logger } from 'pino';
import { SYSTEM } from '../auth/viewer.js';
import type { Db } from '../db/client.js';
import { sweepForgottenOrders } from '../demo/demo.warehouse.js';
import { carryLiveCampaign, type LiveCampaignLook } from '../demo/demo.carry.js';
import { openEncoreIfEnded, type Encore } from '../demo/demo.encore.js';
import type { CampaignRow } from '../modules/campaign/campaign.table.js';
import { INCIDENTS } from '../demo/demo.incidents.js';
import { InputErrors } from '../errors.js';
import { fenToYuan, yuanToFen } from '../lib/money.js';
import { ingestEvents, MAX_BATCH } from '../modules/ingest/ingest.service.js';
import { MAX_SPEND_ENTRIES, recordSpend } from '../modules/marketing/marketing.service.js';
import type { AnnounceCounted } from '../realtime/pubsub.js';
import { loadCatalog, loadStock } from './catalog.db.js';
import { LiveSpend } from './live-spend.js';
import { TrafficGenerator } from './traffic.generator.js';
import { countBatch, emptyTotals, PaidTally } from './traffic.options.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../observability/health.js';
import { HOUR_MS, MINUTE_MS } from '../lib/time.js';

/** Shoppers already browsing when the server starts: orders flow from the first second. */
const WARM_UP_MS = 15 * MINUTE_MS;
/** The SOCIAL budget's ROI swings over three hours around the demo's overspend: below 1 mostly, above it at the top. */
const SOCIAL_ROI_SWING = { amplitude: 0.35, periodMs: 3 * HOUR_MS };
/** PAID (直通车) pays for itself well. */
const PAID_ROI = 3;

/** The ROI each source's simulated budget is set for at a given minute. */
export function simulatedTargetRoi(source: 'PAID' | 'SOCIAL', minute: Date): number {
  if (source === 'PAID') return PAID_ROI;
  const phase = (2 * Math.PI * minute.getTime()) / SOCIAL_ROI_SWING.periodMs;
  return INCIDENTS.liveSocialOverspend.roi * (1 + SOCIAL_ROI_SWING.amplitude * Math.sin(phase));
}

export interface DemoTrafficOptions {
  db: Db;
  logger: Logger;
  /** Average events per second; the Double 11 curve makes midnight busier and 4 am quieter. */
  rate: number;
  /** The demo's clock: the server's, or a test's. */
  now: () => Date;
  tickMs?: number;
  logEveryMs?: number;
  /** How often the SKUs' stock is read again (default 10 s): a restock sells within it. */
  stockLookMs?: number;
  /** Told by the ingest and spend services after each batch that counted something (the server's change notice). */
  announce: AnnounceCounted | null;
}

export interface DemoTraffic {
  /** Stops ticking and resolves once the batch in flight is committed: call it before closing the database. */
  stop(): Promise<void>;
  /** False while its last FAILURES_BEFORE_UNHEALTHY seconds all failed (the server's /ready names it); true again once one succeeds. */
  healthy(): boolean;
}


/**
 * A live campaign that ended while the demo was stopped stays as its record stands; a 返场 takes its place
 * (demo.encore.ts), before the catalog is read, so the traffic from the first second is the encore's.
 */
async function openEncoreIfDue({ db, logger }: DemoTrafficOptions, now: Date): Promise<void> {
  let encore: Encore | null;
  try {
    encore = await openEncoreIfEnded(db, now);
  } catch (error) {
    if (!(error instanceof InputErrors)) throw error;
    logger.warn({ err: error }, 'simulator: the live campaign has ended and no 返场 could be opened; the traffic counts for no campaign');
    return;
  }
  if (!encore) return;
  const { ended, opened } = encore;
  logger.info(
    { endedCampaignId: ended.id, campaignId: opened.id, endsAt: opened.endsAt, gmvTargetFen: opened.gmvTargetFen },
    `simulator: ${ended.name} ended at ${ended.endsAt.toISOString()} while the demo was stopped; ${opened.name} opened in its ` +
      `place until ${opened.endsAt.toISOString()}, target ¥${fenToYuan(opened.gmvTargetFen)}`,
  );
}

/**
 * Keeps the demo alive: once a second, the traffic of the second just past goes through the ingest
 * service — the same validation and transaction as the ingestEvents mutation — so the war room
 * moves; each whole minute, the PAID and SOCIAL ad spend behind it goes through recordMarketingSpend's
 * service, so today's ROI moves too. Ids are tagged with the start time, so every boot's traffic is new.
 */
export async function startDemoTraffic(options: DemoTrafficOptions): Promise<DemoTraffic> {
  const { db, logger, rate, now, announce } = options;
  const tickMs = options.tickMs ?? 1_000;
  const logEveryMs = options.logEveryMs ?? 10_000;
  const stockLookMs = options.stockLookMs ?? 10_000;
  const started = now().getTime();
  await openEncoreIfDue(options, new Date(started));
  const catalog = await loadCatalog(db, new Date(started));
  if (!catalog.shops.some((s) => s.skus.length > 0)) {
    logger.warn('simulator: no shop has a SKU on sale; no demo traffic');
    return { stop: async () => {}, healthy: () => true };
  }
  const tag = `live-${started.toString(36)}`;
  const generator = new TrafficGenerator({ catalog, seed: started % 2 ** 32, tag });
  const spend = new LiveSpend({
    tag,
    shopIds: catalog.shops.map((s) => s.id),
    start: new Date(started),
    targetRoi: simulatedTargetRoi,
    // The traffic of a campaign's shops in its window is the campaign's (the generator's rule), so is the money behind it.
    campaignAt: (shopId, at) => catalog.campaigns.find((c) => c.shopIds.includes(shopId) && c.startsAt <= at && at < c.endsAt)?.id ?? null,
  });
  let spendFen = 0;
  const warmFrom = new Date(started - WARM_UP_MS);
  generator.warmUp(new Date(started), WARM_UP_MS, ((rate * WARM_UP_MS) / 1000) * generator.curveFactor(warmFrom, new Date(started)));
  const window = emptyTotals();
  const tally = new PaidTally();
  let last = started;
  let lastLog = started;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  // Once a minute: is the live campaign about to end? Then it is carried into the next day (demo.carry.ts),
  // and the traffic after midnight is its traffic, as before, also where another instance carried it.
  // Answers the live campaign as it stands, or null when this was no time to look (or there is none).
  let nextCarryLook = started;
  async function carryIfDue(t: number): Promise<CampaignRow | null> {
    if (t < nextCarryLook) return null;
    nextCarryLook = t + MINUTE_MS;
    let look: LiveCampaignLook;
    try {
      look = await carryLiveCampaign(db, new Date(t));
    } catch (error) {
      if (!(error instanceof InputErrors)) throw error;
      // Refused as any edit would be (a window past the longest a campaign may last): it ends as it stands.
      logger.warn({ err: error }, "simulator: the demo's live campaign cannot be carried into another day; it ends as it stands");
      nextCarryLook = Infinity;
      return null;
    }
    const { campaign, carried } = look;
    if (!campaign) return null;
    const known = catalog.campaigns.find((c) => c.id === encodeGlobalID('Campaign', campaign.id));
    if (known) known.endsAt = campaign.endsAt;
    if (carried) {
      logger.info(
        { campaignId: campaign.id, endsAt: campaign.endsAt, gmvTargetFen: campaign.gmvTargetFen },
        `simulator: ${campaign.name} carried into another day: it now ends ${campaign.endsAt.toISOString()}, target ¥${fenToYuan(campaign.gmvTargetFen)}`,
      );
    }
    return campaign;
  }

  // Once a minute: the warehouse ships late, or refunds, the paid orders no event would ever ship
  // (demo.warehouse.ts): the forgotten few, and those in flight when the history was cut or the demo stopped.
  let nextWarehouseLook = started;
  async function warehouseIfDue(t: number) {
    if (t < nextWarehouseLook) return;
    nextWarehouseLook = t + MINUTE_MS;
    const found = await sweepForgottenOrders(db, new Date(t), { announce });
    if (found.accepted > 0) logger.info({ orders: found.accepted }, `simulator: the warehouse found ${found.accepted} forgotten paid orders and shipped or refunded them`);
    if (found.userErrors.length > 0) logger.warn({ firstErrors: found.userErrors.slice(0, 3) }, 'simulator: the warehouse\'s events were refused');
  }

  // Every few seconds: the SKUs' stock as ingestion has it (a restock from the console, what sold), so a
  // sold-out SKU stops selling as on a platform; the generator counts down what it sells in between.
  let nextStockLook = started + stockLookMs;
  async function stockIfDue(t: number) {
    if (t < nextStockLook) return;
    nextStockLook = t + stockLookMs;
    generator.updateStock(await loadStock(db, catalog));
  }

  async function tick() {
    const t = now().getTime();
    if (t <= last) return;
    await carryIfDue(t);
    await warehouseIfDue(t);
    await stockIfDue(t);
    const from = new Date(last);
    const to = new Date(t);
    const events = generator.slice(from, to, ((rate * (t - last)) / 1000) * generator.curveFactor(from, to));
    last = t;
    for (let i = 0; i < events.length && !stopped; i += MAX_BATCH) {
      const batch = events.slice(i, i + MAX_BATCH);
      const result = await ingestEvents(db, SYSTEM, batch, now(), { announce });
      countBatch(window, batch, result, tally);
      spend.observe(batch, new Set(result.userErrors.map((e) => e.index)));
      if (result.userErrors.length > 0) logger.warn({ firstErrors: result.userErrors.slice(0, 3) }, 'simulator: ingestion rejected events');
    }
    const entries = spend.due(to);
    for (let i = 0; i < entries.length && !stopped; i += MAX_SPEND_ENTRIES) {
      const chunk = entries.slice(i, i + MAX_SPEND_ENTRIES);
      const result = await recordSpend(db, SYSTEM, chunk, now(), announce);
      const refused = new Set(result.userErrors.map((e) => e.index));
      spendFen += chunk.reduce((sum, e, index) => sum + (refused.has(index) ? 0 : yuanToFen(e.amount)), 0);
      if (result.userErrors.length > 0) logger.warn({ firstErrors: result.userErrors.slice(0, 3) }, 'simulator: spend entries refused');
    }
    if (t - lastLog >= logEveryMs) {
      const seconds = (t - lastLog) / 1000;
      logger.info(
        { ...window, seconds },
        `simulator: ${window.accepted} events accepted in ${Math.round(seconds)} s (${(window.accepted / seconds).toFixed(1)}/s, ` +
          `${window.duplicates} duplicates, ${window.rejected} rejected), ${window.ordersPaid} orders paid, GMV sent ¥${fenToYuan(window.gmvFen)}, ` +
          `ad spend ¥${fenToYuan(spendFen)}`,
      );
      Object.assign(window, emptyTotals());
      spendFen = 0;
      lastLog = t;
    }
  }

  // Failed seconds in a row: a few are warnings; past the bound the run is said once, at error, and /ready
  // names the traffic (healthy()) instead of a warning every second for ever; a success says it is over.
  let failures = 0;
  const failed = (error: unknown) => {
    failures++;
    if (failures < FAILURES_BEFORE_UNHEALTHY) logger.warn({ err: error, failuresInARow: failures }, 'simulator: a tick failed; continuing');
    else if (failures === FAILURES_BEFORE_UNHEALTHY) logger.error({ err: error, failuresInARow: failures }, 'simulator: every tick fails; retrying each second');
  };
  const succeeded = () => {
    if (failures >= FAILURES_BEFORE_UNHEALTHY) logger.info({ failedTicks: failures }, 'simulator: ticks succeed again');
    failures = 0;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = tick().then(succeeded, failed).finally(schedule);
    }, tickMs);
  };
  // The first look, before the first tick is scheduled: a failure here rejects the start with nothing left running.
  await carryIfDue(started);
  schedule();
  logger.info({ rate, shops: catalog.shops.length, campaigns: catalog.campaigns.length }, `simulator: sending about ${rate} events/s through ingestion`);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
    healthy: () => failures < FAILURES_BEFORE_UNHEALTHY,
  };
}
