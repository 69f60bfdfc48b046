import type { ClassifyResult } from '../activities/gemini.js';
import type { KokoSettings } from '../contracts/koko.js';
import type { ConversationEvent, CustomerMessage, KokoDecision, KokoDecisionResult, KokoStatus } from '../contracts/workflow-messages.js';

/** What one run of `kokoConversation` hands the next across continue-as-new. */
export interface KokoCarried {
  /** Customer message ids not answered yet, and recently seen ones. */
  unanswered?: number[];
  seen?: number[];
  /** The unanswered messages that hold only attachments. */
  attachmentsOnly?: number[];
  customerId?: string;
}

export type KokoDecided = KokoDecision & { via: 'api' | 'signal'; at: number };
export type KokoTier = 'auto' | 'approval' | 'human';

/** Enough to drop duplicate deliveries without letting the carried list grow with the conversation. */
const seenKept = 200;

/**
 * What Koko knows about one conversation, apart from the workflow that acts on it: the customer messages still
 * unanswered, the suggestion waiting for an admin and the decisions taken on it. Plain and deterministic (the
 * caller passes the time), so the rules are unit-tested without a Temporal server.
 */
export class KokoConversationState {
  phase: KokoStatus['phase'] = 'waiting';
  replies = 0;
  private customerId: string | undefined;
  /** Set once by whatever ended the bot's part first. */
  ended: ConversationEvent['kind'] | undefined;
  private readonly unanswered: number[];
  private readonly seen: Set<number>;
  private readonly attachmentsOnly: Set<number>;
  private pending: string | undefined;
  private decision: KokoDecided | undefined;
  private readonly results = new Map<string, KokoDecisionResult>();

  constructor(carried: KokoCarried) {
    this.unanswered = [...(carried.unanswered ?? [])];
    this.seen = new Set([...(carried.seen ?? []), ...this.unanswered]);
    this.attachmentsOnly = new Set(carried.attachmentsOnly ?? []);
    this.customerId = carried.customerId;
  }

  /** A message delivered twice (webhook retry, replayed signal) is answered once. */
  receive(m: CustomerMessage): void {
    if (this.seen.has(m.messageId)) return;
    this.seen.add(m.messageId);
    this.unanswered.push(m.messageId);
    if (m.attachmentsOnly) this.attachmentsOnly.add(m.messageId);
  }

  end(kind: ConversationEvent['kind']): void {
    this.ended ??= kind;
  }

  hasWork(): boolean {
    return this.unanswered.length > 0 || this.ended !== undefined;
  }

  /** Koko cannot read a photo, voice message or location: a human must answer. */
  holdsAttachmentsOnly(): boolean {
    return this.unanswered.some((id) => this.attachmentsOnly.has(id));
  }

  /** The messages a classification answers; the batch is their count. */
  unansweredIds(): number[] {
    return [...this.unanswered];
  }

  /** A customer message arrived after the batch was taken: the answer to the batch is stale. */
  hasNewerThan(batch: number): boolean {
    return this.unanswered.length > batch;
  }

  /** The customer a classification named, when the conversation was not yet tagged with them. */
  learnCustomer(customerId: string | undefined): string | undefined {
    if (!customerId || customerId === this.customerId) return undefined;
    this.customerId = customerId;
    return customerId;
  }

  /** Why an admin's decision cannot be taken, or undefined when it can. */
  refusal(d: KokoDecision): string | undefined {
    if (d.decision !== 'approve' && d.decision !== 'reject') return 'decision must be "approve" or "reject"';
    if (typeof d.by !== 'string' || d.by.trim() === '') return '"by" (who decides) is required';
    if (this.results.has(d.suggestionId) || (this.pending === d.suggestionId && this.decision)) return `suggestion ${d.suggestionId} is already decided or expired`;
    if (this.pending !== d.suggestionId) return `suggestion ${d.suggestionId} is not pending in this conversation`;
    return undefined;
  }

  decide(d: KokoDecision, via: KokoDecided['via'], at: number): void {
    this.decision = { ...d, via, at };
  }

  /** Pending before the suggestion is marked pending in Postgres: an admin who sees it there is never refused. */
  offer(suggestionId: string): void {
    this.pending = suggestionId;
    this.decision = undefined;
  }

  /** The wait for an admin ends on a decision, a newer customer message or the end of the bot's part. */
  approvalSettled(batch: number): boolean {
    return this.decision !== undefined || this.hasNewerThan(batch) || this.ended !== undefined;
  }

  /** Closes the pending suggestion; the decision taken on it, if any. */
  closeOffer(): KokoDecided | undefined {
    const d = this.decision;
    this.pending = undefined;
    this.decision = undefined;
    return d;
  }

  /** The answer to an admin's Update, which waits for it. */
  settle(suggestionId: string, result: KokoDecisionResult): void {
    this.results.set(suggestionId, result);
  }

  resultOf(suggestionId: string): KokoDecisionResult | undefined {
    return this.results.get(suggestionId);
  }

  answered(batch: number): void {
    this.unanswered.splice(0, batch);
    this.replies++;
  }

  status(conversationId: number): KokoStatus {
    return { conversationId, phase: this.phase, pendingSuggestionId: this.pending, unanswered: this.unanswered.length, replies: this.replies };
  }

  carried(): KokoCarried {
    return {
      unanswered: [...this.unanswered],
      seen: [...this.seen].slice(-seenKept),
      customerId: this.customerId,
      attachmentsOnly: this.unanswered.filter((id) => this.attachmentsOnly.has(id)),
    };
  }
}

/**
 * The confidence tree: ≥ autoReplyAt is answered alone, ≥ approvalAt waits for an admin, anything else goes to a
 * human. A reply resting on the customer's account data always waits for an admin, however confident.
 */
export function replyTier(c: Extract<ClassifyResult, { outcome: 'classified' }>, settings: Pick<KokoSettings, 'autoReplyAt' | 'approvalAt'>): KokoTier {
  const auto = c.confidence >= settings.autoReplyAt && !c.needsHuman && !c.accountData;
  return auto ? 'auto' : c.confidence >= settings.approvalAt ? 'approval' : 'human';
}
