CREATE TABLE "event_keys" (
	"shop_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"payload_hash" text NOT NULL,
	CONSTRAINT "event_keys_pkey" PRIMARY KEY("shop_id","event_id")
);
--> statement-breakpoint
DROP INDEX "events_shop_event_id_key";--> statement-breakpoint
/* 
    Unfortunately in current drizzle-kit version we can't automatically get name for primary key.
    We are working on making it available!

    Meanwhile you can:
        1. Check pk name in your database, by running
            SELECT constraint_name FROM information_schema.table_constraints
            WHERE table_schema = 'public'
                AND table_name = 'events'
                AND constraint_type = 'PRIMARY KEY';
        2. Uncomment code below and paste pk name manually
        
    Hope to release this update as soon as possible
*/

ALTER TABLE "events" DROP CONSTRAINT "events_pkey";--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_pkey" PRIMARY KEY("seq","occurred_at");--> statement-breakpoint
CREATE INDEX "event_keys_occurred_idx" ON "event_keys" USING brin ("occurred_at");