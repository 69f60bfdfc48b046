CREATE TABLE "chat_worklogs" (
	"conversation_id" bigint NOT NULL,
	"request_id" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"customer_id" text,
	"worklog_id" text,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_worklogs_conversation_id_request_id_pk" PRIMARY KEY("conversation_id","request_id")
);
--> statement-breakpoint
CREATE INDEX "chat_worklogs_worklog_idx" ON "chat_worklogs" USING btree ("worklog_id");