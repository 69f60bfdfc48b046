import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SendCustomerEmailResult } from '../activities/email.js';
import type { TwentyPersonWarning } from '../domain/twenty-person.js';
import type { ErasedSystem } from './erasure-steps.js';

/**
 * The messages of the service's workflows, as the API, the CLI and the Web UI send them: signal, query and update
 * names with the shapes they carry. Workflows and callers both import them from here; a name is part of the wire
 * contract of recorded histories, so it never changes.
 */

// partner-sync/<customer id>
export interface PartnerChanged {
  eventType: string;
  eventId: string;
}
export interface PartnerSyncStatus {
  customerId: string;
  pendingChanges: number;
  syncs: number;
  phase: 'waiting' | 'syncing' | 'done';
}
export const partnerChanged = defineSignal<[PartnerChanged]>('partnerChanged');
/** New rows in the customer's history ledger (rental/service/order): write them to Twenty and refresh aggregates. */
export const historyChanged = defineSignal<[PartnerChanged]>('historyChanged');
export const partnerSyncStatus = defineQuery<PartnerSyncStatus>('status');

// gdpr-delete/<customer id>
export interface GdprDeleteStatus {
  step: 'tombstone' | 'stopping_workflows' | 'collecting_keys' | 'erasing' | 'draining' | 'second_pass' | 'certificate' | 'done';
  steps: ErasedSystem[];
}
export const gdprDeleteStatus = defineQuery<GdprDeleteStatus>('status');

// koko/<conversation id>
/** A customer message already stored by the API (its text lives in Postgres, keyed by this id). */
export interface CustomerMessage {
  messageId: number;
  /** A photo, voice message or location without text: Koko cannot answer it, a human must. */
  attachmentsOnly?: boolean;
}
/** Something Chatwoot told us that ends the bot's part. */
export interface ConversationEvent {
  kind: 'agent_replied' | 'handed_off' | 'resolved';
}
/** An admin's decision on a pending suggestion; `textId` names an edited reply or a reason stored in Postgres. */
export interface KokoDecision {
  suggestionId: string;
  decision: 'approve' | 'reject';
  by: string;
  textId?: string;
}
export type KokoDecisionResult = { status: 'sent'; messageId: number } | { status: 'rejected' } | { status: 'not_sent'; reason: string };
export interface KokoStatus {
  conversationId: number;
  phase: 'waiting' | 'classifying' | 'opening_worklog' | 'awaiting_approval' | 'replying' | 'escalating' | 'done';
  pendingSuggestionId?: string;
  unanswered: number;
  replies: number;
}

export const customerMessage = defineSignal<[CustomerMessage]>('customerMessage');
export const conversationEvent = defineSignal<[ConversationEvent]>('conversationEvent');
/** One decision, two forms: the Update answers the API synchronously; the signal serves the Web UI and CLI. */
export const decideUpdate = defineUpdate<KokoDecisionResult, [KokoDecision]>('decide');
export const decideSignal = defineSignal<[KokoDecision]>('decide');
export const kokoStatus = defineQuery<KokoStatus>('status');

// initial-bulk-sync/<run id>
export type BulkSyncPhase = 'counting' | 'loading_history' | 'customers' | 'history' | 'contacts' | 'done' | 'cancelled';

export interface BulkSyncProgress {
  runId: string;
  phase: BulkSyncPhase;
  processed: number;
  total: number | null;
  failed: number;
  perSecond: number;
  etaSeconds: number | null;
  /** True once paused and no batch is in flight any more; `pausing` while the batches in flight finish. */
  paused: boolean;
  pausing: boolean;
  /** Why the run is paused: the operator, or a setup error of Twenty or Chatwoot (retried by itself). */
  pauseReason: string | null;
  done: boolean;
  contacts: { written: number; failed: number };
}

export const pauseBulkSync = defineSignal('pause');
export const resumeBulkSync = defineSignal('resume');
export const bulkSyncProgress = defineQuery<BulkSyncProgress>('progress');

// rental-expiry/<rental id>
export interface RentalEvent {
  eventType: string;
  eventId: string;
}
export interface RentalExpiryStatus {
  phase: 'waiting_to_remind' | 'waiting_for_return' | 'done';
  rentalEnd?: string;
  /** Epoch ms of the next step. */
  nextAt?: number;
  reminder?: SendCustomerEmailResult['status'];
}
/** rental.started again: the rental may have been extended, so the campaign re-reads it and moves its timer. */
export const rentalChanged = defineSignal<[RentalEvent]>('rentalChanged');
/** rental.ended / rental.completed: the machine is back, the campaign ends. */
export const rentalClosed = defineSignal<[RentalEvent]>('rentalClosed');
export const rentalExpiryStatus = defineQuery<RentalExpiryStatus>('status');

// twenty-person-batcher/<task queue>
/**
 * A partnerSync asking for its Twenty person to be written in the next batch. `ticket` is unique per ask (run id and
 * count), so the answer reaches the ask it belongs to and a repeated ask's second answer is ignored.
 */
export interface PersonWriteWanted {
  customerId: string;
  ticket: string;
  /**
   * The customer's unsynced history records (and its aggregates) too, in the same batch right after the people:
   * `also` after writing its person, `only` when its person is already in Twenty. Absent: the person alone.
   */
  history?: 'also' | 'only';
}
/** The batch's answer to one ask: ids and warning codes only; `failed` is an id-only reason. */
export interface PersonWriteDone {
  ticket: string;
  personId?: string;
  customerGone?: boolean;
  warnings?: TwentyPersonWarning[];
  failed?: string;
}
export const personWriteWanted = defineSignal<[PersonWriteWanted]>('personWriteWanted');
export const personWriteDone = defineSignal<[PersonWriteDone]>('personWriteDone');
/** newProductCampaign (`new-product/<run_id>`): what it has done so far, and its final report. */
export interface NewProductProgress {
  category: string;
  since: string;
  phase: 'sending' | 'paused' | 'cancelled' | 'done';
  processed: number;
  sent: number;
  skipped_no_consent: number;
  capped: number;
  unsubscribed: number;
  rejected: number;
  /** No address, not in KGC any more, erased, SMTP not configured. */
  skipped_other: number;
  /** Recipients read from KGC's audience so far; `moreToList` while pages are left (KGC gives no total). */
  listed?: number;
  moreToList?: boolean;
  /** When the admin started the run, and the pace it sends at (NEW_PRODUCT_EMAILS_PER_MINUTE). */
  startedAt?: string;
  emailsPerMinute?: number;
}
export const pauseNewProduct = defineSignal('pause');
export const resumeNewProduct = defineSignal('resume');
export const cancelNewProduct = defineSignal('cancel');
export const newProductProgress = defineQuery<NewProductProgress>('progress');
