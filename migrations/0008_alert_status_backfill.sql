-- Alerts acknowledged before the lifecycle existed are ACKNOWLEDGED, not OPEN.
UPDATE "alerts" SET "status" = 'ACKNOWLEDGED' WHERE "acknowledged_at" IS NOT NULL;
