import { eq } from 'drizzle-orm';
import type { MessageInput } from '../clients/chatwoot-client.js';
import { configured } from '../clients/errors.js';
import { kokoMessageMarker } from '../contracts/koko.js';
import { kokoOutbox } from '../db/schema.js';
import type { ActivityDeps } from './context.js';

/**
 * Posts a bot message at most once per key. The outbox row is written before the post and completed after it; a
 * retry that finds it unfinished looks for the key among the conversation's messages before posting again. The key
 * rides in `content_attributes`, which is also how the bot webhook recognises the message as our own.
 */
export function chatwootPostOnce({ db, chatwoot, chatwootBot }: Pick<ActivityDeps, 'db' | 'chatwoot' | 'chatwootBot'>) {
  async function complete(key: string, messageId: number): Promise<number> {
    await db.update(kokoOutbox).set({ state: 'sent', chatwootMessageId: messageId, sentAt: new Date() }).where(eq(kokoOutbox.key, key));
    return messageId;
  }

  return async function postOnce(key: string, conversationId: number, input: Omit<MessageInput, 'contentAttributes' | 'asBotId'>): Promise<number | null> {
    const created = await db.insert(kokoOutbox).values({ key, conversationId, state: 'sending' }).onConflictDoNothing().returning({ key: kokoOutbox.key });
    if (created.length === 0) {
      const [row] = await db.select().from(kokoOutbox).where(eq(kokoOutbox.key, key));
      if (row?.state === 'sent') return row.chatwootMessageId;
      const earlier = chatwoot ? (await chatwoot.listMessages(conversationId)).find((m) => m.content_attributes?.[kokoMessageMarker] === key) : undefined;
      if (earlier) return complete(key, earlier.id);
    }
    const { client, asBotId } = configured(chatwootBot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
    const posted = await client.postMessage(conversationId, { ...input, contentAttributes: { [kokoMessageMarker]: key }, asBotId });
    return posted ? complete(key, posted.id) : null;
  };
}
