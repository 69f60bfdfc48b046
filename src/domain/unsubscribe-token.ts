import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an unsubscribe link names: the customer and the keyed hash of the address the email went to. Ids only. */
export interface UnsubscribeClaim {
  customerId: string;
  emailHash: string;
}

export type UnsubscribeCheck = ({ ok: true; expiresAt: number } & UnsubscribeClaim) | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`unsubscribe:${payload}`).digest('base64url');

/** `<payload>.<HMAC>`: base64url JSON of customer id, address hash and expiry (Unix seconds), signed with the secret. */
export function unsubscribeToken(secret: string, claim: UnsubscribeClaim, expiresAtMs: number): string {
  const payload = Buffer.from(JSON.stringify({ c: claim.customerId, h: claim.emailHash, x: Math.floor(expiresAtMs / 1000) })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function verifyUnsubscribeToken(secret: string, token: string, nowMs = Date.now()): UnsubscribeCheck {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  let body: { c?: unknown; h?: unknown; x?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof body;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof body.c !== 'string' || typeof body.h !== 'string' || typeof body.x !== 'number') return { ok: false, reason: 'malformed' };
  if (body.x * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, customerId: body.c, emailHash: body.h, expiresAt: body.x * 1000 };
}
