import { and, desc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { kokoAdminTexts, kokoConversations, kokoDecisions, kokoMessages, kokoSuggestions, partnerLinks } from '../../db/schema.js';
import { adminAuth, type AdminAuth } from '../admin-auth.js';
import { ApiError, zodDetails } from '../errors.js';

const recentMessages = 10;
const conversationParams = z.object({ conversationId: z.coerce.number().int().positive() });
const conversationQuery = z.object({ contactId: z.coerce.number().int().positive().optional() });

/**
 * What an admin needs to decide on Koko's suggestions: pending ones newest first with the conversation's recent
 * messages (from Postgres, never from workflow history), and the decisions taken with who, when and what was sent.
 */
export function kokoFeedRouter(deps: AdminAuth & { db: Db }): Router {
  const router = Router();
  router.use(['/koko/feed', '/koko/conversations'], adminAuth(deps));

  router.get('/koko/feed', async (_req, res) => {
    const pending = await deps.db.select().from(kokoSuggestions).where(eq(kokoSuggestions.status, 'pending')).orderBy(desc(kokoSuggestions.createdAt)).limit(100);
    const decided = await deps.db
      .select()
      .from(kokoDecisions)
      .where(or(inArray(kokoDecisions.decision, ['approved', 'rejected', 'expired']), and(eq(kokoDecisions.decision, 'auto_reply'), isNotNull(kokoDecisions.suggestionId))))
      .orderBy(desc(kokoDecisions.decidedAt))
      .limit(50);
    res.json({ pending: await withMessages(pending), decided: await withTexts(decided) });
  });

  /** One conversation, for the Chatwoot dashboard app: its KGC customer, the pending suggestion, recent decisions. */
  router.get('/koko/conversations/:conversationId', async (req, res) => {
    const params = conversationParams.safeParse(req.params);
    const query = conversationQuery.safeParse(req.query);
    if (!params.success) throw new ApiError(400, 'invalid_conversation_id', 'Conversation ids are positive integers', zodDetails(params.error, 'conversationId'));
    if (!query.success) throw new ApiError(400, 'invalid_query', 'contactId must be a positive integer', zodDetails(query.error, 'query'));
    const { conversationId } = params.data;
    const [conversation] = await deps.db.select().from(kokoConversations).where(eq(kokoConversations.conversationId, conversationId));
    const contactId = conversation?.contactId ?? query.data.contactId;
    const [link] = conversation?.customerId
      ? await deps.db.select().from(partnerLinks).where(eq(partnerLinks.customerId, conversation.customerId))
      : contactId
        ? await deps.db.select().from(partnerLinks).where(eq(partnerLinks.chatwootContactId, String(contactId)))
        : [];
    const pending = await deps.db
      .select()
      .from(kokoSuggestions)
      .where(and(eq(kokoSuggestions.conversationId, conversationId), eq(kokoSuggestions.status, 'pending')))
      .orderBy(desc(kokoSuggestions.createdAt));
    const decided = await deps.db.select().from(kokoDecisions).where(eq(kokoDecisions.conversationId, conversationId)).orderBy(desc(kokoDecisions.decidedAt)).limit(10);
    res.json({
      conversationId,
      customer: link
        ? { customerId: link.customerId, syncStatus: link.syncStatus, lastSyncedAt: link.lastSyncedAt, lastError: link.lastError, warnings: link.warnings, twentyPersonId: link.twentyPersonId }
        : conversation?.customerId
          ? { customerId: conversation.customerId, syncStatus: null }
          : null,
      pending: await withMessages(pending),
      decided: await withTexts(decided),
    });
  });

  type Suggestion = typeof kokoSuggestions.$inferSelect;
  async function withMessages(suggestions: Suggestion[]) {
    const conversations = [...new Set(suggestions.map((s) => s.conversationId))];
    const messages = conversations.length
      ? await deps.db.select().from(kokoMessages).where(inArray(kokoMessages.conversationId, conversations)).orderBy(desc(kokoMessages.messageId))
      : [];
    return suggestions.map((s) => ({
      id: s.id,
      conversationId: s.conversationId,
      customerId: s.customerId,
      intent: s.intent,
      confidence: s.confidence,
      language: s.language,
      suggestedReply: s.suggestedReply,
      accountData: s.accountData,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      workflowId: s.workflowId,
      messages: messages
        .filter((m) => m.conversationId === s.conversationId)
        .slice(0, recentMessages)
        .reverse()
        .map((m) => ({ id: m.messageId, content: m.content, receivedAt: m.receivedAt, answers: s.messageIds.includes(m.messageId) })),
    }));
  }

  type Decision = typeof kokoDecisions.$inferSelect;
  /** What was sent or why it was rejected: the admin's text if one was written, else the suggested reply. */
  async function withTexts(decisions: Decision[]) {
    const textIds = decisions.map((d) => d.textId).filter((id): id is string => id !== null);
    const suggestionIds = decisions.map((d) => d.suggestionId).filter((id): id is string => id !== null);
    const [texts, suggestions] = await Promise.all([
      textIds.length ? deps.db.select().from(kokoAdminTexts).where(inArray(kokoAdminTexts.id, textIds)) : [],
      suggestionIds.length
        ? deps.db.select({ id: kokoSuggestions.id, suggestedReply: kokoSuggestions.suggestedReply, intent: kokoSuggestions.intent }).from(kokoSuggestions).where(inArray(kokoSuggestions.id, suggestionIds))
        : [],
    ]);
    return decisions.map((d) => {
      const text = texts.find((t) => t.id === d.textId);
      const suggestion = suggestions.find((s) => s.id === d.suggestionId);
      return {
        id: d.id,
        conversationId: d.conversationId,
        suggestionId: d.suggestionId,
        decision: d.decision,
        decidedBy: d.decidedBy,
        decidedAt: d.decidedAt,
        via: d.via,
        reason: d.reason,
        intent: suggestion?.intent ?? null,
        edited: text?.kind === 'reply',
        text: text?.text ?? (d.decision === 'approved' || d.decision === 'auto_reply' ? (suggestion?.suggestedReply ?? null) : null),
        chatwootMessageId: d.chatwootMessageId,
      };
    });
  }

  return router;
}
