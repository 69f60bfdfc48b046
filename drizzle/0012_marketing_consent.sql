CREATE TABLE "marketing_email_caps" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"email_key" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_opt_outs" (
	"email_hash" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"source" text NOT NULL,
	"opted_out_at" timestamp with time zone NOT NULL,
	"reported_to_kgc_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "partner_links" ADD COLUMN "marketing_email_consent" boolean;--> statement-breakpoint
ALTER TABLE "partner_links" ADD COLUMN "marketing_consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "partner_links" ADD COLUMN "vip_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "marketing_opt_outs_customer_idx" ON "marketing_opt_outs" USING btree ("customer_id");