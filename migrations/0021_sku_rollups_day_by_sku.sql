-- Custom SQL migration file, put your code below! --
-- A SKU's day rows by SKU, for turnover (inventory days, sell-through, slow movers: modules/product/turnover.ts).
-- Only on the DAY partition: day rows are few and kept whole, and the minute partitions, which ingestion
-- writes most, carry no extra index. drizzle-kit cannot express an index on one partition (migration 0017).
CREATE INDEX IF NOT EXISTS "sku_rollups_day_sku_idx" ON "sku_rollups_day" USING btree ("sku_id", "bucket");
