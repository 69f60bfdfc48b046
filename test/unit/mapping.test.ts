import { describe, expect, it } from 'vitest';
import { deliveryIdentity } from '../../src/api/kgc-intake.js';
import { eventFromPathSegment, eventPathSegment, kgcEventTypes } from '../../src/contracts/kgc-events.js';
import { toChatwootContact } from '../../src/mapping/chatwoot-contact.js';
import { splitHungarianName } from '../../src/mapping/hungarian-name.js';
import { twentyRecordId } from '../../src/mapping/ids.js';
import { toTwentyPhone } from '../../src/mapping/phone.js';
import { toTwentyPerson } from '../../src/mapping/twenty-person.js';

const customer = {
  customer_id: 'C-1001',
  name: 'Kovács János',
  phone: '+36301234567',
  email: ' Janos.Kovacs@Example.hu ',
  company: 'Kovács Kft.',
  is_business: false,
  created_at: '2025-12-28',
  payment_status: 'late' as const,
};

describe('Hungarian names', () => {
  it('puts the family name first', () => {
    expect(splitHungarianName('Kovács János')).toEqual({ lastName: 'Kovács', firstName: 'János' });
    expect(splitHungarianName('Kovács János Péter')).toEqual({ lastName: 'Kovács', firstName: 'János Péter' });
  });
  it('keeps titles and the married -né form with the family name', () => {
    expect(splitHungarianName('dr. Nagy Éva')).toEqual({ lastName: 'dr. Nagy', firstName: 'Éva' });
    expect(splitHungarianName('Kovácsné Szabó Anna')).toEqual({ lastName: 'Kovácsné Szabó', firstName: 'Anna' });
  });
  it('keeps a single word as the family name', () => {
    expect(splitHungarianName('  Madonna ')).toEqual({ lastName: 'Madonna', firstName: '' });
  });
});

describe('Twenty person mapping', () => {
  it('derives the same UUIDv5 for the same customer and different ones per kind', () => {
    expect(twentyRecordId('person', 'C-1')).toBe(twentyRecordId('person', 'C-1'));
    expect(twentyRecordId('person', 'C-1')).not.toBe(twentyRecordId('rentalRecord', 'C-1'));
    expect(twentyRecordId('person', 'C-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('splits a Hungarian mobile into calling code, country and national number', () => {
    expect(toTwentyPhone('+36301234567')).toEqual({ primaryPhoneNumber: '301234567', primaryPhoneCountryCode: 'HU', primaryPhoneCallingCode: '+36' });
  });

  it('maps only what may leave KGC, with a lower-case email and the payment status as a select value', () => {
    const person = toTwentyPerson({ ...customer, tax_number: '123' } as typeof customer, { emailOwnedByOther: false });
    expect(person).toEqual({
      id: twentyRecordId('person', 'C-1001'),
      name: { lastName: 'Kovács', firstName: 'János' },
      emails: { primaryEmail: 'janos.kovacs@example.hu', additionalEmails: [] },
      phones: { primaryPhoneNumber: '301234567', primaryPhoneCountryCode: 'HU', primaryPhoneCallingCode: '+36', additionalPhones: [] },
      kgcCustomerId: 'C-1001',
      isBusiness: false,
      paymentStatus: 'LATE',
    });
  });

  it('keeps an email owned by another person off primaryEmail', () => {
    expect(toTwentyPerson(customer, { emailOwnedByOther: true }).emails).toEqual({ primaryEmail: null, additionalEmails: ['janos.kovacs@example.hu'] });
  });
});

describe('Chatwoot contact mapping', () => {
  it('uses the customer id as identifier and can leave out a shared email or phone', () => {
    expect(toChatwootContact(customer)).toMatchObject({ identifier: 'C-1001', email: 'janos.kovacs@example.hu', phone_number: '+36301234567' });
    expect(toChatwootContact(customer, new Set(['email', 'phone_number'] as const))).toMatchObject({ email: null, phone_number: null });
  });
});

describe('event names', () => {
  it('maps every event to the seeds per-event path and back', () => {
    expect(eventPathSegment('customer.created')).toBe('customer-created');
    expect(eventPathSegment('service.quote_ready')).toBe('quote-ready');
    expect(eventPathSegment('service.repair_done')).toBe('repair-done');
    for (const t of kgcEventTypes) expect(eventFromPathSegment(eventPathSegment(t))).toBe(t);
  });
});

describe('delivery identity', () => {
  it('uses the envelope id when there is one', () => {
    expect(deliveryIdentity('customer.created', { a: 1 }, 'evt_1')).toEqual({ deliveryKey: 'id:evt_1', eventId: 'evt_1' });
  });
  it('hashes event name and canonical data otherwise, so key order does not matter', () => {
    const a = deliveryIdentity('customer.updated', { customer_id: 'C-1', name: 'X' });
    const b = deliveryIdentity('customer.updated', { name: 'X', customer_id: 'C-1' });
    expect(a).toEqual(b);
    expect(deliveryIdentity('customer.created', { customer_id: 'C-1', name: 'X' }).deliveryKey).not.toBe(a.deliveryKey);
  });
});
