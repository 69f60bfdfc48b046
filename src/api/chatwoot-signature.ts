import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from './kgc-signature.js';

export const chatwootSignatureWindowSeconds = 300;

/**
 * Chatwoot's webhook signature (chatwoot.md §6.2): `X-Chatwoot-Signature: sha256=<hex>` with
 * hex = HMAC-SHA256(secret, `<X-Chatwoot-Timestamp>.<raw body>`), timestamp in Unix seconds, stale ones refused.
 */
export function verifyChatwootSignature(opts: {
  secret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs?: number;
}): SignatureCheck {
  if (!opts.timestamp) return { ok: false, header: 'X-Chatwoot-Timestamp', reason: 'missing' };
  if (!opts.signature) return { ok: false, header: 'X-Chatwoot-Signature', reason: 'missing' };
  if (!/^\d{1,12}$/.test(opts.timestamp)) return { ok: false, header: 'X-Chatwoot-Timestamp', reason: 'not a Unix time in seconds' };
  if (Math.abs((opts.nowMs ?? Date.now()) - Number(opts.timestamp) * 1000) > chatwootSignatureWindowSeconds * 1000) {
    return { ok: false, header: 'X-Chatwoot-Timestamp', reason: `outside the ${chatwootSignatureWindowSeconds} s window` };
  }
  const expected = Buffer.from('sha256=' + createHmac('sha256', opts.secret).update(`${opts.timestamp}.`).update(opts.rawBody).digest('hex'));
  const given = Buffer.from(opts.signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, header: 'X-Chatwoot-Signature', reason: 'does not match the body' };
  }
  return { ok: true };
}
