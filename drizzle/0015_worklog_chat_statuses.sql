CREATE TABLE "worklog_chat_statuses" (
	"worklog_id" text NOT NULL,
	"status" text NOT NULL,
	"rank" bigint NOT NULL,
	"conversation_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worklog_chat_statuses_worklog_id_status_pk" PRIMARY KEY("worklog_id","status")
);
