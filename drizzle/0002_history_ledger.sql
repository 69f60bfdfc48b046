CREATE TABLE "history_ledger" (
	"kind" text NOT NULL,
	"kgc_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"amount_huf" bigint NOT NULL,
	"occurred_on" date NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"payload" jsonb NOT NULL,
	"synced_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "history_ledger_kind_kgc_id_pk" PRIMARY KEY("kind","kgc_id")
);
--> statement-breakpoint
CREATE INDEX "history_ledger_customer_idx" ON "history_ledger" USING btree ("customer_id");