CREATE TYPE "public"."points_entry_kind" AS ENUM('EARN', 'REVERSE', 'REDEEM', 'EXPIRE');--> statement-breakpoint
ALTER TYPE "public"."alert_rule" ADD VALUE 'RECTIFICATION_OVERDUE';--> statement-breakpoint
CREATE TABLE "points_ledger" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" "points_entry_kind" NOT NULL,
	"points" integer NOT NULL,
	"source_key" text NOT NULL,
	"order_id" uuid,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"remaining" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rectification_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"daily_report_id" uuid NOT NULL,
	"shop_id" uuid NOT NULL,
	"reasons" text[] NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"content" text,
	"submitted_by" text,
	"submitted_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "refunded_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "points_ledger" ADD CONSTRAINT "points_ledger_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_reports" ADD CONSTRAINT "rectification_reports_daily_report_id_daily_reports_id_fk" FOREIGN KEY ("daily_report_id") REFERENCES "public"."daily_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rectification_reports" ADD CONSTRAINT "rectification_reports_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "points_ledger_customer_source_key" ON "points_ledger" USING btree ("customer_id","source_key");--> statement-breakpoint
CREATE INDEX "points_ledger_lots_idx" ON "points_ledger" USING btree ("customer_id","expires_at");--> statement-breakpoint
CREATE INDEX "points_ledger_expiry_idx" ON "points_ledger" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rectification_reports_daily_report_key" ON "rectification_reports" USING btree ("daily_report_id");--> statement-breakpoint
CREATE INDEX "rectification_reports_due_idx" ON "rectification_reports" USING btree ("submitted_at","due_at");--> statement-breakpoint
CREATE INDEX "rectification_reports_shop_idx" ON "rectification_reports" USING btree ("shop_id","opened_at");