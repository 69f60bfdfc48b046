import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureWindowSeconds = 300;

export type SignatureCheck = { ok: true } | { ok: false; reason: string; header: string };

export interface SignedRequest {
  secret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs?: number;
}

/**
 * The scheme KGC and Chatwoot share: `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, computed over
 * the bytes received, compared in constant time, refused outside a 300 s window. They differ only in header
 * names and in how the timestamp reads.
 */
export function verifyTimestampedHmac(
  req: SignedRequest,
  scheme: { timestampHeader: string; signatureHeader: string; timestampMs: (raw: string) => number | undefined; unit: string },
): SignatureCheck {
  if (!req.timestamp) return { ok: false, header: scheme.timestampHeader, reason: 'missing' };
  if (!req.signature) return { ok: false, header: scheme.signatureHeader, reason: 'missing' };
  const ts = scheme.timestampMs(req.timestamp);
  if (ts === undefined) return { ok: false, header: scheme.timestampHeader, reason: `not a Unix time${scheme.unit}` };
  if (Math.abs((req.nowMs ?? Date.now()) - ts) > signatureWindowSeconds * 1000) {
    return { ok: false, header: scheme.timestampHeader, reason: `outside the ${signatureWindowSeconds} s window` };
  }
  const expected = Buffer.from('sha256=' + createHmac('sha256', req.secret).update(`${req.timestamp}.`).update(req.rawBody).digest('hex'));
  const given = Buffer.from(req.signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, header: scheme.signatureHeader, reason: 'does not match the body' };
  }
  return { ok: true };
}
