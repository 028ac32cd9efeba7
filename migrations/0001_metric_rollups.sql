CREATE TYPE "public"."granularity" AS ENUM('MINUTE', 'HOUR', 'DAY');--> statement-breakpoint
CREATE TABLE "metric_rollups" (
	"granularity" "granularity" NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"shop_id" uuid NOT NULL,
	"channel" "channel" NOT NULL,
	"source" "traffic_source" NOT NULL,
	"campaign_id" uuid,
	"visits" integer DEFAULT 0 NOT NULL,
	"page_views" integer DEFAULT 0 NOT NULL,
	"add_to_carts" integer DEFAULT 0 NOT NULL,
	"orders_placed" integer DEFAULT 0 NOT NULL,
	"orders_paid" integer DEFAULT 0 NOT NULL,
	"gmv_fen" bigint DEFAULT 0 NOT NULL,
	"refunded_orders" integer DEFAULT 0 NOT NULL,
	"refunded_fen" bigint DEFAULT 0 NOT NULL,
	"units_sold" integer DEFAULT 0 NOT NULL,
	"visitors" "bytea",
	"carters" "bytea",
	"buyers" "bytea",
	CONSTRAINT "metric_rollups_key" UNIQUE NULLS NOT DISTINCT("granularity","bucket","shop_id","channel","source","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "sku_rollups" (
	"granularity" "granularity" NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"shop_id" uuid NOT NULL,
	"channel" "channel" NOT NULL,
	"source" "traffic_source" NOT NULL,
	"campaign_id" uuid,
	"sku_id" uuid NOT NULL,
	"orders_paid" integer DEFAULT 0 NOT NULL,
	"units_sold" integer DEFAULT 0 NOT NULL,
	"gmv_fen" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "sku_rollups_key" UNIQUE NULLS NOT DISTINCT("granularity","bucket","shop_id","channel","source","campaign_id","sku_id")
);
--> statement-breakpoint
DROP TABLE "metric_minutes" CASCADE;--> statement-breakpoint
DROP TABLE "sku_minutes" CASCADE;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "placed_event_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "metric_rollups_campaign_idx" ON "metric_rollups" USING btree ("campaign_id","granularity","bucket");--> statement-breakpoint
CREATE INDEX "sku_rollups_campaign_idx" ON "sku_rollups" USING btree ("campaign_id","granularity","bucket");