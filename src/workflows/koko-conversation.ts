import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, executeChild, isCancellation, log, ParentClosePolicy, patched, setHandler, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ClassifyResult } from '../activities/gemini.js';
import { geminiDailyQuotaType, type EscalationReason, type KokoIntent, type KokoSettings } from '../contracts/koko.js';
import { kgcCustomerIdKey } from '../contracts/search-attributes.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import type { chatWorklog } from './chat-worklog.js';
import { mainActivities, profiles } from './activity-profiles.js';
import { conversationEvent, customerMessage, decideSignal, decideUpdate, kokoStatus } from '../contracts/workflow-messages.js';
import { type KokoCarried, KokoConversationState, replyTier } from './koko-conversation-state.js';

export interface KokoConversationInput extends KokoCarried {
  conversationId: number;
  settings: KokoSettings;
}
export interface KokoConversationResult {
  conversationId: number;
  outcome: 'handed_off' | 'agent_replied' | 'resolved' | 'idle';
  replies: number;
}

/** A quiet conversation closes its run; the customer's next message starts a fresh one. */
const idleTimeout = '24h';

const { offerSuggestion, sendKokoReply, escalateToHuman, recordKokoDecision } = mainActivities(profiles.conversation);
const { classifyCustomerMessages } = mainActivities(profiles.classification);

/** Runs that classified before Koko opened worklogs replay without the worklog step. */
const faultWorklogPatch = 'koko-fault-opens-worklog';
const describesFault = (c: Extract<ClassifyResult, { outcome: 'classified' }>) => c.intent === 'szerviz' && c.faultDescribed === true;

/**
 * Koko's part in one Chatwoot conversation (`koko/<conversation id>`), a confidence tree: each batch of
 * unanswered customer messages is classified; ≥ autoReplyAt is answered, ≥ approvalAt waits for an admin
 * (Update from the API or signal from the Web UI/CLI, with a timeout), anything else goes to a human team. A reply
 * built on the customer's account data is never answered alone: at best it waits for an admin.
 * An agent's reply, a handoff or a resolved conversation ends the bot's part.
 */
export async function kokoConversation(input: KokoConversationInput): Promise<KokoConversationResult> {
  const { conversationId, settings } = input;
  const state = new KokoConversationState(input);

  setHandler(customerMessage, (m) => state.receive(m));
  setHandler(conversationEvent, ({ kind }) => state.end(kind));
  setHandler(
    decideUpdate,
    async (d) => {
      state.decide(d, 'api', Date.now());
      await condition(() => state.resultOf(d.suggestionId) !== undefined);
      return state.resultOf(d.suggestionId)!;
    },
    {
      validator: (d) => {
        const problem = state.refusal(d);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(decideSignal, (d) => {
    const problem = state.refusal(d);
    if (problem) log.warn('koko decision signal ignored', { suggestionId: d.suggestionId, problem });
    else state.decide(d, 'signal', Date.now());
  });
  setHandler(kokoStatus, () => state.status(conversationId));

  let outcome: KokoConversationResult['outcome'] = 'idle';
  for (;;) {
    const active = await condition(() => state.hasWork(), idleTimeout);
    if (state.ended) {
      outcome = state.ended;
      await audit({ decision: 'bot_stopped', reason: state.ended });
      break;
    }
    if (!active) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof kokoConversation>({ conversationId, settings, ...state.carried() });
    }
    const step = await triage();
    if (step === 'escalated') {
      outcome = 'handed_off';
      break;
    }
    if (step === 'stopped') {
      outcome = state.ended ?? 'handed_off';
      break;
    }
    state.phase = 'waiting';
  }
  state.phase = 'done';
  await condition(allHandlersFinished);
  return { conversationId, outcome, replies: state.replies };

  /** Classifies everything unanswered; newer messages arriving meanwhile supersede the answer and are included. */
  async function triage(): Promise<'replied' | 'escalated' | 'stopped'> {
    for (;;) {
      if (state.holdsAttachmentsOnly()) return escalate({ reason: 'attachments_only' });
      const messageIds = state.unansweredIds();
      const batch = messageIds.length;
      const suggestionId = uuid4();
      state.phase = 'classifying';
      let c: ClassifyResult;
      try {
        c = await classifyCustomerMessages({ conversationId, suggestionId, messageIds });
      } catch (err) {
        if (isCancellation(err)) throw err;
        const quota = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === geminiDailyQuotaType;
        return escalate({ reason: quota ? 'gemini_daily_quota' : 'gemini_unavailable' });
      }
      const newCustomer = state.learnCustomer(c.customerId);
      if (newCustomer) upsertSearchAttributes([{ key: kgcCustomerIdKey, value: newCustomer }]);
      if (state.ended) {
        await audit({ decision: 'superseded', suggestionId, reason: state.ended });
        return 'stopped';
      }
      if (state.hasNewerThan(batch)) {
        await audit({ decision: 'superseded', suggestionId, reason: 'new_message' });
        continue;
      }
      if (c.outcome === 'unusable') return escalate({ reason: 'gemini_unusable', detail: c.reason, suggestionId });
      // A reported fault is the worklog's to answer; a conversation that has its worklog already is answered as usual.
      if (describesFault(c) && patched(faultWorklogPatch)) {
        const step = await openWorklog(suggestionId, batch, messageIds.at(-1)!);
        if (step !== 'exists') return step;
      }
      const tier = replyTier(c, settings);
      log.info('koko tier', { conversationId, suggestionId, intent: c.intent, confidence: c.confidence, needsHuman: c.needsHuman, accountData: c.accountData ?? false, tier });
      if (tier === 'human') return escalate({ reason: 'low_confidence', suggestionId, intent: c.intent, confidence: c.confidence });
      if (tier === 'auto') return reply(suggestionId, batch, { decision: 'auto_reply', by: 'koko', via: 'workflow', at: Date.now() }, c);

      const expiresAt = Date.now() + settings.approvalTimeoutMs;
      state.offer(suggestionId);
      await offerSuggestion({ suggestionId, expiresAt });
      state.phase = 'awaiting_approval';
      await condition(() => state.approvalSettled(batch), settings.approvalTimeoutMs);
      const d = state.closeOffer();
      if (d?.decision === 'approve') {
        return reply(suggestionId, batch, { decision: 'approved', by: d.by, via: d.via, at: d.at, textId: d.textId }, c);
      }
      if (d?.decision === 'reject') {
        await audit({ decision: 'rejected', suggestionId, by: d.by, via: d.via, at: d.at, textId: d.textId });
        const outcome = await escalate({ reason: 'rejected_by_admin', suggestionId, intent: c.intent, confidence: c.confidence });
        state.settle(suggestionId, { status: 'rejected' });
        return outcome;
      }
      const why = state.ended ?? (state.hasNewerThan(batch) ? 'new_message' : undefined);
      if (why) {
        state.settle(suggestionId, { status: 'not_sent', reason: 'superseded' });
        await audit({ decision: 'superseded', suggestionId, reason: why });
        if (state.ended) return 'stopped';
        continue;
      }
      state.settle(suggestionId, { status: 'not_sent', reason: 'expired' });
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
    state.phase = 'replying';
    let sent: Awaited<ReturnType<typeof sendKokoReply>>;
    try {
      sent = await sendKokoReply({ suggestionId, textId: d.textId });
    } catch (err) {
      if (isCancellation(err)) throw err;
      sent = { sent: false, reason: 'chatwoot_failed' };
    }
    // The admin's call is answered only once the decision is audited (settle is what the Update waits for).
    if (!sent.sent) {
      await audit({ decision: 'superseded', suggestionId, reason: sent.reason });
      state.settle(suggestionId, { status: 'not_sent', reason: sent.reason });
      // The conversation left the bot (taken over or resolved): nothing more to do. A failed post goes to a human.
      if (sent.reason !== 'chatwoot_failed') return 'stopped';
      return escalate({ reason: 'reply_not_sent', suggestionId, intent: c.intent, confidence: c.confidence });
    }
    await audit({ decision: d.decision, suggestionId, by: d.by, via: d.via, at: d.at, textId: d.textId, chatwootMessageId: sent.messageId });
    state.settle(suggestionId, { status: 'sent', messageId: sent.messageId });
    state.answered(batch);
    return 'replied';
  }

  /**
   * `chat-worklog/<conversation>/koko:<message id>`, the workflow an agent's `munkalap` label starts: it confirms the
   * worklog to a verified customer, or hands the conversation to the service team with the reason. Abandoned, not
   * cancelled, should this run end first.
   */
  async function openWorklog(suggestionId: string, batch: number, messageId: number): Promise<'replied' | 'escalated' | 'exists'> {
    state.phase = 'opening_worklog';
    const requestId = `koko:${messageId}`;
    const worklog = await executeChild<typeof chatWorklog>('chatWorklog', {
      workflowId: workflowIds.chatWorklog(conversationId, requestId),
      args: [{ conversationId, requestId, source: 'koko', teamId: settings.teams.szerviz ?? settings.teams.altalanos }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    if (worklog.status === 'exists') return 'exists';
    if (worklog.status === 'unidentified') {
      await audit({ decision: 'escalated', suggestionId, reason: `worklog_customer_unidentified:${worklog.reason}` });
      return 'escalated';
    }
    await audit({ decision: 'worklog_requested', suggestionId, reason: worklog.status });
    state.answered(batch);
    return 'replied';
  }

  async function escalate(e: { reason: EscalationReason; detail?: string; suggestionId?: string; intent?: KokoIntent; confidence?: number }): Promise<'escalated'> {
    state.phase = 'escalating';
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
