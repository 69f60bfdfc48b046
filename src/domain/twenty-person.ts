import type { KgcCustomer } from '../contracts/kgc-events.js';
import { splitHungarianName } from './hungarian-name.js';
import { twentyRecordId } from './ids.js';
import { noTwentyPhone, toTwentyPhone } from './phone.js';

export const paymentStatusToTwenty = { good: 'GOOD', late: 'LATE', blocked: 'BLOCKED' } as const;

/** Twenty lower-cases the whole address before it stores or matches it (transform-emails-value.util.ts). */
export function normaliseEmail(email: string | null | undefined): string | undefined {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

/** Partner-link warnings of a person write: its email stayed with another person; its phone was left off. */
export type TwentyPersonWarning = 'twenty_email_shared' | 'twenty_phone_invalid';

/**
 * KGC customer → Twenty Person create input. Only what may leave KGC: name, phone, email,
 * payment status and our own keys. `emailOwnedByOther` keeps a shared email off primaryEmail (unique in Twenty)
 * so the first owner is never merged or overwritten. A phone Twenty would refuse is left off (see `warnings`).
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
    phones: { ...(toTwentyPhone(customer.phone) ?? noTwentyPhone), additionalPhones: [] },
    kgcCustomerId: customer.customer_id,
    isBusiness: customer.is_business,
    ...(customer.payment_status ? { paymentStatus: paymentStatusToTwenty[customer.payment_status] } : {}),
  };
}

export function twentyPersonWarnings(customer: KgcCustomer, opts: { emailOwnedByOther: boolean }): TwentyPersonWarning[] {
  const warnings: TwentyPersonWarning[] = [];
  if (opts.emailOwnedByOther && normaliseEmail(customer.email)) warnings.push('twenty_email_shared');
  if (!toTwentyPhone(customer.phone)) warnings.push('twenty_phone_invalid');
  return warnings;
}
