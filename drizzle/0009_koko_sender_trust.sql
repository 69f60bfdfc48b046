ALTER TABLE "koko_conversations" ADD COLUMN "verified_by" text;--> statement-breakpoint
ALTER TABLE "koko_suggestions" ADD COLUMN "account_data" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Phones kept so far were the contact's, possibly typed by a visitor: none was verified, so none is kept.
UPDATE "koko_conversations" SET "contact_phone" = NULL;
