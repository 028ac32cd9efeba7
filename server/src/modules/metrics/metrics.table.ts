import { index, integer, pgTable, unique, uuid } from 'drizzle-orm/pg-core';
import { fen, instant } from '../../db/columns.js';
import { channelEnum, trafficSourceEnum } from '../../db/enums.js';

/**
 * Per-minute rollups, upserted in the same transaction as the events they count, so dashboards read
 * O(buckets) rows instead of scanning orders. Hour and day views are derived from these minutes.
 */
export const metricMinutes = pgTable(
  'metric_minutes',
  {
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
    refunds: integer().notNull().default(0),
    refundedFen: fen().notNull().default(0),
    unitsSold: integer().notNull().default(0),
  },
  (t) => [
    unique('metric_minutes_key').on(t.bucket, t.shopId, t.channel, t.source, t.campaignId).nullsNotDistinct(),
    index('metric_minutes_campaign_idx').on(t.campaignId, t.bucket),
  ],
);

/** Per-SKU minute rollups for top products and sell-through. */
export const skuMinutes = pgTable(
  'sku_minutes',
  {
    bucket: instant().notNull(),
    shopId: uuid().notNull(),
    skuId: uuid().notNull(),
    campaignId: uuid(),
    ordersPaid: integer().notNull().default(0),
    unitsSold: integer().notNull().default(0),
    gmvFen: fen().notNull().default(0),
  },
  (t) => [
    unique('sku_minutes_key').on(t.bucket, t.shopId, t.skuId, t.campaignId).nullsNotDistinct(),
    index('sku_minutes_campaign_idx').on(t.campaignId, t.bucket),
  ],
);
