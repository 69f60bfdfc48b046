CREATE TABLE "customer_notifications" (
	"key" text PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"customer_id" text,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"chatwoot_conversation_id" text,
	"chatwoot_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "customer_notifications_customer_idx" ON "customer_notifications" USING btree ("customer_id");