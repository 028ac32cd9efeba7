ALTER TABLE "events" DROP CONSTRAINT "events_shop_id_shops_id_fk";
