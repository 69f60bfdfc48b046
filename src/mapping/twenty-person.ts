import type { KgcCustomer } from '../contracts/kgc-events.js';
import { splitHungarianName } from './hungarian-name.js';
import { twentyRecordId } from './ids.js';
import { toTwentyPhone } from './phone.js';

export const paymentStatusToTwenty = { good: 'GOOD', late: 'LATE', blocked: 'BLOCKED' } as const;

export function normaliseEmail(email: string | null | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

/**
 * KGC customer → Twenty Person create input. Only what seed 000 §9.2 lets leave KGC: name, phone, email,
 * payment status and our own keys. `emailOwnedByOther` keeps a shared email off primaryEmail (unique in Twenty)
 * so the first owner is never merged or overwritten.
 */
export function toTwentyPerson(customer: KgcCustomer, opts: { emailOwnedByOther: boolean }) {
  const email = normaliseEmail(customer.email);
  return {
    id: twentyRecordId('person', customer.customer_id),
    name: splitHungarianName(customer.name),
    emails:
      email && !opts.emailOwnedByOther
        ? { primaryEmail: email, additionalEmails: [] }
        : { primaryEmail: null, additionalEmails: email ? [email] : [] },
    phones: { ...toTwentyPhone(customer.phone), additionalPhones: [] },
    kgcCustomerId: customer.customer_id,
    isBusiness: customer.is_business,
    ...(customer.payment_status ? { paymentStatus: paymentStatusToTwenty[customer.payment_status] } : {}),
  };
}
