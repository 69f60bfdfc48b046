CREATE TABLE "integration_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workflow_id" text,
	"run_id" text,
	"customer_id" text,
	"event_type" text,
	"system" text NOT NULL,
	"action" text NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kgc_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_key" text NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"customer_id" text,
	"workflow_id" text,
	"status" text NOT NULL,
	"reason" text,
	"payload" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handed_off_at" timestamp with time zone,
	CONSTRAINT "kgc_events_delivery_key_unique" UNIQUE("delivery_key")
);
--> statement-breakpoint
CREATE TABLE "module_flags" (
	"module" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "partner_links" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"twenty_person_id" text,
	"chatwoot_contact_id" text,
	"sync_status" text NOT NULL,
	"last_synced_at" timestamp with time zone,
	"last_error" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "integration_log_customer_idx" ON "integration_log" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "kgc_events_customer_idx" ON "kgc_events" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "kgc_events_received_idx" ON "kgc_events" USING btree ("received_at");