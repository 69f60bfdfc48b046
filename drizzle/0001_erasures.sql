CREATE TABLE "erasures" (
	"customer_hash" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"workflow_id" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"systems" jsonb DEFAULT '[]'::jsonb NOT NULL
);
