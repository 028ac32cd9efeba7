CREATE TABLE "campaign_retrospectives" (
	"campaign_id" uuid PRIMARY KEY NOT NULL,
	"lessons" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "milestone_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"milestone_id" uuid NOT NULL,
	"status" "milestone_status" NOT NULL,
	"risk_level" "risk_level" NOT NULL,
	"changed_at" timestamp (3) with time zone NOT NULL,
	"changed_by" text
);
--> statement-breakpoint
ALTER TABLE "campaign_retrospectives" ADD CONSTRAINT "campaign_retrospectives_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_changes" ADD CONSTRAINT "milestone_changes_milestone_id_campaign_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."campaign_milestones"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "milestone_changes_milestone_idx" ON "milestone_changes" USING btree ("milestone_id","changed_at");--> statement-breakpoint
CREATE INDEX "customers_shop_first_order_idx" ON "customers" USING btree ("shop_id","first_order_at");--> statement-breakpoint
CREATE INDEX "orders_shop_paid_idx" ON "orders" USING btree ("shop_id","paid_at","customer_id") WHERE paid_at is not null;