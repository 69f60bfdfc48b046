CREATE TABLE "twenty_deliveries" (
	"delivery_key" text PRIMARY KEY NOT NULL,
	"event_name" text NOT NULL,
	"record_id" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"workflow_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
