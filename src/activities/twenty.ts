import { ApplicationFailure } from '@temporalio/common';
import type { TwentyClient } from '../clients/twenty-client.js';
import { twentyRecordId } from '../mapping/ids.js';
import { normaliseEmail, toTwentyPerson } from '../mapping/twenty-person.js';
import type { ActivityDeps } from './context.js';

const findByEmail = /* GraphQL */ `
  query EmailOwner($email: String!) {
    people(filter: { emails: { primaryEmail: { eq: $email } } }, first: 1) { edges { node { id } } }
  }`;

const upsertPerson = /* GraphQL */ `
  mutation UpsertPerson($data: PersonCreateInput!) { createPerson(data: $data, upsert: true) { id } }`;

function requireTwenty(twenty: TwentyClient | undefined): TwentyClient {
  if (!twenty) throw ApplicationFailure.nonRetryable('TWENTY_API_URL / TWENTY_API_KEY are not configured', 'ConfigurationError');
  return twenty;
}

/**
 * Twenty activities run on their own task queue, rate-limited to TWENTY_REQUESTS_PER_MINUTE; each one makes
 * exactly one Twenty request so that the queue's activity rate is the request rate. Inputs and results are ids.
 */
export function createTwentyActivities({ kgc, twenty }: ActivityDeps) {
  return {
    /** Whether the customer's email is already the primary email of another Twenty person (emails are unique there). */
    async findTwentyEmailOwner({ customerId }: { customerId: string }): Promise<{ emailOwner: 'none' | 'self' | 'other' | 'customer_gone' }> {
      const customer = await kgc.getCustomer(customerId);
      if (!customer) return { emailOwner: 'customer_gone' };
      const email = normaliseEmail(customer.email);
      if (!email) return { emailOwner: 'none' };
      const res = await requireTwenty(twenty).query<{ people: { edges: Array<{ node: { id: string } }> } }>(findByEmail, { email });
      const owner = res.people.edges[0]?.node.id;
      if (!owner) return { emailOwner: 'none' };
      return { emailOwner: owner === twentyRecordId('person', customerId) ? 'self' : 'other' };
    },

    async upsertTwentyPerson(input: { customerId: string; emailOwnedByOther: boolean }): Promise<{ personId?: string; customerGone: boolean }> {
      const customer = await kgc.getCustomer(input.customerId);
      if (!customer) return { customerGone: true };
      const data = toTwentyPerson(customer, { emailOwnedByOther: input.emailOwnedByOther });
      const res = await requireTwenty(twenty).query<{ createPerson: { id: string } }>(upsertPerson, { data });
      return { personId: res.createPerson.id, customerGone: false };
    },
  };
}
