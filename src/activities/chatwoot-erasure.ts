import type { ActivityDeps } from './context.js';
import { addErasureKeys, erasureKeysOf } from '../db/erasures.js';
import { e164 } from '../domain/erasure.js';

/**
 * The erasure's Chatwoot side. Besides the contact the service created (identifier = customer id), contacts that
 * Chatwoot made itself (web widget, WhatsApp, email channel) may hold the same person: they are found by the
 * customer's exact emails and phones (`contacts/filter`, never the substring search) and erased too.
 */
export function createChatwootErasureActivities({ db, chatwoot }: ActivityDeps) {
  return {
    async collectChatwootErasureKeys({ customerId }: { customerId: string }): Promise<{ configured: boolean; contacts: number }> {
      if (!chatwoot) return { configured: false, contacts: 0 };
      const own = await chatwoot.filterContacts('identifier', customerId);
      await addErasureKeys(db, customerId, { emails: own.map((c) => c.email), phones: own.map((c) => e164(c.phone_number)), contactIds: own.map((c) => c.id) });
      const { emails, phones } = await erasureKeysOf(db, customerId);
      const others = [
        ...(await Promise.all(emails.map((email) => chatwoot.filterContacts('email', email)))).flat(),
        ...(await Promise.all(phones.map((phone) => chatwoot.filterContacts('phone_number', phone)))).flat(),
      ];
      await addErasureKeys(db, customerId, { contactIds: others.map((c) => c.id) });
      return { configured: true, contacts: new Set([...own, ...others].map((c) => c.id)).size };
    },

    /** Chatwoot deletes a contact's conversations and messages with it; a contact already gone counts as done. */
    async deleteChatwootContacts({ customerId }: { customerId: string }): Promise<{ configured: boolean; contacts: number; conversations: number }> {
      if (!chatwoot) return { configured: false, contacts: 0, conversations: 0 };
      const { contactIds } = await erasureKeysOf(db, customerId);
      // Looked up again, not only taken from the keys: a sync in flight may have created the contact anew since.
      const own = (await chatwoot.filterContacts('identifier', customerId)).map((c) => c.id);
      let contacts = 0;
      let conversations = 0;
      for (const id of new Set([...contactIds, ...own])) {
        const count = await chatwoot.contactConversationCount(id);
        if (await chatwoot.deleteContact(id)) {
          contacts++;
          conversations += count;
        }
      }
      return { configured: true, contacts, conversations };
    },
  };
}
