import { and, inArray, isNull, lt, sql } from 'drizzle-orm';
import { customerNotifications, emailCampaignSubjects, kokoAdminTexts, kokoConversations, kokoMessages, kokoOutbox, kokoSuggestions } from '../db/schema.js';
import type { ActivityDeps } from './context.js';

/**
 * Rows that name a person only by phone (a notification or an email subject KGC never tied to a customer id, a
 * Koko conversation with a contact that was never identified) cannot be found by an erasure's customer id. They
 * are kept for UNLINKED_PERSONAL_DATA_RETENTION_DAYS and then deleted, whatever became of them.
 */
export function createRetentionActivities({ db }: ActivityDeps) {
  return {
    async pruneUnlinkedPersonalData({ olderThanDays }: { olderThanDays: number }): Promise<Record<string, number>> {
      const cutoff = new Date(Date.now() - olderThanDays * 86_400_000);
      return db.transaction(async (tx) => {
        const notifications = await tx
          .delete(customerNotifications)
          .where(and(isNull(customerNotifications.customerId), lt(customerNotifications.createdAt, cutoff)))
          .returning({ one: sql`1` });
        const emailSubjects = await tx
          .delete(emailCampaignSubjects)
          .where(and(isNull(emailCampaignSubjects.customerId), lt(emailCampaignSubjects.updatedAt, cutoff)))
          .returning({ one: sql`1` });
        const conversationIds = (
          await tx
            .select({ id: kokoConversations.conversationId })
            .from(kokoConversations)
            .where(and(isNull(kokoConversations.customerId), lt(kokoConversations.updatedAt, cutoff)))
        ).map((r) => r.id);
        if (conversationIds.length > 0) {
          await tx.delete(kokoMessages).where(inArray(kokoMessages.conversationId, conversationIds));
          await tx.delete(kokoSuggestions).where(inArray(kokoSuggestions.conversationId, conversationIds));
          await tx.delete(kokoAdminTexts).where(inArray(kokoAdminTexts.conversationId, conversationIds));
          await tx.delete(kokoOutbox).where(inArray(kokoOutbox.conversationId, conversationIds));
          await tx.delete(kokoConversations).where(inArray(kokoConversations.conversationId, conversationIds));
        }
        return { notifications: notifications.length, emailSubjects: emailSubjects.length, kokoConversations: conversationIds.length };
      });
    },
  };
}
