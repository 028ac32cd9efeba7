ALTER TYPE "public"."alert_rule" ADD VALUE 'ORDERS_STALLED';--> statement-breakpoint
ALTER TYPE "public"."webhook_event" ADD VALUE 'ALERT_RESPONSE_OVERDUE';--> statement-breakpoint
ALTER TYPE "public"."webhook_event" ADD VALUE 'ALERT_FIX_OVERDUE';--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "critical_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "response_overdue_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "fix_overdue_at" timestamp (3) with time zone;