import type { ErrorType } from '../clients/errors.js';

/** Koko's shared names; free of zod so that the workflow bundle can import it. */
/** Koko's intents; KOKO_TEAMS maps each to a Chatwoot team. */
export const kokoIntents = ['berles', 'szerviz', 'ertekesites', 'altalanos'] as const;
export type KokoIntent = (typeof kokoIntents)[number];

/** Read from KOKO_* by the API and fixed per run in the workflow input, so a run decides deterministically. */
export interface KokoSettings {
  autoReplyAt: number;
  approvalAt: number;
  approvalTimeoutMs: number;
  teams: Record<string, number>;
}

/** Why Koko handed a conversation to a human; the audit and the private note say it. */
export type EscalationReason =
  | 'low_confidence'
  | 'rejected_by_admin'
  | 'approval_timeout'
  | 'gemini_unusable'
  | 'gemini_unavailable'
  | 'gemini_daily_quota'
  | 'reply_not_sent'
  | 'attachments_only'
  /** A worklog was asked for, but Chatwoot does not vouch for a writer linked to a KGC customer. */
  | 'worklog_customer_unidentified';

/** A daily Gemini quota does not clear with backoff, only with the next day: the conversation goes to a human. */
export const geminiDailyQuotaType = 'GeminiDailyQuotaExhausted' satisfies ErrorType;

/** Marks every message Koko posts, so its own webhooks are never taken for a customer's or an agent's. */
export const kokoMessageMarker = 'koko_key';
/** Marks the customer notifications this service posts (src/activities/notifications.ts): ours too, never an agent's reply. */
export const notificationMessageMarker = 'kgc_notification';
