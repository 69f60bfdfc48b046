import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, isCancellation, log, setHandler, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ClassifyResult } from '../activities/gemini.js';
import { geminiDailyQuotaType, type EscalationReason, type KokoIntent, type KokoSettings } from '../contracts/koko.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { mainActivities, profiles } from './activity-profiles.js';
import { conversationEvent, type ConversationEvent, customerMessage, decideSignal, decideUpdate, type KokoDecision, type KokoDecisionResult, type KokoStatus, kokoStatus } from '../contracts/workflow-messages.js';

export interface KokoConversationInput {
  conversationId: number;
  settings: KokoSettings;
  /** Carried across continue-as-new: customer message ids not answered yet, and recently seen ones. */
  unanswered?: number[];
  seen?: number[];
  /** The unanswered messages that hold only attachments. */
  attachmentsOnly?: number[];
  customerId?: string;
}
export interface KokoConversationResult {
  conversationId: number;
  outcome: 'handed_off' | 'agent_replied' | 'resolved' | 'idle';
  replies: number;
}

type Decided = KokoDecision & { via: 'api' | 'signal'; at: number };

/** A quiet conversation closes its run; the customer's next message starts a fresh one. */
const idleTimeout = '24h';
const seenKept = 200;

const { offerSuggestion, sendKokoReply, escalateToHuman, recordKokoDecision } = mainActivities(profiles.conversation);
const { classifyCustomerMessages } = mainActivities(profiles.classification);

/**
 * Koko's part in one Chatwoot conversation (`koko/<conversation id>`), a confidence tree: each batch of
 * unanswered customer messages is classified; ≥ autoReplyAt is answered, ≥ approvalAt waits for an admin
 * (Update from the API or signal from the Web UI/CLI, with a timeout), anything else goes to a human team. A reply
 * built on the customer's account data is never answered alone: at best it waits for an admin.
 * An agent's reply, a handoff or a resolved conversation ends the bot's part.
 */
export async function kokoConversation(input: KokoConversationInput): Promise<KokoConversationResult> {
  const { conversationId, settings } = input;
  const unanswered = [...(input.unanswered ?? [])];
  const seen = new Set([...(input.seen ?? []), ...unanswered]);
  const attachmentsOnly = new Set(input.attachmentsOnly ?? []);
  let customerId = input.customerId;
  let ended: ConversationEvent['kind'] | undefined;
  let phase: KokoStatus['phase'] = 'waiting';
  let replies = 0;
  let pending: string | undefined;
  let decision: Decided | undefined;
  const results = new Map<string, KokoDecisionResult>();

  setHandler(customerMessage, (m) => {
    if (seen.has(m.messageId)) return;
    seen.add(m.messageId);
    unanswered.push(m.messageId);
    if (m.attachmentsOnly) attachmentsOnly.add(m.messageId);
  });
  setHandler(conversationEvent, ({ kind }) => {
    ended ??= kind;
  });
  const refusal = (d: KokoDecision): string | undefined => {
    if (d.decision !== 'approve' && d.decision !== 'reject') return 'decision must be "approve" or "reject"';
    if (typeof d.by !== 'string' || d.by.trim() === '') return '"by" (who decides) is required';
    if (results.has(d.suggestionId) || (pending === d.suggestionId && decision)) return `suggestion ${d.suggestionId} is already decided or expired`;
    if (pending !== d.suggestionId) return `suggestion ${d.suggestionId} is not pending in this conversation`;
    return undefined;
  };
  setHandler(
    decideUpdate,
    async (d) => {
      decision = { ...d, via: 'api', at: Date.now() };
      await condition(() => results.has(d.suggestionId));
      return results.get(d.suggestionId)!;
    },
    {
      validator: (d) => {
        const problem = refusal(d);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(decideSignal, (d) => {
    const problem = refusal(d);
    if (problem) log.warn('koko decision signal ignored', { suggestionId: d.suggestionId, problem });
    else decision = { ...d, via: 'signal', at: Date.now() };
  });
  setHandler(kokoStatus, () => ({ conversationId, phase, pendingSuggestionId: pending, unanswered: unanswered.length, replies }));

  let outcome: KokoConversationResult['outcome'] = 'idle';
  for (;;) {
    const active = await condition(() => unanswered.length > 0 || ended !== undefined, idleTimeout);
    if (ended) {
      outcome = ended;
      await audit({ decision: 'bot_stopped', reason: ended });
      break;
    }
    if (!active) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const carried = unanswered.filter((id) => attachmentsOnly.has(id));
      await continueAsNew<typeof kokoConversation>({ conversationId, settings, unanswered, seen: [...seen].slice(-seenKept), customerId, attachmentsOnly: carried });
    }
    const step = await triage();
    if (step === 'escalated') {
      outcome = 'handed_off';
      break;
    }
    if (step === 'stopped') {
      outcome = ended ?? 'handed_off';
      break;
    }
    phase = 'waiting';
  }
  phase = 'done';
  await condition(allHandlersFinished);
  return { conversationId, outcome, replies };

  /** Classifies everything unanswered; newer messages arriving meanwhile supersede the answer and are included. */
  async function triage(): Promise<'replied' | 'escalated' | 'stopped'> {
    for (;;) {
      if (unanswered.some((id) => attachmentsOnly.has(id))) return escalate({ reason: 'attachments_only' });
      const batch = unanswered.length;
      const suggestionId = uuid4();
      phase = 'classifying';
      let c: ClassifyResult;
      try {
        c = await classifyCustomerMessages({ conversationId, suggestionId, messageIds: unanswered.slice(0, batch) });
      } catch (err) {
        if (isCancellation(err)) throw err;
        const quota = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === geminiDailyQuotaType;
        return escalate({ reason: quota ? 'gemini_daily_quota' : 'gemini_unavailable' });
      }
      if (c.customerId && c.customerId !== customerId) {
        customerId = c.customerId;
        upsertSearchAttributes([{ key: kgcCustomerIdKey, value: customerId }]);
      }
      if (ended) {
        await audit({ decision: 'superseded', suggestionId, reason: ended });
        return 'stopped';
      }
      if (unanswered.length > batch) {
        await audit({ decision: 'superseded', suggestionId, reason: 'new_message' });
        continue;
      }
      if (c.outcome === 'unusable') return escalate({ reason: 'gemini_unusable', detail: c.reason, suggestionId });
      // A reply resting on the customer's account data always waits for an admin, however confident.
      const auto = c.confidence >= settings.autoReplyAt && !c.needsHuman && !c.accountData;
      const tier = auto ? 'auto' : c.confidence >= settings.approvalAt ? 'approval' : 'human';
      log.info('koko tier', { conversationId, suggestionId, intent: c.intent, confidence: c.confidence, needsHuman: c.needsHuman, accountData: c.accountData ?? false, tier });
      if (tier === 'human') return escalate({ reason: 'low_confidence', suggestionId, intent: c.intent, confidence: c.confidence });
      if (tier === 'auto') return reply(suggestionId, batch, { decision: 'auto_reply', by: 'koko', via: 'workflow', at: Date.now() }, c);

      const expiresAt = Date.now() + settings.approvalTimeoutMs;
      // Pending before the activity marks it pending in Postgres: an admin who sees it there is never refused.
      pending = suggestionId;
      decision = undefined;
      await offerSuggestion({ suggestionId, expiresAt });
      phase = 'awaiting_approval';
      await condition(() => decision !== undefined || unanswered.length > batch || ended !== undefined, settings.approvalTimeoutMs);
      // Set by the handlers while the condition waited; TypeScript cannot see that.
      const d = decision as Decided | undefined;
      pending = undefined;
      decision = undefined;
      if (d?.decision === 'approve') {
        return reply(suggestionId, batch, { decision: 'approved', by: d.by, via: d.via, at: d.at, textId: d.textId }, c);
      }
      if (d?.decision === 'reject') {
        await audit({ decision: 'rejected', suggestionId, by: d.by, via: d.via, at: d.at, textId: d.textId });
        const outcome = await escalate({ reason: 'rejected_by_admin', suggestionId, intent: c.intent, confidence: c.confidence });
        results.set(suggestionId, { status: 'rejected' });
        return outcome;
      }
      const why = ended ?? (unanswered.length > batch ? 'new_message' : undefined);
      if (why) {
        results.set(suggestionId, { status: 'not_sent', reason: 'superseded' });
        await audit({ decision: 'superseded', suggestionId, reason: why });
        if (ended) return 'stopped';
        continue;
      }
      results.set(suggestionId, { status: 'not_sent', reason: 'expired' });
      await audit({ decision: 'expired', suggestionId, by: 'timeout' });
      return escalate({ reason: 'approval_timeout', suggestionId, intent: c.intent, confidence: c.confidence });
    }
  }

  async function reply(
    suggestionId: string,
    batch: number,
    d: { decision: 'auto_reply' | 'approved'; by: string; via: 'api' | 'signal' | 'workflow'; at: number; textId?: string },
    c: Extract<ClassifyResult, { outcome: 'classified' }>,
  ): Promise<'replied' | 'escalated' | 'stopped'> {
    phase = 'replying';
    let sent: Awaited<ReturnType<typeof sendKokoReply>>;
    try {
      sent = await sendKokoReply({ suggestionId, textId: d.textId });
    } catch (err) {
      if (isCancellation(err)) throw err;
      sent = { sent: false, reason: 'chatwoot_failed' };
    }
    // The admin's call is answered only once the decision is audited (results is what the Update waits for).
    if (!sent.sent) {
      await audit({ decision: 'superseded', suggestionId, reason: sent.reason });
      results.set(suggestionId, { status: 'not_sent', reason: sent.reason });
      // The conversation left the bot (taken over or resolved): nothing more to do. A failed post goes to a human.
      if (sent.reason !== 'chatwoot_failed') return 'stopped';
      return escalate({ reason: 'reply_not_sent', suggestionId, intent: c.intent, confidence: c.confidence });
    }
    await audit({ decision: d.decision, suggestionId, by: d.by, via: d.via, at: d.at, textId: d.textId, chatwootMessageId: sent.messageId });
    results.set(suggestionId, { status: 'sent', messageId: sent.messageId });
    unanswered.splice(0, batch);
    replies++;
    return 'replied';
  }

  async function escalate(e: { reason: EscalationReason; detail?: string; suggestionId?: string; intent?: KokoIntent; confidence?: number }): Promise<'escalated'> {
    phase = 'escalating';
    const teamId = settings.teams[e.intent ?? 'altalanos'] ?? settings.teams.altalanos;
    await escalateToHuman({ escalationId: uuid4(), conversationId, reason: e.reason, detail: e.detail, teamId, intent: e.intent, confidence: e.confidence });
    await audit({ decision: 'escalated', suggestionId: e.suggestionId, reason: e.detail ? `${e.reason}:${e.detail}` : e.reason });
    return 'escalated';
  }

  function audit(a: {
    decision: Parameters<typeof recordKokoDecision>[0]['decision'];
    suggestionId?: string;
    by?: string;
    via?: 'api' | 'signal' | 'workflow';
    at?: number;
    reason?: string;
    textId?: string;
    chatwootMessageId?: number;
  }): Promise<void> {
    return recordKokoDecision({
      id: uuid4(),
      conversationId,
      suggestionId: a.suggestionId,
      decision: a.decision,
      by: a.by ?? 'koko',
      via: a.via ?? 'workflow',
      reason: a.reason,
      textId: a.textId,
      chatwootMessageId: a.chatwootMessageId,
      decidedAt: a.at ?? Date.now(),
    });
  }
}
