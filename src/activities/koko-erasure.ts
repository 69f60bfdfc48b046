import { eq, inArray, or } from 'drizzle-orm';
import { kokoAdminTexts, kokoConversations, kokoMessages, kokoOutbox, kokoSuggestions, partnerLinks } from '../db/schema.js';
import type { ActivityDeps } from './context.js';

/**
 * Koko's memory of a customer: conversations found by the KGC customer id or the customer's Chatwoot contact
 * id, with their message texts, suggestions, admins' edited replies and outbox rows. The decision audit stays:
 * it holds ids and admin handles only. Runs before the partner link is erased, so the contact id is still known.
 */
export function createKokoErasureActivities({ db }: ActivityDeps) {
  return {
    async eraseKokoData({ customerId }: { customerId: string }): Promise<Record<string, number>> {
      const [link] = await db.select({ contactId: partnerLinks.chatwootContactId }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
      const contactId = link?.contactId ? Number(link.contactId) : undefined;
      return db.transaction(async (tx) => {
        const owned = contactId !== undefined ? or(eq(kokoConversations.customerId, customerId), eq(kokoConversations.contactId, contactId)) : eq(kokoConversations.customerId, customerId);
        const conversationIds = (await tx.select({ id: kokoConversations.conversationId }).from(kokoConversations).where(owned)).map((r) => r.id);
        const suggestionOwned = contactId !== undefined ? or(eq(kokoSuggestions.customerId, customerId), eq(kokoSuggestions.contactId, contactId)) : eq(kokoSuggestions.customerId, customerId);
        const byConversation = conversationIds.length > 0 ? inArray(kokoSuggestions.conversationId, conversationIds) : undefined;
        const suggestions = await tx.delete(kokoSuggestions).where(byConversation ? or(suggestionOwned, byConversation) : suggestionOwned).returning({ id: kokoSuggestions.id });
        if (conversationIds.length > 0) {
          await tx.delete(kokoMessages).where(inArray(kokoMessages.conversationId, conversationIds));
          await tx.delete(kokoAdminTexts).where(inArray(kokoAdminTexts.conversationId, conversationIds));
          await tx.delete(kokoOutbox).where(inArray(kokoOutbox.conversationId, conversationIds));
          await tx.delete(kokoConversations).where(inArray(kokoConversations.conversationId, conversationIds));
        }
        return { conversations: conversationIds.length, suggestions: suggestions.length };
      });
    },
  };
}
