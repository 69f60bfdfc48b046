import { eq } from 'drizzle-orm';
import type { ChatwootClient } from '../clients/chatwoot-client.js';
import { ChatwootValidationError, configured, failure } from '../clients/errors.js';
import { partnerLinks } from '../db/schema.js';
import { toChatwootContact } from '../domain/chatwoot-contact.js';
import type { KgcCustomer } from '../contracts/kgc-events.js';
import type { ActivityDeps } from './context.js';
import { isErased } from '../db/erasures.js';

type Shareable = 'email' | 'phone_number';
const shareable = new Set<string>(['email', 'phone_number']);

function requireChatwoot(chatwoot: ChatwootClient | undefined): ChatwootClient {
  return configured(chatwoot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
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
        if (!existing) throw failure('ChatwootInconsistent', 'Chatwoot says the identifier is taken but its exact filter does not find it yet');
        contactId = existing.id;
        continue;
      }
      const unknown = err.attributes.filter((a) => !shareable.has(a));
      if (unknown.length > 0) {
        throw failure('ChatwootRejected', `Chatwoot rejected the contact: invalid ${unknown.join(', ')}`, { detail: { system: 'Chatwoot', status: 422, path: unknown } });
      }
      for (const a of err.attributes) omit.add(a as Shareable);
    }
  }
  throw failure('ChatwootInconsistent', 'Chatwoot contact upsert did not settle');
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
  };
}
