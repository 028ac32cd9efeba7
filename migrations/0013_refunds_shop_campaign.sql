ALTER TABLE "refunds" ADD COLUMN "shop_id" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "campaign_id" uuid;--> statement-breakpoint
CREATE INDEX "refunds_campaign_reason_idx" ON "refunds" USING btree ("campaign_id","reason","amount_fen");