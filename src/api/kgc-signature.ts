import { verifyTimestampedHmac, type SignatureCheck, type SignedRequest } from './hmac-signature.js';

export type { SignatureCheck } from './hmac-signature.js';

/** KGC sends Unix time in seconds or milliseconds (senders differ); below 10^12 it is seconds. */
export function timestampToMs(raw: string): number | undefined {
  if (!/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n < 1e12 ? n * 1000 : n;
}

/** KGC ERP's webhook signature (docs/kgc-contract.md#signature): `X-KGC-Timestamp`, `X-KGC-Signature`. */
export function verifyKgcSignature(req: SignedRequest): SignatureCheck {
  return verifyTimestampedHmac(req, { timestampHeader: 'X-KGC-Timestamp', signatureHeader: 'X-KGC-Signature', timestampMs: timestampToMs, unit: '' });
}
