CREATE TABLE "chatwoot_deliveries" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"event" text NOT NULL,
	"conversation_id" bigint,
	"outcome" text NOT NULL,
	"reason" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "koko_admin_texts" (
	"id" text PRIMARY KEY NOT NULL,
	"suggestion_id" text NOT NULL,
	"conversation_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"written_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "koko_conversations" (
	"conversation_id" bigint PRIMARY KEY NOT NULL,
	"contact_id" bigint,
	"customer_id" text,
	"contact_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "koko_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"suggestion_id" text,
	"decision" text NOT NULL,
	"decided_by" text NOT NULL,
	"via" text NOT NULL,
	"reason" text,
	"text_id" text,
	"chatwoot_message_id" bigint,
	"workflow_id" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "koko_messages" (
	"message_id" bigint PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"contact_id" bigint,
	"content" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "koko_outbox" (
	"key" text PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"state" text NOT NULL,
	"chatwoot_message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "koko_suggestions" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" bigint NOT NULL,
	"contact_id" bigint,
	"customer_id" text,
	"workflow_id" text NOT NULL,
	"message_ids" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"intent" text,
	"confidence" double precision,
	"language" text,
	"suggested_reply" text,
	"needs_human" boolean,
	"reason" text,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"sent_message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "koko_conversations_contact_idx" ON "koko_conversations" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "koko_conversations_customer_idx" ON "koko_conversations" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "koko_decisions_conversation_idx" ON "koko_decisions" USING btree ("conversation_id","decided_at");--> statement-breakpoint
CREATE INDEX "koko_messages_conversation_idx" ON "koko_messages" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "koko_suggestions_status_idx" ON "koko_suggestions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "koko_suggestions_conversation_idx" ON "koko_suggestions" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "koko_suggestions_contact_idx" ON "koko_suggestions" USING btree ("contact_id");