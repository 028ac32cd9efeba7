ALTER TABLE "daily_reports" ADD COLUMN "note_updated_by" text;--> statement-breakpoint
ALTER TABLE "marketing_spend" ADD COLUMN "voided_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "marketing_spend" ADD COLUMN "voided_by" text;--> statement-breakpoint
ALTER TABLE "marketing_spend" ADD COLUMN "void_reason" text;