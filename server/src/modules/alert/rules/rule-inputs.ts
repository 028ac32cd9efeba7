import { and, eq, isNull, lt, lte, ne, or, sql, type Column } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import type { Channel, TrafficSource } from '../../../db/enums.js';
import { HOUR_MS, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../../../lib/time.js';
import { campaignMilestones, campaigns, type CampaignRow, type MilestoneRow } from '../../campaign/campaign.table.js';
import { zeroCounters, type Figures } from '../../metrics/metrics.formulas.js';
import { TOTALS_COLUMNS } from '../../metrics/metrics.service.js';
import { metricRollups } from '../../metrics/metrics.table.js';
import { exactBuyersByShop } from '../../metrics/exact-buyers.js';
import { accumulateTotals, type TotalsRow } from '../../metrics/metrics.totals.js';
import { decomposeWindow, floorMinute, piecesCondition, type Window } from '../../metrics/metrics.window.js';
import { countUnshippedOverdue, lastPaidAtOf } from '../../order/order.service.js';
import { products, skus } from '../../product/product.table.js';
import { unitsSoldBySku } from '../../product/turnover.js';
import { SYSTEM } from '../../../auth/viewer.js';
import { dailyReports, rectificationReports } from '../../report/report.table.js';
import { shops } from '../../shop/shop.table.js';
import type { AlertRuleSettingRow } from '../alert.table.js';
import { RuleSettingsIndex } from './rule-settings.js';
import { underWayAt, unshippedCutoffs } from './settings-in-force.js';


/** The recent window rules compare: the last 60 whole minutes (the minute in progress is not complete yet). */
export const RECENT_WINDOW_MINUTES = 60;
/** Sales over this many hours give a SKU's hours of cover ("sells out in ~40 min"). */
export const COVER_WINDOW_HOURS = 3;
/** ORDERS_STALLED looks this far back for a shop's last payment: a shop silent for a day is closed, not stalled. */
export const STALL_LOOKBACK_HOURS = 24;
/** ORDERS_STALLED's pace: paid orders in this many minutes up to the last payment. */
export const STALL_BASELINE_MINUTES = 60;

export interface ShopInputs {
  id: string;
  name: string;
  /** The last 60 whole minutes and the same 60 minutes yesterday; buyers counted from the orders where exactBuyersByShop could. */
  recent: Figures;
  sameWindowYesterday: Figures;
  /** Paid and refunded orders over the last 24 hours. */
  last24h: { ordersPaid: number; refundedOrders: number };
  /** Today (Asia/Shanghai) per channel and traffic source: GMV and spend, for ROI. */
  todayByChannelSource: { channel: Channel; source: TrafficSource; gmvFen: number; spendFen: number }[];
  /** Paid, not shipped and paid before the shop's own deadline (now − its UNSHIPPED_OVERDUE hours): how many, the oldest payment. */
  unshipped: { overdue: number; oldestPaidAt: Date | null };
  /**
   * The latest payment within STALL_LOOKBACK_HOURS (null: none) and the paid orders of the STALL_BASELINE_MINUTES
   * up to its minute; the count is read only for shops silent for their ORDERS_STALLED minutes, else 0.
   */
  stall: {
    lastPaidAt: Date | null;
    ordersBefore: number;
    /**
     * The same clock hours a day back: paid orders in the hour up to the last payment's minute (`before`, as
     * `ordersBefore`) and in the silence so far (`silence`); null when the shop sold nothing in the 24 hours
     * before now − 24 h, so there is no day to compare with.
     */
    yesterday: { before: number; silence: number } | null;
  };
}

const NOTHING: Figures = { ...zeroCounters(), visitors: 0, carters: 0, buyers: 0 };

/**
 * A shop with nothing for any rule to find (no visitors, no orders, no silence, no spend), with the figures
 * `shop` gives: what a caller judging one rule on figures of its own starts from (the demo's history, tests).
 */
export function quietShop(shop: Pick<ShopInputs, 'id' | 'name'> & Partial<ShopInputs>): ShopInputs {
  return {
    recent: NOTHING,
    sameWindowYesterday: NOTHING,
    last24h: { ordersPaid: 0, refundedOrders: 0 },
    todayByChannelSource: [],
    unshipped: { overdue: 0, oldestPaidAt: null },
    stall: { lastPaidAt: null, ordersBefore: 0, yesterday: null },
    ...shop,
  };
}

export interface CampaignInputs {
  campaign: CampaignRow;
  actualFen: number;
  /** A split campaign's (目标拆解) shops, each judged against its own part of the target; none when unsplit. */
  parts: readonly CampaignPartInputs[];
}

export interface CampaignPartInputs {
  shopId: string;
  shopName: string;
  actualFen: number;
}

export interface SkuInputs {
  id: string;
  shopId: string;
  code: string;
  productName: string;
  stock: number;
  lowStockThreshold: number;
  unitsSoldRecently: number;
}

export interface RuleInputs {
  now: Date;
  shops: ShopInputs[];
  campaigns: CampaignInputs[];
  skus: SkuInputs[];
  milestones: { milestone: MilestoneRow; campaign: CampaignRow }[];
  /** The settings in force, resolved against the campaigns under way: built once per evaluation. */
  settings: RuleSettingsIndex;
  /** Rectification reports (整改报告) past due and not submitted, with what names them. */
  overdueRectifications: OverdueRectification[];
}

export interface OverdueRectification {
  id: string;
  shopId: string;
  shopName: string;
  date: string;
  source: TrafficSource;
  dueAt: Date;
}

export interface LoadOptions {
  /** SKUs with stock at or below this are loaded (the highest LOW_STOCK clear level in force). */
  stockCeiling: number;
}

/**
 * Everything the rules judge, in a fixed number of queries whatever the number of screens watching
 * (≈ 10 per evaluation): rollups by shop for the recent windows, sums for the day, campaign GMV in
 * one grouped query, the SKUs near their line, open milestones, unshipped orders.
 */
export async function loadRuleInputs(db: DbOrTx, now: Date, settings: AlertRuleSettingRow[], options: LoadOptions): Promise<RuleInputs> {
  const recentTo = floorMinute(now);
  const recent: Window = { from: new Date(recentTo.getTime() - RECENT_WINDOW_MINUTES * MINUTE_MS), to: recentTo };
  const yesterday: Window = { from: new Date(recent.from.getTime() - 24 * HOUR_MS), to: new Date(recent.to.getTime() - 24 * HOUR_MS) };
  const today = startOfShanghaiDay(shanghaiDate(now));

  // A promise, run once: the unshipped count waits for it, and a query builder runs again at every then().
  const activeShops = db
    .select({ id: shops.id, name: shops.name, lastPaidAt: lastPaidAtOf(sql`${shops}.id`, { from: new Date(now.getTime() - STALL_LOOKBACK_HOURS * HOUR_MS), to: now }) })
    .from(shops)
    .where(eq(shops.active, true))
    .execute();
  const underWay = db.select().from(campaigns).where(underWayAt(now)).execute();
  const settingsIndex = underWay.then((campaignsUnderWay) => new RuleSettingsIndex(settings, campaignsUnderWay));
  const [shopRows, recentRows, yesterdayRows, refunds, roiRows, active, lowSkus, openMilestones, unshipped, overdueRectifications] = await Promise.all([
    activeShops,
    sketchRows(db, recent),
    sketchRows(db, yesterday),
    sumsByShop(db, { from: new Date(now.getTime() - 24 * HOUR_MS), to: now }),
    todayByChannelSource(db, { from: today, to: now }),
    underWay,
    db
      .select({
        id: skus.id,
        shopId: skus.shopId,
        code: skus.code,
        productName: products.name,
        stock: skus.stock,
        lowStockThreshold: skus.lowStockThreshold,
      })
      .from(skus)
      .innerJoin(products, eq(products.id, skus.productId))
      .where(and(eq(products.status, 'ON_SALE'), or(lte(skus.stock, options.stockCeiling), lte(skus.stock, sql`${skus.lowStockThreshold} * 1.2 + 1`)))),
    db
      .select({ milestone: campaignMilestones, campaign: campaigns })
      .from(campaignMilestones)
      .innerJoin(campaigns, eq(campaigns.id, campaignMilestones.campaignId))
      .where(and(isNull(campaigns.cancelledAt), ne(campaignMilestones.status, 'DONE'), or(lt(campaignMilestones.dueAt, now), eq(campaignMilestones.riskLevel, 'HIGH')))),
    // Each shop against its own deadline: against the shortest of any shop, one partner's one-hour setting
    // pulled every tenant's orders of the last day into every evaluation.
    Promise.all([activeShops, settingsIndex]).then(([rows, index]) =>
      countUnshippedOverdue(db, { orders: undefined }, unshippedCutoffs(index, rows.map((shop) => shop.id), now)),
    ),
    db
      .select({ id: rectificationReports.id, shopId: rectificationReports.shopId, shopName: shops.name, date: dailyReports.date, source: dailyReports.source, dueAt: rectificationReports.dueAt })
      .from(rectificationReports)
      .innerJoin(dailyReports, eq(dailyReports.id, rectificationReports.dailyReportId))
      .innerJoin(shops, eq(shops.id, rectificationReports.shopId))
      .where(and(isNull(rectificationReports.submittedAt), lt(rectificationReports.dueAt, now))),
  ]);

  const index = await settingsIndex;
  // Only the overall figures are judged (CONVERSION_DROP): a third of the sketch merges.
  const recentByShop = totalsByShop(recentRows);
  const yesterdayByShop = totalsByShop(yesterdayRows);
  // Buyers exact where conversion is judged on few of them (exact-buyers.ts): in a 60-minute window of a
  // few hundred visitors, one buyer lost to the sketch moved the drop by a sixth.
  const judged = (figures: ReadonlyMap<string, Figures>) =>
    new Map(shopRows.filter((shop) => index.resolveForShop('CONVERSION_DROP', shop.id).enabled).map((shop) => [shop.id, figures.get(shop.id)?.ordersPaid ?? 0]));
  const silent = shopRows.filter(
    (shop) => shop.lastPaidAt && now.getTime() - shop.lastPaidAt.getTime() >= index.resolveForShop('ORDERS_STALLED', shop.id).threshold * MINUTE_MS,
  );
  // The reads that need the first round's answers, side by side.
  const [campaignsWithGmv, stalls, sold, recentBuyers, yesterdayBuyers] = await Promise.all([
    campaignGmv(db, active, new Map(shopRows.map((shop) => [shop.id, shop.name])), now),
    stallCounts(db, silent.map((shop) => ({ shopId: shop.id, lastPaidAt: shop.lastPaidAt! })), now),
    unitsSoldBySku(db, SYSTEM, lowSkus.map((s) => s.id), { from: new Date(now.getTime() - COVER_WINDOW_HOURS * HOUR_MS), to: now }),
    exactBuyersByShop(db, recent, judged(recentByShop)),
    exactBuyersByShop(db, yesterday, judged(yesterdayByShop)),
  ]);

  const roiByShop = byShop(roiRows);
  const refundsByShop = new Map(refunds.map((r) => [r.shopId, r]));
  const unshippedByShop = new Map(unshipped.map((u) => [u.shopId, { overdue: u.count, oldestPaidAt: u.oldestPaidAt }]));

  return {
    now,
    shops: shopRows.map((shop) => ({
      id: shop.id,
      name: shop.name,
      recent: withBuyers(recentByShop.get(shop.id), recentBuyers.get(shop.id)),
      sameWindowYesterday: withBuyers(yesterdayByShop.get(shop.id), yesterdayBuyers.get(shop.id)),
      last24h: refundsByShop.get(shop.id) ?? { ordersPaid: 0, refundedOrders: 0 },
      todayByChannelSource: roiByShop.get(shop.id) ?? [],
      unshipped: unshippedByShop.get(shop.id) ?? { overdue: 0, oldestPaidAt: null },
      stall: { lastPaidAt: shop.lastPaidAt, ordersBefore: stalls.get(shop.id)?.before ?? 0, yesterday: stalls.get(shop.id)?.yesterday ?? null },
    })),
    campaigns: campaignsWithGmv,
    skus: lowSkus.map((s) => ({ ...s, unitsSoldRecently: sold.get(s.id) ?? 0 })),
    milestones: openMilestones,
    settings: index,
    overdueRectifications,
  };
}

type ShopTotalsRow = TotalsRow & { shopId: string };

function byShop<T extends { shopId: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.shopId);
    if (list) list.push(row);
    else map.set(row.shopId, [row]);
  }
  return map;
}

function totalsByShop(rows: readonly ShopTotalsRow[]): Map<string, Figures> {
  return new Map([...byShop(rows)].map(([shopId, list]) => [shopId, accumulateTotals(list, { overallDistinctOnly: true }).all]));
}

/** A shop's figures with its buyers counted exactly when they were (else the sketch's estimate). */
function withBuyers(figures: Figures | undefined, exact: number | undefined): Figures {
  if (!figures) return NOTHING;
  return exact === undefined ? figures : { ...figures, buyers: exact };
}

function sketchRows(db: DbOrTx, window: Window): Promise<ShopTotalsRow[]> {
  const t = metricRollups;
  return db
    .select({ shopId: t.shopId, ...TOTALS_COLUMNS })
    .from(t)
    .where(piecesCondition(t, decomposeWindow(window.from, window.to)));
}

const sum = (column: Column) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

function sumsByShop(db: DbOrTx, window: Window) {
  const t = metricRollups;
  return db
    .select({ shopId: t.shopId, ordersPaid: sum(t.ordersPaid), refundedOrders: sum(t.refundedOrders) })
    .from(t)
    .where(piecesCondition(t, decomposeWindow(window.from, window.to)))
    .groupBy(t.shopId);
}

function todayByChannelSource(db: DbOrTx, window: Window) {
  const t = metricRollups;
  return db
    .select({ shopId: t.shopId, channel: t.channel, source: t.source, gmvFen: sum(t.gmvFen), spendFen: sum(t.spendFen) })
    .from(t)
    .where(piecesCondition(t, decomposeWindow(window.from, window.to)))
    .groupBy(t.shopId, t.channel, t.source);
}

/** What ORDERS_STALLED reads of a silent shop: its hour before the last payment, and the same hours a day back. */
interface StallCounts {
  before: number;
  yesterday: { before: number; silence: number } | null;
}

/**
 * Each silent shop's paid orders in the STALL_BASELINE_MINUTES up to (and with) its last payment's minute, and
 * the same a day back with the silence after it, in one statement. `yesterday` is null for a shop that sold
 * nothing in the day before now − 24 h (a new shop, or one closed yesterday).
 */
async function stallCounts(db: DbOrTx, silent: readonly { shopId: string; lastPaidAt: Date }[], now: Date): Promise<Map<string, StallCounts>> {
  if (silent.length === 0) return new Map();
  const t = metricRollups;
  const dayBack = (at: Date) => new Date(at.getTime() - 24 * HOUR_MS);
  const hourUpTo = (to: Date) => ({ from: new Date(to.getTime() - STALL_BASELINE_MINUTES * MINUTE_MS), to });
  const until = floorMinute(dayBack(now));
  const windowOf = (window: (s: { shopId: string; lastPaidAt: Date }) => { from: Date; to: Date }) =>
    or(...silent.map((s) => and(eq(t.shopId, s.shopId), piecesCondition(t, decomposeWindow(window(s).from, window(s).to)))));
  // An hour ends with the last payment's minute; a day back, the silence starts after it.
  const lastMinuteEnd = (at: Date) => new Date(floorMinute(at).getTime() + MINUTE_MS);
  const before = windowOf(({ lastPaidAt }) => hourUpTo(lastMinuteEnd(lastPaidAt)));
  const day = windowOf(() => ({ from: dayBack(until), to: until }));
  const beforeYesterday = windowOf(({ lastPaidAt }) => hourUpTo(lastMinuteEnd(dayBack(lastPaidAt))));
  const silenceYesterday = windowOf(({ lastPaidAt }) => {
    const from = lastMinuteEnd(dayBack(lastPaidAt));
    return { from, to: until > from ? until : from };
  });
  // Each sum counts the rows of its own window's pieces: the windows decompose into different pieces.
  const ordersIn = (window: ReturnType<typeof windowOf>) => sql<number>`coalesce(sum(${t.ordersPaid}) filter (where ${window}), 0)`.mapWith(Number);
  const rows = await db
    .select({ shopId: t.shopId, before: ordersIn(before), day: ordersIn(day), beforeYesterday: ordersIn(beforeYesterday), silenceYesterday: ordersIn(silenceYesterday) })
    .from(t)
    .where(or(before, day, beforeYesterday, silenceYesterday))
    .groupBy(t.shopId);
  return new Map(
    rows.map((r) => [r.shopId, { before: r.before, yesterday: r.day > 0 ? { before: r.beforeYesterday, silence: r.silenceYesterday } : null }]),
  );
}

/** Every active campaign's GMV from its start to now, by shop, in one grouped query: the whole and each split part. */
async function campaignGmv(db: DbOrTx, active: CampaignRow[], shopNames: ReadonlyMap<string, string>, now: Date): Promise<CampaignInputs[]> {
  if (active.length === 0) return [];
  const t = metricRollups;
  const rows = await db
    .select({ campaignId: t.campaignId, shopId: t.shopId, gmvFen: sum(t.gmvFen) })
    .from(t)
    .where(or(...active.map((c) => and(eq(t.campaignId, c.id), piecesCondition(t, decomposeWindow(c.startsAt, now))))))
    .groupBy(t.campaignId, t.shopId);
  const whole = new Map<string, number>();
  const byShop = new Map<string, number>();
  for (const r of rows) {
    if (!r.campaignId) continue;
    whole.set(r.campaignId, (whole.get(r.campaignId) ?? 0) + r.gmvFen);
    byShop.set(`${r.campaignId}:${r.shopId}`, r.gmvFen);
  }
  return active.map((campaign) => {
    // A shop that is no longer active is not judged: nobody runs it to be told.
    const parts = campaign.shopTargetsFen
      ? campaign.shopIds.flatMap((shopId) => {
          const shopName = shopNames.get(shopId);
          return shopName === undefined ? [] : [{ shopId, shopName, actualFen: byShop.get(`${campaign.id}:${shopId}`) ?? 0 }];
        })
      : [];
    return { campaign, actualFen: whole.get(campaign.id) ?? 0, parts };
  });
}
