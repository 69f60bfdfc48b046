CREATE TABLE "twenty_email_claims" (
	"email_hash" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "twenty_email_claims_customer_idx" ON "twenty_email_claims" USING btree ("customer_id");
