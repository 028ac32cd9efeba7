-- Refunds written before 0013 take their order's shop and campaign (an order's attribution never changes).
UPDATE "refunds" AS r SET "shop_id" = o."shop_id", "campaign_id" = o."campaign_id" FROM "orders" AS o WHERE o."id" = r."order_id" AND r."shop_id" IS NULL;
