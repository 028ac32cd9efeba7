-- Customers known before 0023 take the campaign of their first paid order (an order's campaign never changes).
UPDATE "customers" AS c SET "first_order_campaign_id" = f."campaign_id"
FROM (
  SELECT DISTINCT ON ("customer_id") "customer_id", "campaign_id" FROM "orders"
  WHERE "paid_at" IS NOT NULL AND "customer_id" IS NOT NULL
  ORDER BY "customer_id", "paid_at", "id"
) AS f
WHERE f."customer_id" = c."id" AND f."campaign_id" IS NOT NULL AND c."first_order_campaign_id" IS NULL;
