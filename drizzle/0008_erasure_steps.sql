CREATE TABLE "configured_systems" (
	"system" text PRIMARY KEY NOT NULL,
	"first_configured_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_keys" (
	"customer_hash" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "erasure_keys_customer_hash_kind_value_pk" PRIMARY KEY("customer_hash","kind","value")
);
--> statement-breakpoint
ALTER TABLE "erasures" ADD COLUMN "status" text DEFAULT 'in_progress' NOT NULL;--> statement-breakpoint
UPDATE "erasures" SET "status" = 'complete' WHERE "completed_at" IS NOT NULL;
