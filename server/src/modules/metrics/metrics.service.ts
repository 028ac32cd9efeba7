import { and, asc, desc, eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { assertShopsInGrant, shopsKey, shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { DomainError } from '../../errors.js';
import { DAY_MS, MAX_SPAN_DAYS } from '../../lib/time.js';
import { pageSizeProblem, type PageSizeBound } from '../../lib/page-size.js';
import { requireScopeCampaign } from '../campaign/campaign.service.js';
import { loadBuyerMix, type BuyerMix } from '../customer/buyer-mix.js';
import { customers } from '../customer/customer.table.js';
import { loadSegmentFigures, type SegmentFigures } from '../customer/segment-figures.js';
import { orders } from '../order/order.table.js';
import { shops } from '../shop/shop.table.js';
import { skus, type SkuRow } from '../product/product.table.js';
import { loadSellThrough, skuScopeCondition, type SellThrough } from '../product/sell-through.js';
import { COUNTER_NAMES, zeroCounters, type Counters } from './metrics.formulas.js';
import { metricRollups, skuRollups, type Granularity } from './metrics.table.js';
import { accumulateTotals, type Totals, type TotalsOptions, type TotalsRow } from './metrics.totals.js';
import { piecesFilter, scopeFilter, type DimensionColumns, type ScopeFilter } from './rollup.statements.js';
import { loadUnshippedOverdue } from './unshipped-overdue.js';
import { withExactBuyers } from './exact-buyers.js';
import { builtOnce } from '../../db/built-once.js';
import { frozenTotals, heldEntryBytes, heldRow, sameRows, sketchBytes, StaleVersion, totalsCacheOf, type CachedTotals, type TotalsCache } from './totals.cache.js';
import {
  countBoundaries,
  countedWindow,
  decomposeWindow,
  floorTo,
  nextBoundary,
  resolveWindow,
  splitAtBoundaries,
  type Window,
} from './metrics.window.js';

// Every query here reads rollup rows only: its cost grows with the buckets of the window (bounded by
// days + 2·23 hours + 2·59 minutes per dimension combination), never with orders or events.

export interface MetricScopeInput {
  shopIds?: readonly string[] | null;
  campaignId?: string | null;
  channels?: readonly Channel[] | null;
  sources?: readonly TrafficSource[] | null;
}

/** Conditions on the dimension columns of each rollup table, already narrowed to the viewer's shops. */
export interface ScopeConditions {
  /** The scope on the rollup tables as placeholders, for statements built once per shape. */
  filter: ScopeFilter;
  /** The same scope on the orders table, for the few figures that are a state of orders, not a sum of events. */
  orders: SQL | undefined;
  /**
   * The scope on the customers table — a customer belongs to one shop, on that shop's platform, so shops
   * and channels apply — or null when the scope names sources or a campaign, which only orders carry.
   */
  customers: { where: SQL | undefined } | null;
  /** The SKUs the scope's shops hold (product/sell-through.ts): sources do not narrow a catalogue. */
  skus: SQL | undefined;
  /**
   * The scope on the shops table (the viewer's shops, the scope's, on its channels' platforms), for the
   * figures held to each shop's own settings (unshipped-overdue.ts). Sources and a campaign narrow
   * orders, not shops: `orders` still applies them.
   */
  shops: SQL | undefined;
  /** Equal for equal conditions (the viewer's shops and the scope as given): what held totals are keyed by. */
  key: string;
}

/** Omitted and empty lists both mean "no restriction"; the viewer's shops always apply. */
function dimensionConditions(table: DimensionColumns, viewer: Viewer, scope: MetricScopeInput): SQL | undefined {
  return and(
    shopVisible(viewer, table.shopId),
    scope.shopIds?.length ? inArray(table.shopId, [...scope.shopIds]) : undefined,
    scope.campaignId ? eq(table.campaignId, scope.campaignId) : undefined,
    scope.channels?.length ? inArray(table.channel, [...scope.channels]) : undefined,
    scope.sources?.length ? inArray(table.source, [...scope.sources]) : undefined,
  );
}

/** Scope conditions for a scope whose campaign (if any) the caller has already been allowed to see. */
export function scopeConditions(viewer: Viewer, scope: MetricScopeInput): ScopeConditions {
  return {
    filter: scopeFilter(viewer, scope),
    orders: dimensionConditions(orders, viewer, scope),
    customers: scope.campaignId || scope.sources?.length ? null : { where: customerConditions(viewer, scope) },
    skus: skuScopeCondition(viewer, scope),
    shops: and(
      shopVisible(viewer, shops.id),
      scope.shopIds?.length ? inArray(shops.id, [...scope.shopIds]) : undefined,
      scope.channels?.length ? inArray(shops.platform, [...scope.channels]) : undefined,
    ),
    key: JSON.stringify([shopsKey(viewer), scope.shopIds ?? null, scope.campaignId ?? null, scope.channels ?? null, scope.sources ?? null]),
  };
}

/** Shops and channels on customers: an order's channel is always its shop's platform (ingestion checks it). */
function customerConditions(viewer: Viewer, scope: MetricScopeInput): SQL | undefined {
  return and(
    shopVisible(viewer, customers.shopId),
    scope.shopIds?.length ? inArray(customers.shopId, [...scope.shopIds]) : undefined,
    scope.channels?.length
      ? sql`${customers.shopId} in (select ${shops.id} from ${shops} where ${inArray(shops.platform, [...scope.channels])})`
      : undefined,
  );
}

/**
 * A scope checked against what the viewer may see: a shop or campaign outside their grant is FORBIDDEN
 * (whether or not it exists, so a partner can tell neither its figures nor its existence); within
 * it, every condition is still narrowed to the viewer's shops.
 */
export async function resolveScope(db: DbOrTx, viewer: Viewer, scope: MetricScopeInput): Promise<ScopeConditions> {
  assertScopeShops(viewer, scope);
  if (scope.campaignId) await requireScopeCampaign(db, viewer, scope.campaignId, ['scope', 'campaignId']);
  return scopeConditions(viewer, scope);
}

/** Naming a shop outside the caller's grant is refused (FORBIDDEN) before any query runs. */
export function assertScopeShops(viewer: Viewer, scope: MetricScopeInput): void {
  assertShopsInGrant(viewer, scope.shopIds, ['scope', 'shopIds']);
}

export function assertWindow(from: Date, to: Date): void {
  if (from >= to) throw new DomainError('INVALID_WINDOW', { en: '"from" must be before "to"', zh: '"from" 必须早于 "to"' }, ['to']);
}

/**
 * A window a caller names (the `metrics` query, Campaign.metrics' from/to): a year and a day at most, as
 * a campaign and an export. Its totals merge every rollup row in it with their sketches, so centuries
 * asked under 20 aliases would hold the process for every tenant. Campaigns' own windows are bounded
 * when they are set.
 */
export function assertAskedWindow(from: Date, to: Date): void {
  assertWindow(from, to);
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * DAY_MS) {
    throw new DomainError(
      'INVALID_WINDOW',
      { en: `a window spans at most ${MAX_SPAN_DAYS} days; ask for a longer period in parts`, zh: `时间窗口最长 ${MAX_SPAN_DAYS} 天；更长的时段请分段查询` },
      ['to'],
    );
  }
}

/**
 * The name that makes drizzle ask postgres.js for a prepared statement (kept per connection, keyed by
 * its text, so the name itself is not what identifies it): one round trip where an unnamed statement with
 * parameters takes two, and no parse. The text depends only on the shape of the window's pieces and
 * the scope, so a screen asking the same window again reuses it.
 */
const PREPARED = 'metrics';

const sumOf = (column: Column) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

/**
 * A sketch column arrives as base64 text. bytea arrives as hex text, which the driver slices and decodes:
 * for a campaign day's 84 dense sketches that was 1.3 MB of strings per query to collect (garbage
 * collection was the largest item of the metrics profile at 10M orders). Base64 is a third smaller and
 * decodes without the slice; PostgreSQL's line breaks in it are skipped by the decoder.
 */
const fromBase64 = (value: string): Uint8Array => Buffer.from(value, 'base64');

/** The counters and dimensions the totals read from a rollup row; sketches come through totalsSketches. */
const TOTALS_COUNTERS = {
  channel: metricRollups.channel,
  source: metricRollups.source,
  visits: metricRollups.visits,
  pageViews: metricRollups.pageViews,
  addToCarts: metricRollups.addToCarts,
  ordersPlaced: metricRollups.ordersPlaced,
  ordersPaid: metricRollups.ordersPaid,
  gmvFen: metricRollups.gmvFen,
  refundedOrders: metricRollups.refundedOrders,
  refundedFen: metricRollups.refundedFen,
  unitsSold: metricRollups.unitsSold,
  spendFen: metricRollups.spendFen,
  ordersShipped: metricRollups.ordersShipped,
  ordersDelivered: metricRollups.ordersDelivered,
  shipSeconds: metricRollups.shipSeconds,
  shipTimedOrders: metricRollups.shipTimedOrders,
};

const sketchColumn = (column: Column) => sql<Uint8Array | null>`encode(${column}, 'base64')`.mapWith(fromBase64);

/** Counters and sketches of a rollup row, for callers that group rows their own way (the alert engine's inputs). */
export const TOTALS_COLUMNS = {
  ...TOTALS_COUNTERS,
  visitors: sketchColumn(metricRollups.visitors),
  carters: sketchColumn(metricRollups.carters),
  buyers: sketchColumn(metricRollups.buyers),
};

/** A rollup row version: its partition, slot and writing transaction (see totals.cache.ts). */
const ROW_VERSION = sql<string>`${metricRollups}.tableoid::int8::text || '/' || ${metricRollups}.ctid::text || '/' || ${metricRollups}.xmin::text`;

/**
 * The sketch columns, null for the row versions named in `known` (the caller holds them already). The
 * list is one text[] parameter, so the statement's text is the same however many versions it names;
 * `in (select unnest(…))` is hashed once per execution instead of scanning the list for every row.
 */
function totalsSketches(options: TotalsOptions) {
  const isKnown = sql`(${ROW_VERSION}) in (select unnest(${sql.placeholder('known')}::text[]))`;
  const sketch = (column: Column) =>
    sql<Uint8Array | null>`case when ${isKnown} then null else encode(${column}, 'base64') end`.mapWith(fromBase64);
  return {
    visitors: sketch(metricRollups.visitors),
    // Overall-only callers do not show add-to-cart rates: their carters sketches are not even read.
    carters: options.overallDistinctOnly ? sql<Uint8Array | null>`null` : sketch(metricRollups.carters),
    buyers: sketch(metricRollups.buyers),
  };
}

/**
 * Totals of the rollup rows of a window and scope. The rows' counters and versions are read every time;
 * their sketches only for versions this handle has not decoded yet, and when every version is one the
 * last answer was computed from, that answer is returned as it stands (totals.cache.ts). Buyers are then
 * counted exactly from the paid orders when the window has few enough of them (exact-buyers.ts).
 */
export async function loadTotals(db: DbOrTx, scope: ScopeConditions, window: Window, options: TotalsOptions = {}): Promise<Totals> {
  const pieces = piecesFilter(metricRollups, decomposeWindow(window.from, window.to));
  const overall = options.overallDistinctOnly ?? false;
  const statement = builtOnce(db, `totals:${overall}:${pieces.shape}:${scope.filter.shape}`, () =>
    db
      .select({ version: ROW_VERSION, ...TOTALS_COUNTERS, ...totalsSketches(options) })
      .from(metricRollups)
      .where(and(pieces.condition, scope.filter.condition(metricRollups)))
      .prepare(PREPARED),
  );
  const read: ReadRows = (known) => statement.execute({ ...pieces.values, ...scope.filter.values, known });
  const cache = totalsCacheOf(db);
  // The window and the scope's key determine the statement's text and parameters (no need to render it).
  const key = `${options.overallDistinctOnly ? 'overall' : 'all'}:${window.from.toISOString()}:${window.to.toISOString()}:${scope.key}`;
  const previous = cache.get(key);
  let totals: Totals;
  try {
    totals = await readTotals(read, options, cache, key, previous);
  } catch (error) {
    if (!(error instanceof StaleVersion)) throw error;
    totals = await readTotals(read, options, cache, key, undefined);
  }
  return withExactBuyers(db, scope, window, totals, options);
}

/** The window's rollup rows, sketches left out for the `known` versions. */
type ReadRows = (known: string[]) => Promise<(TotalsRow & { version: string })[]>;

async function readTotals(readRows: ReadRows, options: TotalsOptions, cache: TotalsCache, key: string, previous: CachedTotals | undefined): Promise<Totals> {
  const read = await readRows(previous ? [...previous.rows.keys()] : []);
  if (previous && sameRows(read, previous)) return previous.totals;
  const rows = new Map<string, TotalsRow>();
  let sketches = 0;
  for (const row of read) {
    const complete = heldRow(previous, row.version, row) ?? row;
    rows.set(row.version, complete);
    sketches += sketchBytes(complete);
  }
  const totals = frozenTotals(accumulateTotals([...rows.values()], options));
  cache.set(key, { totals, rows, bytes: heldEntryBytes(key, rows.size, sketches) });
  return totals;
}

/** GMV alone over a window, summed in SQL (campaign progress needs no sketches). */
export async function loadGmvFen(db: DbOrTx, scope: ScopeConditions, window: Window): Promise<number> {
  const t = metricRollups;
  const pieces = piecesFilter(t, decomposeWindow(window.from, window.to));
  const statement = builtOnce(db, `gmv:${pieces.shape}:${scope.filter.shape}`, () =>
    db.select({ gmvFen: sumOf(t.gmvFen) }).from(t).where(and(pieces.condition, scope.filter.condition(t))).prepare(PREPARED),
  );
  const [row] = await statement.execute({ ...pieces.values, ...scope.filter.values });
  return row?.gmvFen ?? 0;
}

/** GMV over a window per shop, summed in SQL in one grouped query (a split campaign's parts); shops without any are absent. */
export async function loadGmvFenByShop(db: DbOrTx, scope: ScopeConditions, window: Window): Promise<Map<string, number>> {
  const t = metricRollups;
  const pieces = piecesFilter(t, decomposeWindow(window.from, window.to));
  const statement = builtOnce(db, `gmv-by-shop:${pieces.shape}:${scope.filter.shape}`, () =>
    db
      .select({ shopId: t.shopId, gmvFen: sumOf(t.gmvFen) })
      .from(t)
      .where(and(pieces.condition, scope.filter.condition(t)))
      .groupBy(t.shopId)
      .prepare(PREPARED),
  );
  const rows = await statement.execute({ ...pieces.values, ...scope.filter.values });
  return new Map(rows.map((row) => [row.shopId, row.gmvFen]));
}

/** Every SKU sold in the window with its GMV and units, best first (ties by SKU id). */
export function loadSkuSales(db: DbOrTx, scope: ScopeConditions, window: Window): Promise<{ skuId: string; gmvFen: number; unitsSold: number }[]> {
  const t = skuRollups;
  const pieces = piecesFilter(t, decomposeWindow(window.from, window.to));
  const statement = builtOnce(db, `sku-sales:${pieces.shape}:${scope.filter.shape}`, () => {
    const gmvFen = sumOf(t.gmvFen);
    return db
      .select({ skuId: t.skuId, gmvFen, unitsSold: sumOf(t.unitsSold) })
      .from(t)
      .where(and(pieces.condition, scope.filter.condition(t)))
      .groupBy(t.skuId)
      .orderBy(desc(gmvFen), asc(t.skuId))
      .prepare(PREPARED);
  });
  return statement.execute({ ...pieces.values, ...scope.filter.values });
}

export const MAX_SERIES_POINTS = 2_000;
/** `series(last:)`: declared on the field too, so the access gate refuses it before pricing the request. */
export const SERIES_LAST: PageSizeBound = { argument: 'last', min: 1, max: MAX_SERIES_POINTS };

export interface SeriesPoint extends Counters {
  /** Start of the point's sub-window: an interval boundary, or the window's start for a partial first point. */
  at: Date;
}

/**
 * One point per interval (days in Asia/Shanghai), with zeros where nothing happened. Each point sums
 * exactly its sub-window: the window is decomposed without any granularity coarser than the interval,
 * so every row read lies inside one point. `maxPoints` guards the public API; campaign curves pass
 * their own bound.
 */
export async function loadSeries(
  db: DbOrTx,
  scope: ScopeConditions,
  window: Window,
  interval: Granularity,
  maxPoints: number = MAX_SERIES_POINTS,
): Promise<SeriesPoint[]> {
  const count = countBoundaries(window, interval);
  if (count > maxPoints) {
    throw new DomainError(
      'INVALID_INPUT',
      {
        en: `a ${interval} series over this window has ${count} points; at most ${maxPoints} are returned, so use a coarser interval or a shorter window`,
        zh: `此时间窗口按 ${interval} 粒度有 ${count} 个点，最多返回 ${maxPoints} 个；请改用更粗的粒度或更短的时间窗口`,
      },
      ['interval'],
    );
  }
  const points: SeriesPoint[] = splitAtBoundaries(window, interval).map((part) => ({ at: part.from, ...zeroCounters() }));
  if (points.length === 0) return points;
  const index = new Map(points.map((point, i) => [floorTo(interval, point.at).getTime(), i]));
  const t = metricRollups;
  const pieces = piecesFilter(t, decomposeWindow(window.from, window.to, interval));
  const statement = builtOnce(db, `series:${pieces.shape}:${scope.filter.shape}`, () =>
    db
      .select({
        bucket: t.bucket,
        visits: sumOf(t.visits),
        pageViews: sumOf(t.pageViews),
        addToCarts: sumOf(t.addToCarts),
        ordersPlaced: sumOf(t.ordersPlaced),
        ordersPaid: sumOf(t.ordersPaid),
        gmvFen: sumOf(t.gmvFen),
        refundedOrders: sumOf(t.refundedOrders),
        refundedFen: sumOf(t.refundedFen),
        unitsSold: sumOf(t.unitsSold),
        spendFen: sumOf(t.spendFen),
        ordersShipped: sumOf(t.ordersShipped),
        ordersDelivered: sumOf(t.ordersDelivered),
        shipSeconds: sumOf(t.shipSeconds),
        shipTimedOrders: sumOf(t.shipTimedOrders),
      })
      .from(t)
      .where(and(pieces.condition, scope.filter.condition(t)))
      .groupBy(t.granularity, t.bucket)
      .prepare(PREPARED),
  );
  const rows = await statement.execute({ ...pieces.values, ...scope.filter.values });
  for (const row of rows) {
    const point = points[index.get(floorTo(interval, row.bucket).getTime()) ?? -1];
    if (!point) continue; // cannot happen: every piece lies inside the window
    for (const name of COUNTER_NAMES) point[name] += row[name];
  }
  return points;
}

export const MAX_TOP_PRODUCTS = 100;
/** `topProducts(limit:)`: declared on the field too, so the access gate refuses it before pricing the request. */
export const TOP_PRODUCTS_LIMIT: PageSizeBound = { argument: 'limit', min: 1, max: MAX_TOP_PRODUCTS };

export interface SkuFigures {
  skuId: string;
  gmvFen: number;
  unitsSold: number;
  ordersPaid: number;
  /** The SKU's row, read in the same statement (null if the SKU is gone), so no second statement loads it. */
  sku: SkuRow | null;
}

/**
 * The best-selling SKUs by GMV (ties by id, so the order is stable), from sku_rollups, with each SKU's
 * row joined: the war room asks for them with every top-products list, and a second statement for ten
 * rows by id cost a round trip after this one. The rows need no visibility check of their own: a SKU
 * belongs to one shop, and the rollup rows are already narrowed to the caller's shops.
 */
export async function loadTopSkus(db: DbOrTx, scope: ScopeConditions, window: Window, limit: number): Promise<SkuFigures[]> {
  const problem = pageSizeProblem(TOP_PRODUCTS_LIMIT, limit);
  if (problem) throw new DomainError('INVALID_INPUT', problem, ['limit']);
  const t = skuRollups;
  const pieces = piecesFilter(t, decomposeWindow(window.from, window.to));
  const statement = builtOnce(db, `top:${pieces.shape}:${scope.filter.shape}`, () => {
    const gmvFen = sumOf(t.gmvFen).as('gmv_fen');
    const top = db
      .select({ skuId: t.skuId, gmvFen, unitsSold: sumOf(t.unitsSold).as('units_sold'), ordersPaid: sumOf(t.ordersPaid).as('orders_paid') })
      .from(t)
      .where(and(pieces.condition, scope.filter.condition(t)))
      .groupBy(t.skuId)
      .orderBy(desc(gmvFen), asc(t.skuId))
      .limit(sql.placeholder('limit'))
      .as('top');
    return db
      .select({ skuId: top.skuId, gmvFen: top.gmvFen, unitsSold: top.unitsSold, ordersPaid: top.ordersPaid, sku: skus })
      .from(top)
      .leftJoin(skus, eq(skus.id, top.skuId))
      .orderBy(desc(top.gmvFen), asc(top.skuId))
      .prepare(PREPARED);
  });
  return statement.execute({ ...pieces.values, ...scope.filter.values, limit });
}

/**
 * The figures of one window and scope, loaded lazily and each at most once per object, however many
 * fields (or, for a live topic, however many subscribers) ask: totals (counters, sketches, by channel,
 * by source) in one rollup query, and one query per distinct series interval or top-products limit.
 */
export interface MetricsView {
  /** The resolved window: whole minutes (see metrics.window.ts). */
  window: Window;
  scope: ScopeConditions;
  totals(): Promise<Totals>;
  series(interval: Granularity): Promise<SeriesPoint[]>;
  /** The latest `last` points up to the current one (see tailWindow). */
  seriesTail(interval: Granularity, last: number): Promise<SeriesPoint[]>;
  topSkus(limit: number): Promise<SkuFigures[]>;
  /**
   * Paid orders of the scope not shipped within their shop's UNSHIPPED_OVERDUE hours of payment, counted
   * at the window's end (or now while the window is open) from the orders as they stand, not from rollups.
   */
  unshippedOverdue(): Promise<number>;
  /** New vs returning buyers and repurchase, exact, from paid orders and customers (customer/buyer-mix.ts). */
  buyerMix(): Promise<BuyerMix>;
  /** Paid orders of the window by their customers' RFM segment as of `now` (customer/segment-figures.ts). */
  bySegment(): Promise<SegmentFigures[]>;
  /** SKUs on sale with a sale in the window / SKUs on sale (动销率, product/sell-through.ts). */
  sellThrough(): Promise<SellThrough>;
}

/**
 * The sub-window of the latest `last` points up to the one containing `now` — clamped to the window,
 * so a window that has ended gives its last points and one not yet started its first. Its pieces are
 * whole points of the full series (same boundaries, same partial first point).
 */
export function tailWindow(window: Window, interval: Granularity, last: number, now: Date): Window {
  if (window.from >= window.to) return window;
  const current = new Date(Math.min(Math.max(now.getTime(), window.from.getTime()), window.to.getTime() - 1));
  let start = floorTo(interval, current);
  for (let i = 1; i < last && start > window.from; i++) start = floorTo(interval, new Date(start.getTime() - 1));
  const end = nextBoundary(interval, current);
  return { from: start < window.from ? window.from : start, to: end > window.to ? window.to : end };
}

/**
 * `now` places the current point of a series tail, dates the RFM segments of bySegment and, while the
 * window is open, is the moment unshippedOverdue counts at; no other figure depends on it.
 * `minutesKeptFrom` (minute rollups retention, minuteRollupsKeptFrom) cuts old ragged edges (countedWindow);
 * every caller names it, since any window may reach past the horizon (an old campaign).
 */
export function metricsView(db: DbOrTx, scope: ScopeConditions, from: Date, to: Date, now: Date, minutesKeptFrom: Date | null): MetricsView {
  assertWindow(from, to);
  const window = countedWindow(resolveWindow(from, to), minutesKeptFrom);
  let totals: Promise<Totals> | undefined;
  let unshipped: Promise<number> | undefined;
  let buyerMix: Promise<BuyerMix> | undefined;
  let bySegment: Promise<SegmentFigures[]> | undefined;
  let sellThrough: Promise<SellThrough> | undefined;
  const series = new Map<Granularity, Promise<SeriesPoint[]>>();
  const tails = new Map<string, Promise<SeriesPoint[]>>();
  const top = new Map<number, Promise<SkuFigures[]>>();
  const once = <K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>) => {
    let value = cache.get(key);
    if (!value) cache.set(key, (value = load()));
    return value;
  };
  return {
    window,
    scope,
    totals: () => (totals ??= loadTotals(db, scope, window)),
    series: (interval) => once(series, interval, () => loadSeries(db, scope, window, interval)),
    seriesTail: (interval, last) => {
      const problem = pageSizeProblem(SERIES_LAST, last);
      if (problem) return Promise.reject(new DomainError('INVALID_INPUT', problem, ['last']));
      return once(tails, `${interval}:${last}`, () => loadSeries(db, scope, tailWindow(window, interval, last, now), interval));
    },
    topSkus: (limit) => once(top, limit, () => loadTopSkus(db, scope, window, limit)),
    unshippedOverdue: () => (unshipped ??= loadUnshippedOverdue(db, scope, new Date(Math.min(window.to.getTime(), now.getTime())))),
    buyerMix: () => (buyerMix ??= loadBuyerMix(db, scope, window)),
    bySegment: () => (bySegment ??= loadSegmentFigures(db, scope, window, now)),
    sellThrough: () =>
      (sellThrough ??= loadSkuSales(db, scope, window).then((sales) =>
        loadSellThrough(db, scope.skus, sales.filter((s) => s.unitsSold > 0).map((s) => s.skuId)),
      )),
  };
}

/** The `metrics` query: checks the window and the scope against the viewer, loads nothing yet. */
export async function openMetrics(
  db: DbOrTx,
  viewer: Viewer,
  scope: MetricScopeInput,
  from: Date,
  to: Date,
  now: Date,
  minutesKeptFrom: Date | null,
): Promise<MetricsView> {
  assertAskedWindow(from, to);
  return metricsView(db, await resolveScope(db, viewer, scope), from, to, now, minutesKeptFrom);
}
