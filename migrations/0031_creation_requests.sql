CREATE TABLE "creation_requests" (
	"principal" text NOT NULL,
	"kind" text NOT NULL,
	"request_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "creation_requests_pkey" PRIMARY KEY("principal","kind","request_id")
);
