import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { timestampToMs, verifyKgcSignature } from '../../src/api/kgc-signature.js';

const secret = 'test-secret-0123456789';
const body = Buffer.from('{"event":"customer.created","data":{}}');
const sign = (ts: string, raw: Buffer = body, key = secret) => 'sha256=' + createHmac('sha256', key).update(`${ts}.`).update(raw).digest('hex');
const now = 1_766_916_000_000;

describe('KGC webhook signature', () => {
  it('accepts a millisecond timestamp (Date.now())', () => {
    const ts = String(now - 1000);
    expect(verifyKgcSignature({ secret, rawBody: body, timestamp: ts, signature: sign(ts), nowMs: now })).toEqual({ ok: true });
  });

  it('accepts a second timestamp', () => {
    const ts = String(Math.floor(now / 1000) - 10);
    expect(verifyKgcSignature({ secret, rawBody: body, timestamp: ts, signature: sign(ts), nowMs: now })).toEqual({ ok: true });
  });

  it('reads values below 10^12 as seconds and the rest as milliseconds', () => {
    expect(timestampToMs('1703765432')).toBe(1_703_765_432_000);
    expect(timestampToMs('1703765432000')).toBe(1_703_765_432_000);
    expect(timestampToMs('12abc')).toBeUndefined();
  });

  it('rejects a timestamp outside the 300 s window, in either direction', () => {
    for (const ts of [String(now - 301_000), String(now + 301_000)]) {
      const r = verifyKgcSignature({ secret, rawBody: body, timestamp: ts, signature: sign(ts), nowMs: now });
      expect(r).toMatchObject({ ok: false, header: 'X-KGC-Timestamp' });
    }
  });

  it('rejects a body changed after signing', () => {
    const ts = String(now);
    const r = verifyKgcSignature({ secret, rawBody: Buffer.from(body.toString() + ' '), timestamp: ts, signature: sign(ts), nowMs: now });
    expect(r).toMatchObject({ ok: false, header: 'X-KGC-Signature' });
  });

  it('rejects a signature made with another secret, without the sha256= prefix, or of another length', () => {
    const ts = String(now);
    for (const signature of [sign(ts, body, 'other-secret'), sign(ts).slice('sha256='.length), sign(ts) + '00']) {
      expect(verifyKgcSignature({ secret, rawBody: body, timestamp: ts, signature, nowMs: now }).ok).toBe(false);
    }
  });

  it('names the missing header', () => {
    expect(verifyKgcSignature({ secret, rawBody: body, timestamp: undefined, signature: 'x', nowMs: now })).toMatchObject({ header: 'X-KGC-Timestamp', reason: 'missing' });
    expect(verifyKgcSignature({ secret, rawBody: body, timestamp: String(now), signature: undefined, nowMs: now })).toMatchObject({ header: 'X-KGC-Signature', reason: 'missing' });
  });
});
