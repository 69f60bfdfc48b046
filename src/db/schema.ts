import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { ErasedSystem } from '../contracts/erasure-steps.js';
import type { HistoryKind } from '../contracts/history-kinds.js';

/**
 * Every KGC delivery we answered, keyed for de-duplication. Rows are kept for at least 72 hours; the GDPR cascade
 * erases a customer's rows. Ids and statuses only: workflows that need an event's data get it from their own tables.
 */
export const kgcEvents = pgTable(
  'kgc_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryKey: text('delivery_key').notNull().unique(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    customerId: text('customer_id'),
    workflowId: text('workflow_id'),
    status: text('status', { enum: ['accepted', 'skipped'] }).notNull(),
    reason: text('reason'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    handedOffAt: timestamp('handed_off_at', { withTimezone: true }),
  },
  (t) => [index('kgc_events_customer_idx').on(t.customerId), index('kgc_events_received_idx').on(t.receivedAt)],
);

/** One row per KGC customer: where it lives in Twenty and Chatwoot and how its last sync went. Ids only. */
export const partnerLinks = pgTable('partner_links', {
  customerId: text('customer_id').primaryKey(),
  twentyPersonId: text('twenty_person_id'),
  chatwootContactId: text('chatwoot_contact_id'),
  syncStatus: text('sync_status', { enum: ['pending', 'synced', 'failed', 'deleted_in_kgc'] }).notNull(),
  lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
  lastError: text('last_error'),
  warnings: jsonb('warnings').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** KGC's marketing_consent.email as last read (null: KGC sent none, which means no consent). */
  marketingEmailConsent: boolean('marketing_email_consent'),
  marketingConsentAt: timestamp('marketing_consent_at', { withTimezone: true }),
  /** When the customer's completed rentals first reached the VIP threshold: set once, never moved. */
  vipSince: timestamp('vip_since', { withTimezone: true }),
});

/** Audit trail: one row per workflow step outcome. No personal data in `detail`. */
export const integrationLog = pgTable(
  'integration_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workflowId: text('workflow_id'),
    runId: text('run_id'),
    customerId: text('customer_id'),
    eventType: text('event_type'),
    system: text('system', { enum: ['kgc', 'twenty', 'chatwoot', 'intake', 'admin', 'smtp'] }).notNull(),
    action: text('action').notNull(),
    status: text('status', { enum: ['ok', 'skipped', 'failed', 'warning', 'rejected'] }).notNull(),
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // By workflow: what a run recorded (the won-deal sweep asks it of every won deal without a tenant).
  (t) => [index('integration_log_customer_idx').on(t.customerId, t.createdAt), index('integration_log_workflow_idx').on(t.workflowId)],
);

/** Run-time module switches (docs/architecture.md#principles, 4). Seeded from the environment once. */
export const moduleFlags = pgTable('module_flags', {
  module: text('module', { enum: ['crm', 'support'] }).primaryKey(),
  enabled: boolean('enabled').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

export type ModuleName = 'crm' | 'support';

/**
 * GDPR erasures, keyed by an HMAC of the customer id (ERASURE_HASH_KEY): the row is the tombstone (written before
 * anything is deleted; no intake path or sync may write the customer again) and the certificate. `systems` holds
 * one entry per erasure step with its outcome; `status` is `complete` once every step is done.
 */
export const erasures = pgTable('erasures', {
  customerHash: text('customer_hash').primaryKey(),
  /** A reason code (customer_request, …, other), never KGC's free text. */
  reason: text('reason').notNull(),
  workflowId: text('workflow_id').notNull(),
  status: text('status', { enum: ['in_progress', 'complete', 'incomplete'] }).notNull().default('in_progress'),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  systems: jsonb('systems').$type<ErasedSystem[]>().notNull().default(sql`'[]'::jsonb`),
});

/**
 * What an unfinished erasure still needs to find the customer's data by: the emails and phones read from KGC,
 * Twenty and Chatwoot before they were erased, and the Chatwoot contacts found. Deleted when the erasure is
 * complete; an erasure left incomplete keeps them until the operator's retry finishes it.
 */
export const erasureKeys = pgTable(
  'erasure_keys',
  {
    customerHash: text('customer_hash').notNull(),
    kind: text('kind', { enum: ['email', 'phone', 'chatwoot_contact'] }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerHash, t.kind, t.value] })],
);

/** Every external system this deployment ever had credentials for: an erasure is complete only once each is erased. */
export const configuredSystems = pgTable('configured_systems', {
  system: text('system', { enum: ['twenty', 'chatwoot'] }).primaryKey(),
  firstConfiguredAt: timestamp('first_configured_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Customer history as KGC reported it (rental.completed, service.completed, order.delivered), keyed by the KGC id.
 * Twenty's records are written from here and the person's aggregates are recomputed from the synced rows, never
 * incremented, so a repeated event or a retried activity changes nothing. Erased by the GDPR cascade.
 */
export const historyLedger = pgTable(
  'history_ledger',
  {
    kind: text('kind', { enum: ['rental', 'service', 'order'] }).notNull(),
    kgcId: text('kgc_id').notNull(),
    customerId: text('customer_id').notNull(),
    amountHuf: bigint('amount_huf', { mode: 'number' }).notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    late: boolean('late').notNull().default(false),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    syncedAt: timestamp('synced_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.kgcId] }), index('history_ledger_customer_idx').on(t.customerId)],
);

/**
 * Which KGC customer may send an email as its Twenty person's primary email. Twenty's upsert matches on id OR
 * primary email and updates the row it finds, so two customers sending one email become one person: every writer
 * (live sync and bulk sync) takes the claim in one statement before its upsert, and only the holder sends it as
 * primary. Keyed by a hash of the normalised email, so no address is stored; erased with the customer.
 */
export const twentyEmailClaims = pgTable(
  'twenty_email_claims',
  {
    emailHash: text('email_hash').primaryKey(),
    customerId: text('customer_id').notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('twenty_email_claims_customer_idx').on(t.customerId)],
);

/**
 * Koko (AI triage of Chatwoot conversations). Message texts, suggestions and edited replies live here, never in
 * workflow history; every row carries the conversation and Chatwoot contact ids (and the KGC customer id once
 * known) so the GDPR cascade can erase them.
 */
export const kokoConversations = pgTable(
  'koko_conversations',
  {
    conversationId: bigint('conversation_id', { mode: 'number' }).primaryKey(),
    contactId: bigint('contact_id', { mode: 'number' }),
    customerId: text('customer_id'),
    /** Who vouches for the writer (src/domain/chatwoot-sender-trust.ts); null: nobody, so no account data. */
    verifiedBy: text('verified_by', { enum: ['carrier', 'hmac'] }),
    /** Only the phone a carrier channel delivered from; a phone typed into a contact is never kept. */
    contactPhone: text('contact_phone'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('koko_conversations_contact_idx').on(t.contactId), index('koko_conversations_customer_idx').on(t.customerId)],
);

/** Customer messages as received from Chatwoot's webhook, keyed by Chatwoot's message id. */
export const kokoMessages = pgTable(
  'koko_messages',
  {
    messageId: bigint('message_id', { mode: 'number' }).primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
    contactId: bigint('contact_id', { mode: 'number' }),
    content: text('content').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('koko_messages_conversation_idx').on(t.conversationId)],
);

export type KokoSuggestionStatus = 'classified' | 'auto_sent' | 'pending' | 'approved' | 'rejected' | 'expired' | 'superseded' | 'escalated';

/** One Gemini classification of a conversation's unanswered messages, and what became of it. */
export const kokoSuggestions = pgTable(
  'koko_suggestions',
  {
    id: text('id').primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
    contactId: bigint('contact_id', { mode: 'number' }),
    customerId: text('customer_id'),
    workflowId: text('workflow_id').notNull(),
    messageIds: jsonb('message_ids').$type<number[]>().notNull(),
    outcome: text('outcome', { enum: ['classified', 'unusable'] }).notNull(),
    intent: text('intent'),
    confidence: doublePrecision('confidence'),
    language: text('language'),
    suggestedReply: text('suggested_reply'),
    needsHuman: boolean('needs_human'),
    reason: text('reason'),
    /** The customer's KGC business was in the prompt: such a reply is never sent without an admin. */
    accountData: boolean('account_data').notNull().default(false),
    status: text('status').$type<KokoSuggestionStatus>().notNull(),
    /** Gemini read a machine fault in the messages: with `szerviz`, the conversation asks for a worklog. */
    faultDescribed: boolean('fault_described').notNull().default(false),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    sentMessageId: bigint('sent_message_id', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('koko_suggestions_status_idx').on(t.status, t.createdAt), index('koko_suggestions_conversation_idx').on(t.conversationId), index('koko_suggestions_contact_idx').on(t.contactId)],
);

/**
 * An admin's edited reply or rejection reason, stored by the API before the decision reaches the workflow,
 * which only ever sees its id.
 */
export const kokoAdminTexts = pgTable('koko_admin_texts', {
  id: text('id').primaryKey(),
  suggestionId: text('suggestion_id').notNull(),
  conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
  kind: text('kind', { enum: ['reply', 'reason'] }).notNull(),
  text: text('text').notNull(),
  writtenBy: text('written_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Audit of every Koko decision: who (admin handle, `koko`, `timeout`), when, what. Ids only, no texts. */
export const kokoDecisions = pgTable(
  'koko_decisions',
  {
    id: text('id').primaryKey(),
    conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
    suggestionId: text('suggestion_id'),
    decision: text('decision', { enum: ['auto_reply', 'approved', 'rejected', 'expired', 'superseded', 'escalated', 'bot_stopped', 'worklog_requested'] }).notNull(),
    decidedBy: text('decided_by').notNull(),
    via: text('via', { enum: ['api', 'signal', 'workflow'] }).notNull(),
    reason: text('reason'),
    textId: text('text_id'),
    chatwootMessageId: bigint('chatwoot_message_id', { mode: 'number' }),
    workflowId: text('workflow_id').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('koko_decisions_conversation_idx').on(t.conversationId, t.decidedAt)],
);

/** Idempotency of Koko's Chatwoot posts: written before the post, completed with Chatwoot's message id after. */
export const kokoOutbox = pgTable('koko_outbox', {
  key: text('key').primaryKey(),
  conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
  state: text('state', { enum: ['sending', 'sent'] }).notNull(),
  chatwootMessageId: bigint('chatwoot_message_id', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});

/** Chatwoot webhook deliveries we answered, for de-duplication on X-Chatwoot-Delivery. Ids only. */
export const chatwootDeliveries = pgTable('chatwoot_deliveries', {
  deliveryId: text('delivery_id').primaryKey(),
  event: text('event').notNull(),
  conversationId: bigint('conversation_id', { mode: 'number' }),
  outcome: text('outcome', { enum: ['accepted', 'ignored'] }).notNull(),
  reason: text('reason'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Customer notifications posted to Chatwoot, one row per business event (`<event>:<kgc id>`): the idempotency key
 * that makes each notification go out at most once, whatever retries happen. `payload` is the event's data, read
 * by the activity that writes the message; erased with the customer.
 */
export const customerNotifications = pgTable(
  'customer_notifications',
  {
    key: text('key').primaryKey(),
    eventType: text('event_type').notNull(),
    customerId: text('customer_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'sent', 'skipped'] }).notNull(),
    reason: text('reason'),
    chatwootConversationId: text('chatwoot_conversation_id'),
    chatwootMessageId: text('chatwoot_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('customer_notifications_customer_idx').on(t.customerId)],
);

/**
 * Initial bulk syncs (`initial-bulk-sync/<run_id>`). `active` is true while a run may still be going and null after:
 * its unique index lets only one run be active, whatever the timing of two start requests.
 */
export const bulkSyncRuns = pgTable('bulk_sync_runs', {
  runId: text('run_id').primaryKey(),
  workflowId: text('workflow_id').notNull(),
  active: boolean('active').unique(),
  status: text('status', { enum: ['running', 'completed', 'cancelled', 'failed'] }).notNull(),
  historyMonths: bigint('history_months', { mode: 'number' }).notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * Records Twenty, Chatwoot or KGC rejected permanently during a bulk sync, to redrive once the cause is fixed.
 * Ids and a redacted reason only. One row per run, system and record, so a retried activity adds nothing.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: text('run_id').notNull(),
    system: text('system', { enum: ['kgc', 'twenty', 'chatwoot'] }).notNull(),
    recordKind: text('record_kind', { enum: ['customer', 'rental', 'service', 'order'] }).notNull(),
    kgcId: text('kgc_id').notNull(),
    customerId: text('customer_id'),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'redriven'] }).notNull().default('open'),
    redriveWorkflowId: text('redrive_workflow_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    redrivenAt: timestamp('redriven_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('dead_letters_record_idx').on(t.runId, t.system, t.recordKind, t.kgcId),
    index('dead_letters_customer_idx').on(t.customerId),
    index('dead_letters_status_idx').on(t.status, t.createdAt),
  ],
);

export type DeadLetterKind = 'customer' | HistoryKind;

/**
 * What a customer email campaign is about (a rental for `rental-expiry`, a worklog for `repair-done`), from the KGC
 * event or KGC's list: the workflow carries only the ids, its email activity reads the details here. The phone is
 * kept only until the customer is resolved. Erased with the customer.
 */
export const emailCampaignSubjects = pgTable(
  'email_campaign_subjects',
  {
    campaign: text('campaign').$type<EmailCampaign>().notNull(),
    subjectId: text('subject_id').notNull(),
    customerId: text('customer_id'),
    customerPhone: text('customer_phone'),
    details: jsonb('details').$type<Record<string, string>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaign, t.subjectId] }), index('email_campaign_subjects_customer_idx').on(t.customerId)],
);

export type EmailCampaign = 'rental-expiry' | 'repair-done' | MarketingCampaign;
export type MarketingCampaign = 'vip-welcome' | 'upsell' | 'win-back' | 'new-product';

/**
 * Run-time switches of the email campaigns, set through the admin API. No row means on: a campaign is off only
 * once an admin switched it off. The email activity reads its campaign's row before every send.
 */
export const campaignSwitches = pgTable('campaign_switches', {
  campaign: text('campaign').$type<EmailCampaign>().primaryKey(),
  enabled: boolean('enabled').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/**
 * Idempotency of customer emails: one row per key (campaign/subject/kind), written before the SMTP send (state
 * `sending` with a lease, so two attempts never send at once) and completed after. `messageId` is derived from the
 * key, so even a resend after a crash mid-send carries the same Message-ID. A row left `sending` after its lease
 * ran out is an attempt whose outcome nobody recorded: the kind's `delivery` rule decides (sent again, or
 * `unconfirmed`). No addresses or texts.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    key: text('key').primaryKey(),
    campaign: text('campaign').$type<EmailCampaign>().notNull(),
    kind: text('kind').notNull(),
    subjectId: text('subject_id').notNull(),
    customerId: text('customer_id'),
    messageId: text('message_id').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'rejected', 'skipped', 'unconfirmed'] }).notNull(),
    reason: text('reason'),
    smtpCode: bigint('smtp_code', { mode: 'number' }),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [index('email_outbox_customer_idx').on(t.customerId)],
);

/** Console accounts (`npm run admin:add`): a name and a scrypt hash of the password (src/api/console/passwords.ts). */
export const adminUsers = pgTable('admin_users', {
  name: text('name').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Console sign-ins. The cookie holds a random token; only its SHA-256 is stored, so a leaked table opens no session.
 * `admin` is the account name (or `admin-key` for a sign-in with ADMIN_API_KEY): what decisions record as `by`.
 */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    admin: text('admin').notNull(),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('admin_sessions_expires_idx').on(t.expiresAt)],
);
/**
 * Marketing opt-outs from the unsubscribe link, one row per address, keyed by its HMAC (ERASURE_HASH_KEY). An
 * erasure clears `customer_id` and keeps the row, so an erased customer's address returning under a new customer
 * is not mailed until KGC records consent given after `opted_out_at`. No address is stored.
 */
export const marketingOptOuts = pgTable(
  'marketing_opt_outs',
  {
    emailHash: text('email_hash').primaryKey(),
    customerId: text('customer_id'),
    source: text('source', { enum: ['unsubscribe_link'] }).notNull(),
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }).notNull(),
    reportedToKgcAt: timestamp('reported_to_kgc_at', { withTimezone: true }),
  },
  (t) => [index('marketing_opt_outs_customer_idx').on(t.customerId)],
);

/**
 * The frequency cap: the last marketing email per customer, across campaigns. Taken in one statement before the
 * send (only when the last one is older than MARKETING_EMAIL_MIN_INTERVAL, or is this very email on a retry).
 */
export const marketingEmailCaps = pgTable('marketing_email_caps', {
  customerId: text('customer_id').primaryKey(),
  emailKey: text('email_key').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
});

/**
 * Every Twenty webhook we answered, keyed by the record version it reports (`<event>/<record id>/<updatedAt>`), so
 * the same change delivered twice (a replay, or two webhooks on one workspace) starts nothing new. Ids only.
 */
export const twentyDeliveries = pgTable('twenty_deliveries', {
  deliveryKey: text('delivery_key').primaryKey(),
  eventName: text('event_name').notNull(),
  recordId: text('record_id').notNull(),
  outcome: text('outcome', { enum: ['accepted', 'ignored'] }).notNull(),
  reason: text('reason'),
  workflowId: text('workflow_id'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Worklogs asked for from a Chatwoot conversation, one row per request (`koko:<message id>`, `label:<time>`), and the
 * agent's removals of the `munkalap` label (`label_removed`), which allow the next label to open another worklog.
 * The request id is part of the worklog's Idempotency-Key in KGC.
 */
export const chatWorklogs = pgTable(
  'chat_worklogs',
  {
    conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
    requestId: text('request_id').notNull(),
    source: text('source', { enum: ['koko', 'label', 'label_removed'] }).notNull(),
    status: text('status', { enum: ['claimed', 'opened', 'unidentified', 'superseded', 'recorded'] }).notNull(),
    customerId: text('customer_id'),
    worklogId: text('worklog_id'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.requestId] }), index('chat_worklogs_worklog_idx').on(t.worklogId)],
);

/**
 * The statuses of a chat worklog posted (or about to be) into its conversation, one row each: a status ranked
 * below one already there arrived late and is not posted, so the conversation never goes back.
 */
export const worklogChatStatuses = pgTable(
  'worklog_chat_statuses',
  {
    worklogId: text('worklog_id').notNull(),
    status: text('status').notNull(),
    rank: bigint('rank', { mode: 'number' }).notNull(),
    conversationId: bigint('conversation_id', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.worklogId, t.status] })],
);
