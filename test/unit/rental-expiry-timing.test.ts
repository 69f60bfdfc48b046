import { describe, expect, it } from 'vitest';
import { campaignMoments, localIsoDate } from '../../src/domain/rental-expiry-timing.js';

const budapest = { leadMs: 86_400_000, hour: 10, timeZone: 'Europe/Budapest' };
const iso = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, new Date(v).toISOString()]));

describe('rental expiry timing', () => {
  it('reminds the day before a bare rental_end date at 10:00 Budapest and checks for lateness the morning after', () => {
    expect(iso({ ...campaignMoments('2025-12-30', budapest) })).toEqual({
      remindAt: '2025-12-29T09:00:00.000Z',
      dueAt: '2025-12-30T23:00:00.000Z',
      lateCheckAt: '2025-12-31T09:00:00.000Z',
    });
  });

  it('keeps "the day before at 10:00" across the spring DST change', () => {
    expect(new Date(campaignMoments('2026-03-30', budapest).remindAt).toISOString()).toBe('2026-03-29T08:00:00.000Z');
  });

  it('with a time in rental_end: due at that moment, late check at the next 10:00', () => {
    expect(iso({ ...campaignMoments('2026-01-15T17:00:00+01:00', budapest) })).toEqual({
      remindAt: '2026-01-14T09:00:00.000Z',
      dueAt: '2026-01-15T16:00:00.000Z',
      lateCheckAt: '2026-01-16T09:00:00.000Z',
    });
  });

  it('RENTAL_REMINDER_HOUR=none: exactly the lead before rental_end, late check at rental_end', () => {
    expect(campaignMoments('2026-01-15T10:00:05+01:00', { ...budapest, leadMs: 3_000, hour: null })).toEqual({
      remindAt: Date.parse('2026-01-15T09:00:02Z'),
      dueAt: Date.parse('2026-01-15T09:00:05Z'),
      lateCheckAt: Date.parse('2026-01-15T09:00:05Z'),
    });
  });

  it('names the Budapest calendar day of an instant, for KGC ends_on', () => {
    expect(localIsoDate('Europe/Budapest', Date.parse('2026-01-14T23:30:00Z'))).toBe('2026-01-15');
  });
});
