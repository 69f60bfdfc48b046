import { ApplicationFailure } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { ChatwootValidationError, type ChatwootClient } from '../clients/chatwoot-client.js';
import { partnerLinks } from '../db/schema.js';
import { toChatwootContact } from '../mapping/chatwoot-contact.js';
import type { KgcCustomer } from '../contracts/kgc-events.js';
import type { ActivityDeps } from './context.js';
import { isErased } from './erasure.js';

type Shareable = 'email' | 'phone_number';
const shareable = new Set<string>(['email', 'phone_number']);

function requireChatwoot(chatwoot: ChatwootClient | undefined): ChatwootClient {
  if (!chatwoot) throw ApplicationFailure.nonRetryable('CHATWOOT_API_URL / CHATWOOT_API_KEY are not configured', 'ConfigurationError');
  return chatwoot;
}

/**
 * Creates or updates one customer's Chatwoot contact (partnerSync and the bulk sync). A 422 for a taken identifier
 * means it exists: link it. A taken email or phone belongs to another customer (family, company): keep the first
 * owner and leave it out.
 */
export async function writeChatwootContact(client: ChatwootClient, customer: KgcCustomer, knownContactId?: number): Promise<{ contactId: string; warnings: string[] }> {
  let contactId = knownContactId;
  const omit = new Set<Shareable>();
  const warnings = () => [...omit].map((a) => `chatwoot_${a}_shared`);
  for (let attempt = 0; attempt < 4; attempt++) {
    const input = toChatwootContact(customer, omit);
    try {
      if (contactId !== undefined) {
        const updated = await client.updateContact(contactId, input);
        if (updated) return { contactId: String(updated.id), warnings: warnings() };
        contactId = undefined;
        continue;
      }
      const created = await client.createContact(input);
      return { contactId: String(created.id), warnings: warnings() };
    } catch (err) {
      if (!(err instanceof ChatwootValidationError)) throw err;
      if (err.attributes.includes('identifier')) {
        const existing = await client.findContactByIdentifier(customer.customer_id);
        if (!existing) throw ApplicationFailure.retryable('Chatwoot says the identifier is taken but its exact filter does not find it yet', 'ChatwootInconsistent');
        contactId = existing.id;
        continue;
      }
      const unknown = err.attributes.filter((a) => !shareable.has(a));
      if (unknown.length > 0) {
        throw ApplicationFailure.nonRetryable(`Chatwoot rejected the contact: invalid ${unknown.join(', ')}`, 'ChatwootRejected');
      }
      for (const a of err.attributes) omit.add(a as Shareable);
    }
  }
  throw ApplicationFailure.retryable('Chatwoot contact upsert did not settle', 'ChatwootInconsistent');
}

export function createChatwootActivities({ db, kgc, chatwoot }: ActivityDeps) {
  return {
    /** The customer's Chatwoot contact, re-read from KGC (see writeChatwootContact). */
    async upsertChatwootContact({ customerId }: { customerId: string }): Promise<{ contactId?: string; customerGone: boolean; warnings: string[] }> {
      const client = requireChatwoot(chatwoot);
      // The tombstone check sits right before the write: an erased customer is never written again.
      const customer = (await isErased(db, customerId)) ? null : await kgc.getCustomer(customerId);
      if (!customer) return { customerGone: true, warnings: [] };
      const [link] = await db.select({ id: partnerLinks.chatwootContactId }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
      return { ...(await writeChatwootContact(client, customer, link?.id ? Number(link.id) : undefined)), customerGone: false };
    },

    /** Erasure: the contact found by link or identifier, with its conversations. A contact already gone counts as done. */
    async deleteChatwootContact({ customerId }: { customerId: string }): Promise<{ contacts: number; conversations: number }> {
      const client = requireChatwoot(chatwoot);
      const [link] = await db.select({ id: partnerLinks.chatwootContactId }).from(partnerLinks).where(eq(partnerLinks.customerId, customerId));
      const contactId = link?.id ? Number(link.id) : (await client.findContactByIdentifier(customerId))?.id;
      if (contactId === undefined) return { contacts: 0, conversations: 0 };
      const conversations = await client.contactConversationCount(contactId);
      const deleted = await client.deleteContact(contactId);
      return { contacts: deleted ? 1 : 0, conversations: deleted ? conversations : 0 };
    },
  };
}
