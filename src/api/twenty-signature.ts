import { createHmac, timingSafeEqual } from 'node:crypto';
import { signatureWindowSeconds, type SignatureCheck, type SignedRequest } from './hmac-signature.js';

/**
 * Twenty's webhook signature (its call-webhook.job.ts): `X-Twenty-Webhook-Timestamp` is Date.now() in
 * milliseconds, `X-Twenty-Webhook-Signature` the bare lowercase hex of HMAC-SHA256(webhook secret,
 * "<timestamp>:<body>"), with a colon where KGC and Chatwoot put a dot, and no `sha256=` prefix. Twenty signs
 * JSON.stringify of the payload and sends those same bytes, so the raw body is what is verified.
 */
export function verifyTwentySignature(req: SignedRequest): SignatureCheck {
  if (!req.timestamp) return { ok: false, header: 'X-Twenty-Webhook-Timestamp', reason: 'missing' };
  if (!req.signature) return { ok: false, header: 'X-Twenty-Webhook-Signature', reason: 'missing' };
  if (!/^\d{13}$/.test(req.timestamp)) return { ok: false, header: 'X-Twenty-Webhook-Timestamp', reason: 'not a Unix time in milliseconds' };
  if (Math.abs((req.nowMs ?? Date.now()) - Number(req.timestamp)) > signatureWindowSeconds * 1000) {
    return { ok: false, header: 'X-Twenty-Webhook-Timestamp', reason: `outside the ${signatureWindowSeconds} s window` };
  }
  const expected = Buffer.from(createHmac('sha256', req.secret).update(`${req.timestamp}:`).update(req.rawBody).digest('hex'));
  const given = Buffer.from(req.signature.trim().toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, header: 'X-Twenty-Webhook-Signature', reason: 'does not match the body' };
  }
  return { ok: true };
}
