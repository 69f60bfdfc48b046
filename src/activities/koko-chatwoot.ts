import { Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { configured, failure } from '../clients/errors.js';
import type { EscalationReason, KokoIntent } from '../contracts/koko.js';
import { kokoAdminTexts, kokoOutbox, kokoSuggestions } from '../db/schema.js';
import { chatwootPostOnce } from './chatwoot-post-once.js';
import { escalationNote, suggestionNote } from '../templates/koko.js';
import { currentRun, type ActivityDeps } from './context.js';

export type SendResult = { sent: true; messageId: number } | { sent: false; reason: string };

/** Koko's writes to Chatwoot: the reply, the suggestion note and the handoff to a human team. */
export function createKokoChatwootActivities({ db, chatwoot, chatwootBot }: ActivityDeps) {
  const bot = () => {
    return configured(chatwootBot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
  };

  const requireUserClient = () => configured(chatwoot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');

  const postOnce = chatwootPostOnce({ db, chatwoot, chatwootBot });

  async function suggestion(id: string) {
    const [row] = await db.select().from(kokoSuggestions).where(eq(kokoSuggestions.id, id));
    if (!row) throw failure('KokoSuggestionMissing', `Koko suggestion ${id} does not exist`);
    return row;
  }

  return {
    /** The approval tier: a private note with the suggestion, its confidence and whether it rests on account data. */
    async offerSuggestion(input: { suggestionId: string; expiresAt: number }): Promise<void> {
      const s = await suggestion(input.suggestionId);
      const expiresAt = new Date(input.expiresAt);
      const note = suggestionNote({ suggestionId: s.id, workflowId: currentRun().workflowId, intent: s.intent as KokoIntent, confidence: s.confidence ?? 0, reply: s.suggestedReply ?? '', expiresAt, accountData: s.accountData });
      await postOnce(`note:${s.id}`, s.conversationId, { content: note, private: true });
      await db.update(kokoSuggestions).set({ status: 'pending', expiresAt }).where(eq(kokoSuggestions.id, s.id));
    },

    /**
     * Sends the suggestion (or the admin's edited text) to the customer, only while the conversation is still the
     * bot's (pending): an agent who took over, or a resolved conversation, gets no late bot message.
     */
    async sendKokoReply(input: { suggestionId: string; textId?: string }): Promise<SendResult> {
      const key = `reply:${input.suggestionId}`;
      // The customer waits: both reads go out together (bench/koko).
      const [s, [done]] = await Promise.all([suggestion(input.suggestionId), db.select().from(kokoOutbox).where(eq(kokoOutbox.key, key))]);
      if (done?.state === 'sent' && done.chatwootMessageId !== null) return { sent: true, messageId: done.chatwootMessageId };
      // The user token reads: agent-bot tokens may read conversations only in Chatwoot versions from mid-2026 on.
      const conversation = await requireUserClient().getConversation(s.conversationId);
      if (!conversation) return { sent: false, reason: 'conversation_gone' };
      if (conversation.status !== 'pending') return { sent: false, reason: `conversation_${conversation.status}` };
      let text = s.suggestedReply;
      if (input.textId) {
        const [edit] = await db.select().from(kokoAdminTexts).where(eq(kokoAdminTexts.id, input.textId));
        text = edit?.text ?? null;
      }
      if (!text) throw failure('KokoSuggestionMissing', `Koko suggestion ${s.id} has no reply text`);
      const messageId = await postOnce(key, s.conversationId, { content: text, private: false });
      return messageId === null ? { sent: false, reason: 'conversation_gone' } : { sent: true, messageId };
    },

    /** Bot handoff (pending → open), the intent's team, priority high, and a private note with the reason. */
    async escalateToHuman(input: {
      escalationId: string;
      conversationId: number;
      reason: EscalationReason;
      detail?: string;
      teamId?: number;
      intent?: KokoIntent;
      confidence?: number;
    }): Promise<{ handedOff: boolean }> {
      const { client } = bot();
      if (!(await client.toggleStatus(input.conversationId, 'open'))) return { handedOff: false };
      if (input.teamId !== undefined && (await client.assignTeam(input.conversationId, input.teamId)) === 'unknown_team') {
        // /ready reports this too; the handoff itself still stands, only without a team.
        Context.current().log.warn('KOKO_TEAMS names a team Chatwoot does not know', { conversationId: input.conversationId, teamId: input.teamId });
      }
      await client.togglePriority(input.conversationId, 'high');
      const note = escalationNote({ reason: input.reason, detail: input.detail, intent: input.intent, confidence: input.confidence });
      await postOnce(`escalation:${input.escalationId}`, input.conversationId, { content: note, private: true });
      Context.current().log.info('koko escalated', { conversationId: input.conversationId, reason: input.reason, teamId: input.teamId });
      return { handedOff: true };
    },
  };
}
