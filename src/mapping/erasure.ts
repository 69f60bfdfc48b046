import { createHash } from 'node:crypto';

/** How an erased customer is named from then on: in the tombstone, the certificate and the audit trail. */
export function customerHash(customerId: string): string {
  return createHash('sha256').update(`kgc-customer:${customerId}`).digest('hex');
}
