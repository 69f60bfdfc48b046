CREATE TABLE "bulk_sync_runs" (
	"run_id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"active" boolean,
	"status" text NOT NULL,
	"history_months" bigint NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "bulk_sync_runs_active_unique" UNIQUE("active")
);
--> statement-breakpoint
CREATE TABLE "dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"system" text NOT NULL,
	"record_kind" text NOT NULL,
	"kgc_id" text NOT NULL,
	"customer_id" text,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"redrive_workflow_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"redriven_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_record_idx" ON "dead_letters" USING btree ("run_id","system","record_kind","kgc_id");--> statement-breakpoint
CREATE INDEX "dead_letters_customer_idx" ON "dead_letters" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "dead_letters_status_idx" ON "dead_letters" USING btree ("status","created_at");