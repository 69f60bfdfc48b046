import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

let hashKey: string | undefined;

/** ERASURE_HASH_KEY, set once at start-up: a bare SHA-256 of a customer id is reversed by enumerating ids. */
export function useErasureHashKey(key: string): void {
  hashKey = key;
}

/** How an erased customer is named from then on: in the tombstone, the certificate and the audit trail. */
export function customerHash(customerId: string): string {
  if (!hashKey) throw new Error('ERASURE_HASH_KEY is not set: call useErasureHashKey at start-up');
  return createHmac('sha256', hashKey).update(`kgc-customer:${customerId}`).digest('hex');
}

/**
 * How a marketing opt-out names an email address: keyed like customerHash, so the opt-out outlives the
 * customer's erasure without keeping the address, and a returning address is still recognised.
 */
export function emailAddressHash(email: string): string {
  if (!hashKey) throw new Error('ERASURE_HASH_KEY is not set: call useErasureHashKey at start-up');
  return createHmac('sha256', hashKey).update(`kgc-email:${email.trim().toLowerCase()}`).digest('hex');
}

/**
 * KGC's `gdpr_reason` is free text; the certificate keeps a code. A short snake_case word (customer_request,
 * legal_obligation) is kept as it is, anything else becomes `other`, so nothing a clerk typed travels further.
 */
export function erasureReasonCode(reason: string): string {
  const code = reason.trim().toLowerCase();
  return /^[a-z][a-z0-9_]{0,47}$/.test(code) ? code : 'other';
}

/** Phones as the service's tables hold them (E.164), whatever form Twenty or Chatwoot gave them in. */
export function e164(raw: string | null | undefined, callingCode?: string | null): string | undefined {
  if (!raw) return undefined;
  const text = raw.startsWith('+') || !callingCode ? raw : `${callingCode}${raw}`;
  return parsePhoneNumberFromString(text, 'HU')?.number;
}

export function normalisedEmail(raw: string | null | undefined): string | undefined {
  const email = raw?.trim().toLowerCase();
  return email ? email : undefined;
}
