import { describe, expect, it } from 'vitest';
import { twentyRecordId } from '../../src/domain/ids.js';
import { addEmailClaims, claimedInFlight, customersWithSharedEmail } from '../../src/domain/twenty-email-owners.js';

const c = (customer_id: string, email: string | null) => ({ customer_id, email });

describe('email owners of a bulk-sync group', () => {
  it('gives an unowned email to the first customer in KGC order and the rest share it', () => {
    const group = [c('C-1', 'a@x.hu'), c('C-2', 'A@x.hu '), c('C-3', 'b@x.hu')];
    expect(customersWithSharedEmail(group, { self: [], other: [] })).toEqual(['C-2']);
  });

  it('leaves an email Twenty already holds with its owner, even when a later customer is that owner', () => {
    const group = [c('C-1', 'a@x.hu'), c('C-2', 'a@x.hu')];
    const claims = addEmailClaims(group, [{ id: twentyRecordId('person', 'C-2'), email: 'a@x.hu' }], { self: [], other: [] });
    expect(claims).toEqual({ self: ['C-2'], other: ['C-1'] });
    expect(customersWithSharedEmail(group, claims)).toEqual(['C-1']);
  });

  it('treats the emails of the group still being written as owned, unless the customer already owns it', () => {
    const group = [c('C-61', 'a@x.hu'), c('C-62', 'b@x.hu'), c('C-63', 'c@x.hu')];
    const owners = addEmailClaims(group, [{ id: twentyRecordId('person', 'C-63'), email: 'c@x.hu' }], { self: [], other: [] });
    const claims = claimedInFlight(group, owners, new Set(['a@x.hu', 'c@x.hu']));
    expect(customersWithSharedEmail(group, claims)).toEqual(['C-61']);
  });
});
