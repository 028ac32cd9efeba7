-- History that stays fast (issue 13): the event log and the minute rollups are partitioned by UTC month,
-- so retention (modules/history) drops whole months instead of deleting rows. drizzle-kit's snapshot
-- cannot express partitioning, hence this custom migration; it follows 0016, which moved the idempotency
-- key to event_keys and gave events the primary key (seq, occurred_at) a partitioned table needs.
-- Each table is rebuilt: the old one is renamed, a partitioned one takes its name, columns, defaults,
-- constraint and index names, the rows are copied, and the old table is dropped.

-- Creates `<parent>_pYYYYMM` for the UTC month holding `month`, unless it exists. Rows of that month
-- already in `<parent>_default` (an event that arrived before its month had a partition) would make
-- PostgreSQL refuse the new partition, so they are moved out first and back in through the parent, in
-- the caller's transaction. The advisory lock serialises instances that maintain partitions at once.
CREATE FUNCTION peakops_month_partition(parent text, key text, inside timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  first_day timestamp := date_trunc('month', inside AT TIME ZONE 'UTC');
  lo text := to_char(first_day, 'YYYY-MM-DD') || ' 00:00:00+00';
  hi text := to_char(first_day + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
  part text := parent || '_p' || to_char(first_day, 'YYYYMM');
  moved bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(4242618, 13);
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TEMP TABLE peakops_moving ON COMMIT DROP AS SELECT * FROM %I WHERE %I >= %L::timestamptz AND %I < %L::timestamptz',
    parent || '_default', key, lo, key, hi);
  GET DIAGNOSTICS moved = ROW_COUNT;
  IF moved > 0 THEN
    EXECUTE format('DELETE FROM %I WHERE %I >= %L::timestamptz AND %I < %L::timestamptz', parent || '_default', key, lo, key, hi);
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, lo, hi);
  IF moved > 0 THEN
    EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM peakops_moving', parent);
  END IF;
  DROP TABLE peakops_moving;
  RETURN true;
END;
$$;
--> statement-breakpoint
ALTER TABLE "events" RENAME TO "events_unpartitioned";--> statement-breakpoint
ALTER TABLE "events_unpartitioned" RENAME CONSTRAINT "events_pkey" TO "events_unpartitioned_pkey";--> statement-breakpoint
ALTER INDEX "events_occurred_idx" RENAME TO "events_unpartitioned_occurred_idx";--> statement-breakpoint
CREATE TABLE "events" (LIKE "events_unpartitioned" INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY ("seq", "occurred_at");--> statement-breakpoint
CREATE INDEX "events_occurred_idx" ON "events" USING btree ("occurred_at");--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;--> statement-breakpoint
-- A partition for every month that holds events, and for this month and the next two (the job keeps it so).
SELECT peakops_month_partition('events', 'occurred_at', m) FROM (
  SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM "events_unpartitioned"
  UNION SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i)) AT TIME ZONE 'UTC' FROM generate_series(0, 2) AS i
) AS months ORDER BY m;--> statement-breakpoint
INSERT INTO "event_keys" ("shop_id", "event_id", "occurred_at", "payload_hash")
  SELECT "shop_id", "event_id", "occurred_at", "payload_hash" FROM "events_unpartitioned";--> statement-breakpoint
INSERT INTO "events" OVERRIDING SYSTEM VALUE SELECT * FROM "events_unpartitioned";--> statement-breakpoint
DROP TABLE "events_unpartitioned";--> statement-breakpoint
-- The new identity sequence continues after the copied seqs and takes the old sequence's name.
DO $$
BEGIN
  PERFORM setval(pg_get_serial_sequence('events', 'seq'), coalesce((SELECT max("seq") FROM "events"), 0) + 1, false);
  EXECUTE format('ALTER SEQUENCE %s RENAME TO events_seq_seq', pg_get_serial_sequence('events', 'seq'));
END;
$$;
--> statement-breakpoint
ALTER TABLE "metric_rollups" RENAME TO "metric_rollups_unpartitioned";--> statement-breakpoint
ALTER TABLE "metric_rollups_unpartitioned" RENAME CONSTRAINT "metric_rollups_key" TO "metric_rollups_unpartitioned_key";--> statement-breakpoint
ALTER INDEX "metric_rollups_campaign_idx" RENAME TO "metric_rollups_unpartitioned_campaign_idx";--> statement-breakpoint
-- By granularity first: the unique key already holds granularity and bucket, so the ingest upsert is unchanged.
-- HOUR and DAY rows are few (24 and 1 per day and dimension combination) and kept whole.
CREATE TABLE "metric_rollups" (LIKE "metric_rollups_unpartitioned" INCLUDING DEFAULTS) PARTITION BY LIST ("granularity");--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_key" UNIQUE NULLS NOT DISTINCT ("granularity", "bucket", "shop_id", "channel", "source", "campaign_id");--> statement-breakpoint
CREATE INDEX "metric_rollups_campaign_idx" ON "metric_rollups" USING btree ("campaign_id", "granularity", "bucket");--> statement-breakpoint
CREATE TABLE "metric_rollups_minute" PARTITION OF "metric_rollups" FOR VALUES IN ('MINUTE') PARTITION BY RANGE ("bucket");--> statement-breakpoint
CREATE TABLE "metric_rollups_minute_default" PARTITION OF "metric_rollups_minute" DEFAULT;--> statement-breakpoint
CREATE TABLE "metric_rollups_hour" PARTITION OF "metric_rollups" FOR VALUES IN ('HOUR');--> statement-breakpoint
CREATE TABLE "metric_rollups_day" PARTITION OF "metric_rollups" FOR VALUES IN ('DAY');--> statement-breakpoint
SELECT peakops_month_partition('metric_rollups_minute', 'bucket', m) FROM (
  SELECT DISTINCT date_trunc('month', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM "metric_rollups_unpartitioned" WHERE granularity = 'MINUTE'
  UNION SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i)) AT TIME ZONE 'UTC' FROM generate_series(0, 2) AS i
) AS months ORDER BY m;--> statement-breakpoint
INSERT INTO "metric_rollups" SELECT * FROM "metric_rollups_unpartitioned";--> statement-breakpoint
DROP TABLE "metric_rollups_unpartitioned";--> statement-breakpoint
ALTER TABLE "sku_rollups" RENAME TO "sku_rollups_unpartitioned";--> statement-breakpoint
ALTER TABLE "sku_rollups_unpartitioned" RENAME CONSTRAINT "sku_rollups_key" TO "sku_rollups_unpartitioned_key";--> statement-breakpoint
ALTER INDEX "sku_rollups_campaign_idx" RENAME TO "sku_rollups_unpartitioned_campaign_idx";--> statement-breakpoint
CREATE TABLE "sku_rollups" (LIKE "sku_rollups_unpartitioned" INCLUDING DEFAULTS) PARTITION BY LIST ("granularity");--> statement-breakpoint
ALTER TABLE "sku_rollups" ADD CONSTRAINT "sku_rollups_key" UNIQUE NULLS NOT DISTINCT ("granularity", "bucket", "shop_id", "channel", "source", "campaign_id", "sku_id");--> statement-breakpoint
CREATE INDEX "sku_rollups_campaign_idx" ON "sku_rollups" USING btree ("campaign_id", "granularity", "bucket");--> statement-breakpoint
CREATE TABLE "sku_rollups_minute" PARTITION OF "sku_rollups" FOR VALUES IN ('MINUTE') PARTITION BY RANGE ("bucket");--> statement-breakpoint
CREATE TABLE "sku_rollups_minute_default" PARTITION OF "sku_rollups_minute" DEFAULT;--> statement-breakpoint
CREATE TABLE "sku_rollups_hour" PARTITION OF "sku_rollups" FOR VALUES IN ('HOUR');--> statement-breakpoint
CREATE TABLE "sku_rollups_day" PARTITION OF "sku_rollups" FOR VALUES IN ('DAY');--> statement-breakpoint
SELECT peakops_month_partition('sku_rollups_minute', 'bucket', m) FROM (
  SELECT DISTINCT date_trunc('month', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM "sku_rollups_unpartitioned" WHERE granularity = 'MINUTE'
  UNION SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i)) AT TIME ZONE 'UTC' FROM generate_series(0, 2) AS i
) AS months ORDER BY m;--> statement-breakpoint
INSERT INTO "sku_rollups" SELECT * FROM "sku_rollups_unpartitioned";--> statement-breakpoint
DROP TABLE "sku_rollups_unpartitioned";
