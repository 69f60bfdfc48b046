import { eq, inArray, or, type SQL } from 'drizzle-orm';
import { kokoAdminTexts, kokoConversations, kokoMessages, kokoOutbox, kokoSuggestions } from '../db/schema.js';
import type { ActivityDeps } from './context.js';
import { erasureKeysOf } from '../db/erasures.js';

/**
 * Koko's memory of a customer: conversations found by the KGC customer id, by any Chatwoot contact the erasure
 * found for the customer, or by the customer's phone (conversations never tied to a customer), with their message
 * texts, suggestions, admins' edited replies and outbox rows. The decision audit stays: ids and admin handles only.
 */
export function createKokoErasureActivities({ db }: ActivityDeps) {
  return {
    async eraseKokoData({ customerId }: { customerId: string }): Promise<Record<string, number>> {
      const { contactIds, phones } = await erasureKeysOf(db, customerId);
      return db.transaction(async (tx) => {
        const owners: SQL[] = [eq(kokoConversations.customerId, customerId)];
        if (contactIds.length > 0) owners.push(inArray(kokoConversations.contactId, contactIds));
        if (phones.length > 0) owners.push(inArray(kokoConversations.contactPhone, phones));
        const conversationIds = (await tx.select({ id: kokoConversations.conversationId }).from(kokoConversations).where(or(...owners))).map((r) => r.id);
        const suggestionOwners: SQL[] = [eq(kokoSuggestions.customerId, customerId)];
        if (contactIds.length > 0) suggestionOwners.push(inArray(kokoSuggestions.contactId, contactIds));
        if (conversationIds.length > 0) suggestionOwners.push(inArray(kokoSuggestions.conversationId, conversationIds));
        const suggestions = await tx.delete(kokoSuggestions).where(or(...suggestionOwners)).returning({ id: kokoSuggestions.id });
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
