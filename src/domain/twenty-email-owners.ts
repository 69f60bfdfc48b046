import { twentyRecordId } from './ids.js';
import { normaliseEmail } from './twenty-person.js';

interface WithEmail {
  customer_id: string;
  email?: string | null;
}

/** Customer ids whose email already has an owner in Twenty: the customer's own person (`self`) or another one. */
export interface EmailClaims {
  self: string[];
  other: string[];
}

/** Adds what one page of Twenty's email owners says about a group of customers to the claims found so far. */
export function addEmailClaims(group: readonly WithEmail[], owners: ReadonlyArray<{ id: string; email: string }>, so: EmailClaims): EmailClaims {
  const self = new Set(so.self);
  const other = new Set(so.other);
  const ownersOf = new Map<string, string[]>();
  for (const o of owners) ownersOf.set(o.email, [...(ownersOf.get(o.email) ?? []), o.id]);
  for (const c of group) {
    const ids = ownersOf.get(normaliseEmail(c.email) ?? '');
    if (ids === undefined) continue;
    // Any other holder (a trashed one next to ours) makes the email unsafe to send: the upsert would match two rows.
    if (ids.every((id) => id === twentyRecordId('person', c.customer_id)) && !other.has(c.customer_id)) self.add(c.customer_id);
    else {
      other.add(c.customer_id);
      self.delete(c.customer_id);
    }
  }
  return { self: [...self], other: [...other] };
}

/**
 * The claims with the emails of a group still being written counted as owned by another person: by the time this
 * group is written, they are (unless Twenty already says the customer's own person holds the email).
 */
export function claimedInFlight(group: readonly WithEmail[], claims: EmailClaims, inFlightEmails: ReadonlySet<string | undefined>): EmailClaims {
  const self = new Set(claims.self);
  const other = new Set(claims.other);
  for (const c of group) {
    const email = normaliseEmail(c.email);
    if (email && inFlightEmails.has(email) && !self.has(c.customer_id)) other.add(c.customer_id);
  }
  return { self: claims.self, other: [...other] };
}

/**
 * The customers of a group whose email must go to additionalEmails, as partnerSync decides one at a time
 * (Twenty's upsert matches on id OR primaryEmail, so a shared primary email would overwrite its owner):
 * an email Twenty already holds stays with its owner; an unowned one goes to the first customer in KGC order.
 */
export function customersWithSharedEmail(group: readonly WithEmail[], claims: EmailClaims): string[] {
  const self = new Set(claims.self);
  const claimed = new Set([...claims.self, ...claims.other]);
  const ownedEmails = new Set(group.filter((c) => claimed.has(c.customer_id)).map((c) => normaliseEmail(c.email)));
  const taken = new Set<string>();
  const shared: string[] = [];
  for (const c of group) {
    const email = normaliseEmail(c.email);
    if (!email) continue;
    const primary = ownedEmails.has(email) ? self.has(c.customer_id) : !taken.has(email);
    if (primary) taken.add(email);
    else shared.push(c.customer_id);
  }
  return shared;
}
