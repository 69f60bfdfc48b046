import { Context } from '@temporalio/activity';
import type { ChatwootClient } from '../clients/chatwoot-client.js';
import type { GeminiClient } from '../clients/gemini-client.js';
import type { KgcClient } from '../clients/kgc-client.js';
import type { SmtpClient } from '../clients/smtp-client.js';
import type { TwentyClient } from '../clients/twenty-client.js';
import type { MarketingSettings } from '../contracts/marketing-settings.js';
import type { ReminderTiming } from '../domain/rental-expiry-timing.js';
import type { Db } from '../db/client.js';

/** What every activity group is built from (`createActivities(deps)`); tests pass real clients at stand-ins. */
export interface ActivityDeps {
  db: Db;
  kgc: KgcClient;
  twenty?: TwentyClient;
  chatwoot?: ChatwootClient;
  /** CHATWOOT_INBOX_ID: where customer notifications are posted. */
  chatwootInboxId?: number;
  /**
   * Koko's own Chatwoot client: the agent-bot token when CHATWOOT_BOT_TOKEN is set; else the user token, which posts
   * as the bot `asBotId` (CHATWOOT_BOT_ID).
   */
  chatwootBot?: { client: ChatwootClient; asBotId?: number };
  gemini?: GeminiClient;
  /** Customer email (SMTP_URL, MAIL_FROM); without it emails are skipped and audited. */
  smtp?: SmtpClient;
  /** RENTAL_REMINDER_LEAD / RENTAL_REMINDER_HOUR: when the rental expiry campaign acts. */
  rentalReminder: ReminderTiming;
  /** ERASURE_DRAIN: how long an erasure waits for the customer's in-flight writes before destroying again. */
  erasureDrainMs: number;
  /** Unsubscribe links and the frequency cap of marketing email; without it no marketing email goes out. */
  marketing?: MarketingSettings;
}

/** The workflow run an activity works for, for the audit trail. */
export function currentRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  return { workflowId: execution?.workflowId ?? '', runId: execution?.runId ?? '' };
}
