import { eq } from 'drizzle-orm';
import type { KgcClient } from '../clients/kgc-client.js';
import type { CustomerContext } from '../contracts/kgc-customer-context.js';
import type { Db } from '../db/client.js';
import { kokoConversations, partnerLinks } from '../db/schema.js';

export type KokoConversationRow = typeof kokoConversations.$inferSelect;

/**
 * The open business of the customer Chatwoot vouches for, or null: a carrier channel's sender phone is looked up
 * in KGC; an HMAC-verified contact counts only as the contact this service created for a customer (partner link).
 * A phone typed into a contact is never looked up. Koko's account answers and chat worklogs both rest on it.
 */
export async function verifiedCustomerContext({ db, kgc }: { db: Db; kgc: KgcClient }, conversation: KokoConversationRow | undefined): Promise<CustomerContext | null> {
  if (conversation?.verifiedBy === 'carrier' && conversation.contactPhone) return kgc.getCustomerContextByPhone(conversation.contactPhone);
  if (conversation?.verifiedBy !== 'hmac' || conversation.contactId === null) return null;
  const [link] = await db.select({ customerId: partnerLinks.customerId }).from(partnerLinks).where(eq(partnerLinks.chatwootContactId, String(conversation.contactId)));
  const customer = link ? await kgc.getCustomer(link.customerId) : null;
  const context = customer ? await kgc.getCustomerContextByPhone(customer.phone) : null;
  return context?.customer_id === link?.customerId ? context : null;
}
