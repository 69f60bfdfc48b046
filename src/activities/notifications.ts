import { eq } from 'drizzle-orm';
import { configured, failure } from '../clients/errors.js';
import { notificationMessageMarker } from '../contracts/koko.js';
import { customerNotifications, integrationLog } from '../db/schema.js';
import { renderNotification, type NotificationEvent } from '../templates/notifications.js';
import { currentRun, type ActivityDeps } from './context.js';
import { isErased } from '../db/erasures.js';

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
    async resolveNotificationCustomer({ key }: { key: string }): Promise<{ customerId?: string; outcome: 'resolved' | 'unknown_customer' | 'erased' }> {
      const row = await notification(db, key);
      let customerId = row.customerId ?? undefined;
      if (!customerId) {
        const phone = row.payload.customer_phone;
        customerId = typeof phone === 'string' ? (await kgc.getCustomerContextByPhone(phone))?.customer_id : undefined;
        if (!customerId) {
          await skip(key, 'unknown customer: KGC does not know the phone number');
          await db.insert(integrationLog).values({
            ...currentRun(),
            eventType: row.eventType,
            system: 'kgc',
            action: 'resolve_customer_by_phone',
            status: 'failed',
            detail: `notification ${key}: no KGC customer for the phone number`,
          });
          return { outcome: 'unknown_customer' };
        }
        await db.update(customerNotifications).set({ customerId }).where(eq(customerNotifications.key, key));
      }
      if (await isErased(db, customerId)) {
        await skip(key, 'customer erased (GDPR)');
        return { outcome: 'erased' };
      }
      return { customerId, outcome: 'resolved' };
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
