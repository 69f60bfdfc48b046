import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureWindowSeconds = 300;

/** KGC sends Unix time in seconds or milliseconds (seeds disagree); below 10^12 it is seconds (kgc-erp.md §1). */
export function timestampToMs(raw: string): number | undefined {
  if (!/^\d{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return n < 1e12 ? n * 1000 : n;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string; header: string };

/** HMAC-SHA256 over `<timestamp>.<raw body>`, `sha256=<hex>`, constant-time compare, 300 s window. */
export function verifyKgcSignature(opts: {
  secret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs?: number;
}): SignatureCheck {
  if (!opts.timestamp) return { ok: false, header: 'X-KGC-Timestamp', reason: 'missing' };
  if (!opts.signature) return { ok: false, header: 'X-KGC-Signature', reason: 'missing' };
  const ts = timestampToMs(opts.timestamp);
  if (ts === undefined) return { ok: false, header: 'X-KGC-Timestamp', reason: 'not a Unix time' };
  if (Math.abs((opts.nowMs ?? Date.now()) - ts) > signatureWindowSeconds * 1000) {
    return { ok: false, header: 'X-KGC-Timestamp', reason: `outside the ${signatureWindowSeconds} s window` };
  }
  const expected = Buffer.from(
    'sha256=' + createHmac('sha256', opts.secret).update(`${opts.timestamp}.`).update(opts.rawBody).digest('hex'),
  );
  const given = Buffer.from(opts.signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, header: 'X-KGC-Signature', reason: 'does not match the body' };
  }
  return { ok: true };
}
