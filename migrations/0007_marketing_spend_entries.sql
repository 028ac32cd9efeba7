CREATE TABLE "marketing_spend" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shop_id" uuid NOT NULL,
	"entry_id" text NOT NULL,
	"spent_at" timestamp (3) with time zone NOT NULL,
	"channel" "channel" NOT NULL,
	"source" "traffic_source" NOT NULL,
	"campaign_id" uuid,
	"amount_fen" bigint NOT NULL,
	"payload_hash" text NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "marketing_spend" ADD CONSTRAINT "marketing_spend_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_spend" ADD CONSTRAINT "marketing_spend_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_spend_shop_entry_key" ON "marketing_spend" USING btree ("shop_id","entry_id");--> statement-breakpoint
CREATE INDEX "marketing_spend_shop_spent_idx" ON "marketing_spend" USING btree ("shop_id","spent_at");