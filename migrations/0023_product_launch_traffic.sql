CREATE TABLE "product_launch_traffic" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"product_views" integer DEFAULT 0 NOT NULL,
	"add_to_carts" integer DEFAULT 0 NOT NULL,
	"visitors" "bytea",
	"carters" "bytea"
);
--> statement-breakpoint
ALTER TABLE "product_launch_traffic" ADD CONSTRAINT "product_launch_traffic_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;