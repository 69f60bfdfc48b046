import { describe, expect, it } from 'vitest';
import { deliveryIdentity } from '../../src/api/kgc-intake.js';
import { eventFromPathSegment, eventPathSegment, kgcEventTypes } from '../../src/contracts/kgc-events.js';
import { toChatwootContact } from '../../src/domain/chatwoot-contact.js';
import { splitHungarianName } from '../../src/domain/hungarian-name.js';
import { twentyRecordId } from '../../src/domain/ids.js';
import { toTwentyPhone } from '../../src/domain/phone.js';
import { toTwentyHistoryRecord } from '../../src/domain/history.js';
import { toTwentyPerson, twentyPersonWarnings } from '../../src/domain/twenty-person.js';

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

  it('leaves off numbers Twenty refuses: a calling code without a country (+800, +882, +999)', () => {
    for (const n of ['+80012345678', '+88213000000', '+999123456789']) expect(toTwentyPhone(n), n).toBeUndefined();
    expect(toTwentyPhone('+12025550123')).toEqual({ primaryPhoneNumber: '2025550123', primaryPhoneCountryCode: 'US', primaryPhoneCallingCode: '+1' });
    expect(toTwentyPhone('+15555550123'), 'a +1 number of no one country keeps its calling code').toEqual({
      primaryPhoneNumber: '5555550123',
      primaryPhoneCountryCode: '',
      primaryPhoneCallingCode: '+1',
    });
  });

  it('sends a person with a refused phone without one, and says so in its warnings', () => {
    const freephone = { ...customer, phone: '+80012345678' };
    expect(toTwentyPerson(freephone, { emailOwnedByOther: false }).phones).toEqual({
      primaryPhoneNumber: '',
      primaryPhoneCountryCode: '',
      primaryPhoneCallingCode: '',
      additionalPhones: [],
    });
    expect(twentyPersonWarnings(freephone, { emailOwnedByOther: true })).toEqual(['twenty_email_shared', 'twenty_phone_invalid']);
    expect(twentyPersonWarnings(customer, { emailOwnedByOther: false })).toEqual([]);
    expect(twentyPersonWarnings({ ...customer, email: null }, { emailOwnedByOther: true }), 'no email, nothing shared').toEqual([]);
  });

  it('titles history records with the KGC id and what they are about', () => {
    const personId = twentyRecordId('person', 'C-1001');
    const rental = { rental_id: 'R-2025-001', customer_id: 'C-1001', machine_name: 'Makita fúró', rental_start: '2025-01-02', rental_end: '2025-01-05', total_days: 3, total_cost: 9000, status: 'completed' };
    expect(toTwentyHistoryRecord('rental', 'R-2025-001', rental, personId).name).toBe('R-2025-001 · Makita fúró');
    const worklog = { worklog_id: 'W-7', customer_id: 'C-1001', machine_type: 'Stihl láncfűrész', issue_description: 'Lánccsere', repair_cost: 9000, completed_at: '2025-01-05T10:00:00Z', status: 'completed' };
    expect(toTwentyHistoryRecord('service', 'W-7', worklog, personId).name).toBe('W-7 · Stihl láncfűrész');
    const order = { order_id: 'O-9', customer_id: 'C-1001', items: [{ name: 'Fúrószár', quantity: 2 }], total_amount: 4000, order_date: '2025-01-01', delivered_at: '2025-01-03T09:00:00Z' };
    expect(toTwentyHistoryRecord('order', 'O-9', order, personId).name).toBe('O-9 · 2× Fúrószár');
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
  it('maps every event to its per-event path and back', () => {
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
