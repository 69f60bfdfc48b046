import { describe, expect, it } from 'vitest';
import { consentAllows } from '../../src/domain/consent.js';
import { budapestMonth, mostRented } from '../../src/domain/lifecycle-campaigns.js';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../src/domain/unsubscribe-token.js';

const secret = 'unit-unsubscribe-secret-0123456789abcdef';
const claim = { customerId: 'C-1001', emailHash: 'ab'.repeat(32) };

describe('marketing consent gate', () => {
  it('sends transactional email without consent', () => {
    expect(consentAllows('transactional')).toEqual({ allowed: true });
  });

  it('refuses marketing email without KGC consent, with email: false, and with consent older than our latest unsubscribe', () => {
    expect(consentAllows('marketing')).toEqual({ allowed: false, reason: 'no marketing consent' });
    expect(consentAllows('marketing', { consent: { email: false, updated_at: '2026-01-01' } })).toEqual({ allowed: false, reason: 'no marketing consent' });
    const optedOutAt = new Date('2026-02-01T00:00:00Z');
    expect(consentAllows('marketing', { consent: { email: true, updated_at: '2026-01-01T00:00:00Z' }, optedOutAt })).toEqual({ allowed: false, reason: 'unsubscribed' });
    expect(consentAllows('marketing', { consent: { email: true, updated_at: '2026-02-01T00:00:00Z' }, optedOutAt })).toEqual({ allowed: false, reason: 'unsubscribed' });
    expect(consentAllows('marketing', { consent: { email: false, updated_at: '2026-02-01T00:00:00Z' }, optedOutAt }), 'KGC has taken our opt-out in').toEqual({ allowed: false, reason: 'unsubscribed' });
  });

  it('sends marketing email with KGC consent, and again with consent given after an unsubscribe', () => {
    expect(consentAllows('marketing', { consent: { email: true, updated_at: '2026-01-01' } })).toEqual({ allowed: true });
    expect(consentAllows('marketing', { consent: { email: true, updated_at: '2026-03-01T00:00:00Z' }, optedOutAt: new Date('2026-02-01T00:00:00Z') })).toEqual({ allowed: true });
  });
});

describe('unsubscribe token', () => {
  it('round-trips the customer and address hash until it expires', () => {
    const token = unsubscribeToken(secret, claim, Date.now() + 60_000);
    expect(verifyUnsubscribeToken(secret, token)).toMatchObject({ ok: true, ...claim });
    expect(verifyUnsubscribeToken(secret, token, Date.now() + 120_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret, a changed payload and garbage', () => {
    const token = unsubscribeToken(secret, claim, Date.now() + 60_000);
    expect(verifyUnsubscribeToken('another-secret-0123456789abcdef0123', token)).toEqual({ ok: false, reason: 'forged' });
    const [, signature] = token.split('.');
    const changed = Buffer.from(JSON.stringify({ c: 'C-9999', h: claim.emailHash, x: 9_999_999_999 })).toString('base64url');
    expect(verifyUnsubscribeToken(secret, `${changed}.${signature}`)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyUnsubscribeToken(secret, 'garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyUnsubscribeToken(secret, '')).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('upsell month and machine', () => {
  it('counts a rental in the Budapest month it ended in, whatever offset KGC wrote', () => {
    expect(budapestMonth('2026-01-31')).toBe('2026-01');
    expect(budapestMonth('2026-01-31T23:30:00Z')).toBe('2026-02');
    expect(budapestMonth('2026-03-01T00:30:00+01:00')).toBe('2026-03');
  });

  it('names the machine rented most, the later one on a tie', () => {
    expect(mostRented(['Bosch csiszoló', 'Makita fúró', 'Makita fúró', 'Bosch csiszoló', 'Stihl láncfűrész'])).toBe('Bosch csiszoló');
    expect(mostRented(['Makita fúró', 'Makita fúró', 'Bosch csiszoló'])).toBe('Makita fúró');
    expect(mostRented([])).toBeUndefined();
  });
});
