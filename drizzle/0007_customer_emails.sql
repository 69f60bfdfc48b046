CREATE TABLE "email_campaign_subjects" (
	"campaign" text NOT NULL,
	"subject_id" text NOT NULL,
	"customer_id" text,
	"customer_phone" text,
	"details" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_campaign_subjects_campaign_subject_id_pk" PRIMARY KEY("campaign","subject_id")
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"key" text PRIMARY KEY NOT NULL,
	"campaign" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"customer_id" text,
	"message_id" text NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"smtp_code" bigint,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "email_campaign_subjects_customer_idx" ON "email_campaign_subjects" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "email_outbox_customer_idx" ON "email_outbox" USING btree ("customer_id");