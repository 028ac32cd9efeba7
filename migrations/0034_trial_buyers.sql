CREATE TABLE "product_trial_buyers" (
	"product_id" uuid NOT NULL,
	"buyer" text NOT NULL,
	CONSTRAINT "product_trial_buyers_product_id_buyer_pk" PRIMARY KEY("product_id","buyer")
);
--> statement-breakpoint
ALTER TABLE "product_trial_buyers" ADD CONSTRAINT "product_trial_buyers_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;