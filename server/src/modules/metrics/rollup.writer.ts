import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { jsonRecords, pipelined } from '../../db/rows.js';
import { hllEntry, sketchHex, SparseHll } from '../../lib/hll.js';
import { zeroCounters, type Counters } from './metrics.formulas.js';
import type { Granularity } from './metrics.table.js';
import { floorTo, minuteStartMs } from './metrics.window.js';

export interface RollupDims {
  shopId: string;
  channel: Channel;
  source: TrafficSource;
  campaignId: string | null;
}

const SKETCHES = ['visitors', 'carters', 'buyers'] as const;
type SketchName = (typeof SKETCHES)[number];

/** Start of the minute containing `at`, in epoch milliseconds: the key a batch's buckets are found by. */
const minuteOf = (at: Date) => minuteStartMs(at.getTime());

const GRANULARITIES: readonly Granularity[] = ['MINUTE', 'HOUR', 'DAY'];

interface MetricCell {
  granularity: Granularity;
  bucket: Date;
  dims: RollupDims;
  counters: Counters;
  sketches: Partial<Record<SketchName, SparseHll>>;
}

interface SkuCell {
  granularity: Granularity;
  bucket: Date;
  dims: RollupDims;
  skuId: string;
  ordersPaid: number;
  unitsSold: number;
  gmvFen: number;
}

/**
 * Accumulates one ingest batch's contributions in memory, then upserts each touched rollup row
 * once. Rows are written in key order so concurrent batches lock them in the same order and
 * cannot deadlock.
 */
export class RollupBatch {
  private readonly cells = new Map<string, MetricCell>();
  private readonly skuCells = new Map<string, SkuCell>();
  /** The minute, hour and day buckets of each minute seen: a batch spans a few minutes, not thousands. */
  private readonly bucketsByMinute = new Map<number, { granularity: Granularity; bucket: Date; key: string }[]>();
  /** The cells an event of a minute and dimensions adds to (see cellsOf). */
  private readonly cellsByMinute = new Map<string, MetricCell[]>();

  add(at: Date, dims: RollupDims, counters: Readonly<Partial<Counters>>, sketchItems: Partial<Record<SketchName, string>> = {}) {
    const cells = this.cellsOf(at, dims);
    // for…in and index loops: no array of names or iterator made per event.
    for (const name in counters) {
      const value = counters[name as keyof Counters]!;
      for (let c = 0; c < cells.length; c++) cells[c]!.counters[name as keyof Counters] += value;
    }
    for (let s = 0; s < SKETCHES.length; s++) {
      const name = SKETCHES[s]!;
      const item = sketchItems[name];
      if (item === undefined) continue;
      // Hash each item once; the same entry goes into the minute, hour and day sketches.
      const entry = hllEntry(item);
      for (let c = 0; c < cells.length; c++) (cells[c]!.sketches[name] ??= new SparseHll()).addEntry(entry);
    }
  }

  addSku(at: Date, dims: RollupDims, skuId: string, figures: { ordersPaid: number; unitsSold: number; gmvFen: number }) {
    const dimsKey = dimensionKey(dims);
    for (const { granularity, bucket, key: bucketKey } of this.bucketsOf(at)) {
      const key = `${bucketKey}|${dimsKey}|${skuId}`;
      const cell = this.skuCells.get(key) ?? { granularity, bucket, dims, skuId, ordersPaid: 0, unitsSold: 0, gmvFen: 0 };
      cell.ordersPaid += figures.ordersPaid;
      cell.unitsSold += figures.unitsSold;
      cell.gmvFen += figures.gmvFen;
      this.skuCells.set(key, cell);
    }
  }

  private bucketsOf(at: Date, minute = minuteOf(at)) {
    let buckets = this.bucketsByMinute.get(minute);
    if (!buckets) {
      buckets = GRANULARITIES.map((granularity) => {
        const bucket = floorTo(granularity, at);
        return { granularity, bucket, key: `${granularity}|${bucket.getTime()}` };
      });
      this.bucketsByMinute.set(minute, buckets);
    }
    return buckets;
  }

  /**
   * The minute, hour and day cells of the minute of `at` and these dimensions, found once per batch
   * and reused for every event of that minute and dimensions (a batch spans a few minutes and a few
   * dozen dimension combinations; it has a thousand events).
   */
  private cellsOf(at: Date, dims: RollupDims): MetricCell[] {
    const minute = minuteOf(at);
    const dimsKey = dimensionKey(dims);
    const minuteKey = `${minute}|${dimsKey}`;
    const found = this.cellsByMinute.get(minuteKey);
    if (found) return found;
    const cells = this.bucketsOf(at, minute).map(({ granularity, bucket, key: bucketKey }) => {
      const key = `${bucketKey}|${dimsKey}`;
      let cell = this.cells.get(key);
      if (!cell) {
        cell = { granularity, bucket, dims, counters: zeroCounters(), sketches: {} };
        this.cells.set(key, cell);
      }
      return cell;
    });
    this.cellsByMinute.set(minuteKey, cells);
    return cells;
  }

  get size() {
    return this.cells.size + this.skuCells.size;
  }

  /** Upserts every touched row: one round trip. */
  async write(tx: DbOrTx) {
    await pipelined(tx, this.statements());
  }

  /** The statements that upsert the touched rows, metrics then SKUs, each in key order: for a caller's pipeline. */
  statements(): SQL[] {
    return [
      ...(this.cells.size > 0 ? [upsertMetrics(sortedValues(this.cells))] : []),
      ...(this.skuCells.size > 0 ? [upsertSkus(sortedValues(this.skuCells))] : []),
    ];
  }
}

// A rollup row's identity is `granularity|bucket ms|dimensions` (plus `|sku` for SKU rows); writing in
// this key's order is what keeps concurrent batches deadlock-free.
function dimensionKey(dims: RollupDims): string {
  return `${dims.shopId}|${dims.channel}|${dims.source}|${dims.campaignId ?? ''}`;
}

function sortedValues<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}


/**
 * A metric cell as a record of the upsert's jsonb_to_recordset: the row's key (g, b, shop, ch, src, camp),
 * its counters and sketches, every property spelled out. Built with object spreads (`...key, ...counters`)
 * a record cost ~15 µs, and a small batch's rollup statements ~0.13 ms (docs/BENCHMARKS.md, Ingest round 16).
 */
function metricRecord(c: MetricCell) {
  const n = c.counters;
  return {
    g: c.granularity, b: c.bucket.toISOString(), shop: c.dims.shopId, ch: c.dims.channel, src: c.dims.source, camp: c.dims.campaignId,
    visits: n.visits, pageViews: n.pageViews, addToCarts: n.addToCarts, ordersPlaced: n.ordersPlaced, ordersPaid: n.ordersPaid,
    gmvFen: n.gmvFen, refundedOrders: n.refundedOrders, refundedFen: n.refundedFen, unitsSold: n.unitsSold, spendFen: n.spendFen,
    ordersShipped: n.ordersShipped, ordersDelivered: n.ordersDelivered, shipSeconds: n.shipSeconds, shipTimedOrders: n.shipTimedOrders,
    vis: sketchHex(c.sketches.visitors),
    cart: sketchHex(c.sketches.carters),
    buy: sketchHex(c.sketches.buyers),
  } satisfies Record<keyof Counters, number> & Record<string, unknown>;
}

function upsertMetrics(cells: MetricCell[]) {
  const records = cells.map(metricRecord);
  return sql`
    insert into metric_rollups (granularity, bucket, shop_id, channel, source, campaign_id, visits, page_views,
      add_to_carts, orders_placed, orders_paid, gmv_fen, refunded_orders, refunded_fen, units_sold, spend_fen, orders_shipped,
      orders_delivered, ship_seconds, ship_timed_orders, visitors, carters, buyers)
    select g::granularity, b, shop, ch::channel, src::traffic_source, camp, "visits", "pageViews", "addToCarts",
      "ordersPlaced", "ordersPaid", "gmvFen", "refundedOrders", "refundedFen", "unitsSold", "spendFen", "ordersShipped",
      "ordersDelivered", "shipSeconds", "shipTimedOrders", decode(vis, 'hex'), decode(cart, 'hex'), decode(buy, 'hex')
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(g text, b timestamptz, shop uuid, ch text, src text, camp uuid,
      "visits" int, "pageViews" int, "addToCarts" int, "ordersPlaced" int, "ordersPaid" int, "gmvFen" bigint,
      "refundedOrders" int, "refundedFen" bigint, "unitsSold" int, "spendFen" bigint, "ordersShipped" int,
      "ordersDelivered" int, "shipSeconds" bigint, "shipTimedOrders" int, vis text, cart text, buy text)
    on conflict on constraint metric_rollups_key do update set
      visits = metric_rollups.visits + excluded.visits,
      page_views = metric_rollups.page_views + excluded.page_views,
      add_to_carts = metric_rollups.add_to_carts + excluded.add_to_carts,
      orders_placed = metric_rollups.orders_placed + excluded.orders_placed,
      orders_paid = metric_rollups.orders_paid + excluded.orders_paid,
      gmv_fen = metric_rollups.gmv_fen + excluded.gmv_fen,
      refunded_orders = metric_rollups.refunded_orders + excluded.refunded_orders,
      refunded_fen = metric_rollups.refunded_fen + excluded.refunded_fen,
      units_sold = metric_rollups.units_sold + excluded.units_sold,
      spend_fen = metric_rollups.spend_fen + excluded.spend_fen,
      orders_shipped = metric_rollups.orders_shipped + excluded.orders_shipped,
      orders_delivered = metric_rollups.orders_delivered + excluded.orders_delivered,
      ship_seconds = metric_rollups.ship_seconds + excluded.ship_seconds,
      ship_timed_orders = metric_rollups.ship_timed_orders + excluded.ship_timed_orders,
      visitors = peakops_hll_union(metric_rollups.visitors, excluded.visitors),
      carters = peakops_hll_union(metric_rollups.carters, excluded.carters),
      buyers = peakops_hll_union(metric_rollups.buyers, excluded.buyers)`;
}

function upsertSkus(cells: SkuCell[]) {
  // The row's key spelled out as metricRecord writes it: one leading spread of a shared key object made
  // 40 records in 210 µs against ~45 spelled out (a loop over the bench's SKU rows, 2026-12-03).
  const records = cells.map((c) => ({
    g: c.granularity, b: c.bucket.toISOString(), shop: c.dims.shopId, ch: c.dims.channel, src: c.dims.source, camp: c.dims.campaignId,
    sku: c.skuId,
    o: c.ordersPaid,
    u: c.unitsSold,
    gmv: c.gmvFen,
  }));
  return sql`
    insert into sku_rollups (granularity, bucket, shop_id, channel, source, campaign_id, sku_id, orders_paid, units_sold, gmv_fen)
    select g::granularity, b, shop, ch::channel, src::traffic_source, camp, sku, o, u, gmv
    from jsonb_to_recordset(${jsonRecords(records)}::jsonb) as r(g text, b timestamptz, shop uuid, ch text, src text,
      camp uuid, sku uuid, o int, u int, gmv bigint)
    on conflict on constraint sku_rollups_key do update set
      orders_paid = sku_rollups.orders_paid + excluded.orders_paid,
      units_sold = sku_rollups.units_sold + excluded.units_sold,
      gmv_fen = sku_rollups.gmv_fen + excluded.gmv_fen`;
}
