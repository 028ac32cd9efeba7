CREATE TYPE "public"."alert_status" AS ENUM('OPEN', 'ACKNOWLEDGED', 'RESOLVED');--> statement-breakpoint
CREATE TYPE "public"."webhook_delivery_status" AS ENUM('PENDING', 'DELIVERED', 'FAILED');--> statement-breakpoint
CREATE TYPE "public"."webhook_event" AS ENUM('ALERT_RAISED', 'ALERT_RESOLVED', 'ALERT_ACKNOWLEDGED', 'ALERT_ESCALATED');--> statement-breakpoint
CREATE TYPE "public"."webhook_format" AS ENUM('JSON', 'DINGTALK', 'WECOM', 'FEISHU');--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'ORDER_SHIPPED';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'ORDER_DELIVERED';--> statement-breakpoint
ALTER TYPE "public"."alert_rule" ADD VALUE 'UNSHIPPED_OVERDUE';--> statement-breakpoint
CREATE TABLE "alert_rule_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule" "alert_rule" NOT NULL,
	"shop_id" uuid,
	"campaign_id" uuid,
	"enabled" boolean,
	"threshold" double precision,
	"sustain_minutes" integer,
	"min_sample" integer,
	"updated_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rule_settings_key" UNIQUE NULLS NOT DISTINCT("rule","shop_id","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempted_at" timestamp (3) with time zone NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"webhook_id" uuid NOT NULL,
	"event" "webhook_event" NOT NULL,
	"data" jsonb NOT NULL,
	"status" "webhook_delivery_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp (3) with time zone,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"format" "webhook_format" NOT NULL,
	"events" "webhook_event"[] NOT NULL,
	"shop_ids" uuid[],
	"secret" text,
	"created_by" text NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"paused_at" timestamp (3) with time zone,
	"deleted_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "alerts_dedupe_key";--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "carrier" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "tracking_number" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "status" "alert_status" DEFAULT 'OPEN' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "value" double precision;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "threshold" double precision;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "clear_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "spend_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "orders_shipped" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "orders_delivered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "ship_seconds" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "ship_timed_orders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_rule_settings" ADD CONSTRAINT "alert_rule_settings_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rule_settings" ADD CONSTRAINT "alert_rule_settings_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempted_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_unshipped_idx" ON "orders" USING btree ("shop_id","paid_at") WHERE status = 'PAID' and shipped_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts" USING btree ("dedupe_key") WHERE status <> 'RESOLVED';--> statement-breakpoint
CREATE INDEX "alerts_dedupe_idx" ON "alerts" USING btree ("dedupe_key","raised_at");--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status","raised_at");