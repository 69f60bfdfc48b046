import { describe, expect, it } from 'vitest';
import { KokoConversationState, replyTier } from '../../src/workflows/koko-conversation-state.js';

const approve = (suggestionId: string, by = 'admin@kgc') => ({ suggestionId, decision: 'approve' as const, by });

describe('koko conversation state', () => {
  it('answers a message delivered twice once', () => {
    const state = new KokoConversationState({});
    state.receive({ messageId: 1 });
    state.receive({ messageId: 1 });
    state.receive({ messageId: 2 });
    expect(state.unansweredIds(), 'a duplicate delivery was queued again').toEqual([1, 2]);
  });

  it('treats carried unanswered messages as seen, so their redelivery after continue-as-new is dropped', () => {
    const state = new KokoConversationState({ unanswered: [7], seen: [5] });
    state.receive({ messageId: 7 });
    state.receive({ messageId: 5 });
    expect(state.unansweredIds()).toEqual([7]);
  });

  it('has work once a message arrives or the conversation ends, not before', () => {
    const state = new KokoConversationState({});
    expect(state.hasWork()).toBe(false);
    state.receive({ messageId: 1 });
    expect(state.hasWork()).toBe(true);
    const ended = new KokoConversationState({});
    ended.end('resolved');
    expect(ended.hasWork()).toBe(true);
  });

  it('keeps the first event that ended the bot part', () => {
    const state = new KokoConversationState({});
    state.end('agent_replied');
    state.end('resolved');
    expect(state.ended).toBe('agent_replied');
  });

  it('flags an unanswered attachments-only message until it is answered', () => {
    const state = new KokoConversationState({});
    state.receive({ messageId: 1 });
    expect(state.holdsAttachmentsOnly()).toBe(false);
    state.receive({ messageId: 2, attachmentsOnly: true });
    expect(state.holdsAttachmentsOnly()).toBe(true);
    state.answered(2);
    expect(state.holdsAttachmentsOnly(), 'an answered attachment still demands a human').toBe(false);
  });

  it('sees a message that arrived after the batch was taken as newer', () => {
    const state = new KokoConversationState({ unanswered: [1, 2] });
    const batch = state.unansweredIds().length;
    expect(state.hasNewerThan(batch)).toBe(false);
    state.receive({ messageId: 3 });
    expect(state.hasNewerThan(batch)).toBe(true);
  });

  it('answering a batch drops exactly its messages and counts one reply', () => {
    const state = new KokoConversationState({ unanswered: [1, 2] });
    state.receive({ messageId: 3 });
    state.answered(2);
    expect(state.unansweredIds()).toEqual([3]);
    expect(state.status(9)).toEqual({ conversationId: 9, phase: 'waiting', pendingSuggestionId: undefined, unanswered: 1, replies: 1 });
  });

  it('tags a customer only when the classification names a new one', () => {
    const state = new KokoConversationState({ customerId: 'C1' });
    expect(state.learnCustomer(undefined)).toBeUndefined();
    expect(state.learnCustomer('C1'), 'the same customer was tagged again').toBeUndefined();
    expect(state.learnCustomer('C2')).toBe('C2');
    expect(state.learnCustomer('C2')).toBeUndefined();
  });

  describe('admin decisions', () => {
    it('refuses a decision on a suggestion that is not pending', () => {
      const state = new KokoConversationState({});
      expect(state.refusal(approve('s1'))).toBe('suggestion s1 is not pending in this conversation');
    });

    it('refuses a malformed decision before looking at the suggestion', () => {
      const state = new KokoConversationState({});
      state.offer('s1');
      expect(state.refusal({ suggestionId: 's1', decision: 'maybe' as never, by: 'a' })).toBe('decision must be "approve" or "reject"');
      expect(state.refusal(approve('s1', '  '))).toBe('"by" (who decides) is required');
    });

    it('takes one decision on the pending suggestion and refuses a second', () => {
      const state = new KokoConversationState({});
      state.offer('s1');
      expect(state.refusal(approve('s1'))).toBeUndefined();
      state.decide(approve('s1'), 'api', 1000);
      expect(state.approvalSettled(0)).toBe(true);
      expect(state.refusal(approve('s1')), 'a second decision was accepted').toBe('suggestion s1 is already decided or expired');
    });

    it('closing the offer hands over the decision and clears the pending suggestion', () => {
      const state = new KokoConversationState({});
      state.offer('s1');
      expect(state.status(1).pendingSuggestionId).toBe('s1');
      state.decide(approve('s1'), 'signal', 1000);
      expect(state.closeOffer()).toEqual({ ...approve('s1'), via: 'signal', at: 1000 });
      expect(state.status(1).pendingSuggestionId).toBeUndefined();
      expect(state.closeOffer(), 'the decision was handed over twice').toBeUndefined();
    });

    it('refuses a decision on a settled suggestion and answers the waiting Update with its result', () => {
      const state = new KokoConversationState({});
      state.offer('s1');
      state.closeOffer();
      expect(state.resultOf('s1')).toBeUndefined();
      state.settle('s1', { status: 'not_sent', reason: 'expired' });
      expect(state.resultOf('s1')).toEqual({ status: 'not_sent', reason: 'expired' });
      expect(state.refusal(approve('s1'))).toBe('suggestion s1 is already decided or expired');
    });

    it('a new offer forgets the decision taken on the previous one', () => {
      const state = new KokoConversationState({});
      state.offer('s1');
      state.decide(approve('s1'), 'api', 1000);
      state.offer('s2');
      expect(state.approvalSettled(0), 'the old decision settled the new offer').toBe(false);
    });

    it('the wait for an admin ends on a newer message or the end of the bot part', () => {
      const state = new KokoConversationState({ unanswered: [1] });
      state.offer('s1');
      expect(state.approvalSettled(1)).toBe(false);
      state.receive({ messageId: 2 });
      expect(state.approvalSettled(1)).toBe(true);
      const ended = new KokoConversationState({ unanswered: [1] });
      ended.offer('s1');
      ended.end('handed_off');
      expect(ended.approvalSettled(1)).toBe(true);
    });
  });

  it('carries across continue-as-new what is unanswered, the last 200 seen ids and the unanswered attachments', () => {
    const state = new KokoConversationState({ customerId: 'C1', seen: Array.from({ length: 250 }, (_, i) => i) });
    state.receive({ messageId: 1000, attachmentsOnly: true });
    state.receive({ messageId: 1001 });
    const carried = state.carried();
    expect(carried.unanswered).toEqual([1000, 1001]);
    expect(carried.attachmentsOnly).toEqual([1000]);
    expect(carried.customerId).toBe('C1');
    expect(carried.seen).toHaveLength(200);
    expect(carried.seen?.slice(-2), 'the newest seen ids were dropped').toEqual([1000, 1001]);
    const next = new KokoConversationState(carried);
    next.receive({ messageId: 1001 });
    expect(next.unansweredIds()).toEqual([1000, 1001]);
    expect(next.holdsAttachmentsOnly()).toBe(true);
  });
});

describe('koko reply tier', () => {
  const settings = { autoReplyAt: 0.9, approvalAt: 0.6 };
  const classified = (confidence: number, extra: { needsHuman?: boolean; accountData?: true } = {}) => ({
    outcome: 'classified' as const,
    intent: 'altalanos' as const,
    confidence,
    needsHuman: extra.needsHuman ?? false,
    accountData: extra.accountData,
  });

  it('answers alone at or above autoReplyAt, waits for an admin at or above approvalAt, else hands to a human', () => {
    expect(replyTier(classified(0.9), settings)).toBe('auto');
    expect(replyTier(classified(0.89), settings)).toBe('approval');
    expect(replyTier(classified(0.6), settings)).toBe('approval');
    expect(replyTier(classified(0.59), settings)).toBe('human');
  });

  it('never answers alone when the reply rests on account data or the model asks for a human', () => {
    expect(replyTier(classified(0.99, { accountData: true }), settings)).toBe('approval');
    expect(replyTier(classified(0.99, { needsHuman: true }), settings)).toBe('approval');
    expect(replyTier(classified(0.5, { accountData: true }), settings)).toBe('human');
  });
});
