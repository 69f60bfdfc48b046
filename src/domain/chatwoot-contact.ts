import type { ContactInput } from '../clients/chatwoot-client.js';
import type { KgcCustomer } from '../contracts/kgc-events.js';
import { normaliseEmail } from './twenty-person.js';

/** KGC customer → Chatwoot contact (docs/chatwoot-setup.md): identifier = customer id, strict E.164, lower-case email. */
export function toChatwootContact(customer: KgcCustomer, omit: ReadonlySet<'email' | 'phone_number'> = new Set()): ContactInput {
  return {
    name: customer.name,
    identifier: customer.customer_id,
    email: omit.has('email') ? null : (normaliseEmail(customer.email) ?? null),
    phone_number: omit.has('phone_number') ? null : customer.phone,
    custom_attributes: { kgc_customer_id: customer.customer_id, kgc_tenant: 'kgc' },
  };
}
