import { eq } from 'drizzle-orm';
import { configured, failure } from '../clients/errors.js';
import { notificationMessageMarker } from '../contracts/koko.js';
import { resolveCustomer, type CustomerResolution } from '../db/customer-resolution.js';
import { customerNotifications } from '../db/schema.js';
import { renderNotification, type NotificationEvent } from '../templates/notifications.js';
import { currentRun, type ActivityDeps } from './context.js';

async function notification(db: ActivityDeps['db'], key: string) {
  const [row] = await db.select().from(customerNotifications).where(eq(customerNotifications.key, key));
  if (!row) throw failure('NotificationMissing', `No stored notification ${key}`);
  return row;
}

export function createNotificationActivities({ db, kgc, chatwoot, chatwootInboxId }: ActivityDeps) {
  const skip = async (key: string, reason: string) => {
    await db.update(customerNotifications).set({ status: 'skipped', reason }).where(eq(customerNotifications.key, key));
  };

  return {
    /** The KGC customer a notification is for: the event's customer_id, or KGC's answer for its phone number. */
    async resolveNotificationCustomer({ key }: { key: string }): Promise<CustomerResolution> {
      const row = await notification(db, key);
      const phone = row.payload.customer_phone;
      const who = await resolveCustomer(db, kgc, {
        customerId: row.customerId,
        phone: typeof phone === 'string' ? phone : undefined,
        remember: async (customerId) => {
          await db.update(customerNotifications).set({ customerId }).where(eq(customerNotifications.key, key));
        },
        audit: { ...currentRun(), eventType: row.eventType, subject: `notification ${key}` },
      });
      if (who.outcome === 'unknown_customer') await skip(key, 'unknown customer: KGC does not know the phone number');
      if (who.outcome === 'erased') await skip(key, 'customer erased (GDPR)');
      return who;
    },

    async markNotificationSkipped({ key, reason }: { key: string; reason: string }): Promise<void> {
      await skip(key, reason);
    },

    /**
     * Posts the notification to the contact's open conversation in CHATWOOT_INBOX_ID (opening one if needed).
     * At most once: the stored status, then a marker in the conversation's messages, are checked before posting,
     * so a retry after Chatwoot accepted the message but before we recorded it does not post it again.
     */
    async sendChatwootNotification({ key, contactId }: { key: string; contactId: string }): Promise<{ conversationId: string; messageId: string }> {
      const client = configured(chatwoot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
      const inboxId = configured(chatwootInboxId, 'CHATWOOT_INBOX_ID');
      const row = await notification(db, key);
      if (row.status === 'sent' && row.chatwootConversationId && row.chatwootMessageId) {
        return { conversationId: row.chatwootConversationId, messageId: row.chatwootMessageId };
      }
      const conversations = await client.contactConversations(Number(contactId));
      const open = conversations.find((c) => c.inbox_id === inboxId && c.status !== 'resolved');
      const conversationId = open?.id ?? (await client.createConversation({ inboxId, contactId: Number(contactId) })).id;

      const earlier = (await client.listMessages(conversationId)).find((m) => m.content_attributes?.[notificationMessageMarker] === key);
      const messageId =
        earlier?.id ??
        (await client.postMessage(conversationId, {
          content: renderNotification(row.eventType as NotificationEvent, row.payload),
          private: false,
          contentAttributes: { [notificationMessageMarker]: key },
        }))?.id;
      if (messageId === undefined) throw failure('ChatwootInconsistent', `Chatwoot conversation ${conversationId} vanished`);
      await db
        .update(customerNotifications)
        .set({ status: 'sent', chatwootConversationId: String(conversationId), chatwootMessageId: String(messageId), sentAt: new Date() })
        .where(eq(customerNotifications.key, key));
      return { conversationId: String(conversationId), messageId: String(messageId) };
    },
  };
}
