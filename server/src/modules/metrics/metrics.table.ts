import { bytea } from '../../db/bytea.js';
import { bigint, index, integer, pgEnum, pgTable, unique, uuid } from 'drizzle-orm/pg-core';
import { fen, instant } from '../../db/columns.js';
import { channelEnum, trafficSourceEnum } from '../../db/enums.js';

/**
 * Rollups are kept at three granularities so any window reads a bounded number of rows: whole
 * Asia/Shanghai days inside the window come from DAY rows, whole hours from HOUR rows, and only the
 * ragged edges from MINUTE rows. All three are upserted in the ingest transaction.
 *
 * Both rollup tables are partitioned in the database by migration 0017, which drizzle-kit's snapshot
 * cannot express (so it is not shown here; columns, key and index are the tables'): `PARTITION BY LIST
 * (granularity)`, the MINUTE partition by RANGE (bucket) in UTC months (`…_minute_pYYYYMM` and a
 * `…_minute_default`), so retention drops whole months of minute rows (modules/history); HOUR and DAY
 * rows are few and kept whole. The unique keys already hold granularity and bucket, as partitioning needs.
 */
export const GRANULARITIES = ['MINUTE', 'HOUR', 'DAY'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const granularityEnum = pgEnum('granularity', GRANULARITIES);

export const metricRollups = pgTable(
  'metric_rollups',
  {
    granularity: granularityEnum().notNull(),
    /** Start of the minute, hour or Asia/Shanghai day. */
    bucket: instant().notNull(),
    shopId: uuid().notNull(),
    channel: channelEnum().notNull(),
    source: trafficSourceEnum().notNull(),
    campaignId: uuid(),
    visits: integer().notNull().default(0),
    pageViews: integer().notNull().default(0),
    addToCarts: integer().notNull().default(0),
    ordersPlaced: integer().notNull().default(0),
    ordersPaid: integer().notNull().default(0),
    gmvFen: fen().notNull().default(0),
    /** Orders whose first refund falls in this bucket (the refund-rate numerator). */
    refundedOrders: integer().notNull().default(0),
    refundedFen: fen().notNull().default(0),
    unitsSold: integer().notNull().default(0),
    /** Marketing spend attributed to this bucket and dimensions (recordMarketingSpend). */
    spendFen: fen().notNull().default(0),
    /** Orders whose shipment / delivery falls in this bucket. */
    ordersShipped: integer().notNull().default(0),
    ordersDelivered: integer().notNull().default(0),
    /** Paid-to-shipped seconds summed over the shipped orders of this bucket whose payment is known, and their count. */
    shipSeconds: bigint({ mode: 'number' }).notNull().default(0),
    shipTimedOrders: integer().notNull().default(0),
    /** HyperLogLog sketches (see lib/hll.ts): distinct visitors, visitors who added to cart, paying customers. */
    visitors: bytea(),
    carters: bytea(),
    buyers: bytea(),
  },
  (t) => [
    unique('metric_rollups_key').on(t.granularity, t.bucket, t.shopId, t.channel, t.source, t.campaignId).nullsNotDistinct(),
    index('metric_rollups_campaign_idx').on(t.campaignId, t.granularity, t.bucket),
  ],
);

/** Per-SKU rollups for top products, at the same granularities and dimensions. */
export const skuRollups = pgTable(
  'sku_rollups',
  {
    granularity: granularityEnum().notNull(),
    bucket: instant().notNull(),
    shopId: uuid().notNull(),
    channel: channelEnum().notNull(),
    source: trafficSourceEnum().notNull(),
    campaignId: uuid(),
    skuId: uuid().notNull(),
    ordersPaid: integer().notNull().default(0),
    unitsSold: integer().notNull().default(0),
    gmvFen: fen().notNull().default(0),
  },
  (t) => [
    unique('sku_rollups_key')
      .on(t.granularity, t.bucket, t.shopId, t.channel, t.source, t.campaignId, t.skuId)
      .nullsNotDistinct(),
    index('sku_rollups_campaign_idx').on(t.campaignId, t.granularity, t.bucket),
  ],
);

export type MetricRollupRow = typeof metricRollups.$inferSelect;
export type SkuRollupRow = typeof skuRollups.$inferSelect;
