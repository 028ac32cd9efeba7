DROP INDEX "orders_campaign_idx";--> statement-breakpoint
CREATE INDEX "orders_campaign_paid_idx" ON "orders" USING btree ("campaign_id","paid_at");