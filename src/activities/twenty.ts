import { ApplicationFailure } from '@temporalio/common';
import type { TwentyClient } from '../clients/twenty-client.js';
import { TwentyNotFoundError } from '../clients/twenty-client.js';
import { twentyRecordId } from '../mapping/ids.js';
import { isErased } from './erasure.js';
import type { HistoryObject } from './twenty-history-objects.js';
import { normaliseEmail, toTwentyPerson } from '../mapping/twenty-person.js';
import type { ActivityDeps } from './context.js';

const findByEmail = /* GraphQL */ `
  query EmailOwner($email: String!) {
    people(filter: { emails: { primaryEmail: { eq: $email } } }, first: 1) { edges { node { id } } }
  }`;

const upsertPerson = /* GraphQL */ `
  mutation UpsertPerson($data: PersonCreateInput!) { createPerson(data: $data, upsert: true) { id } }`;

const destroyPerson = /* GraphQL */ `
  mutation DestroyPerson($id: UUID!) { destroyPerson(id: $id) { id } }`;

function requireTwenty(twenty: TwentyClient | undefined): TwentyClient {
  if (!twenty) throw ApplicationFailure.nonRetryable('TWENTY_API_URL / TWENTY_API_KEY are not configured', 'ConfigurationError');
  return twenty;
}

/**
 * Twenty activities run on their own task queue, rate-limited to TWENTY_REQUESTS_PER_MINUTE; each one makes
 * exactly one Twenty request so that the queue's activity rate is the request rate. Inputs and results are ids.
 */
export function createTwentyActivities({ db, kgc, twenty }: ActivityDeps) {
  return {
    /** Whether the customer's email is already the primary email of another Twenty person (emails are unique there). */
    async findTwentyEmailOwner({ customerId }: { customerId: string }): Promise<{ emailOwner: 'none' | 'self' | 'other' | 'customer_gone' }> {
      const customer = (await isErased(db, customerId)) ? null : await kgc.getCustomer(customerId);
      if (!customer) return { emailOwner: 'customer_gone' };
      const email = normaliseEmail(customer.email);
      if (!email) return { emailOwner: 'none' };
      const res = await requireTwenty(twenty).query<{ people: { edges: Array<{ node: { id: string } }> } }>(findByEmail, { email });
      const owner = res.people.edges[0]?.node.id;
      if (!owner) return { emailOwner: 'none' };
      return { emailOwner: owner === twentyRecordId('person', customerId) ? 'self' : 'other' };
    },

    async upsertTwentyPerson(input: { customerId: string; emailOwnedByOther: boolean }): Promise<{ personId?: string; customerGone: boolean }> {
      // The tombstone check sits right before the write: an erased customer is never written again.
      const customer = (await isErased(db, input.customerId)) ? null : await kgc.getCustomer(input.customerId);
      if (!customer) return { customerGone: true };
      const data = toTwentyPerson(customer, { emailOwnedByOther: input.emailOwnedByOther });
      const res = await requireTwenty(twenty).query<{ createPerson: { id: string } }>(upsertPerson, { data });
      return { personId: res.createPerson.id, customerGone: false };
    },

    /** Hard-deletes the person's history records (destroy, not delete: delete only hides them). */
    async destroyTwentyHistory({ customerId, object }: { customerId: string; object: HistoryObject }): Promise<{ destroyed: number }> {
      const mutation = `destroy${object[0]!.toUpperCase()}${object.slice(1)}`;
      const res = await requireTwenty(twenty).query<Record<string, Array<{ id: string }> | null>>(
        `mutation DestroyHistory($personId: UUID!) { ${mutation}(filter: { personId: { eq: $personId } }) { id } }`,
        { personId: twentyRecordId('person', customerId) },
      );
      return { destroyed: res[mutation]?.length ?? 0 };
    },

    async destroyTwentyPerson({ customerId }: { customerId: string }): Promise<{ destroyed: number }> {
      try {
        await requireTwenty(twenty).query(destroyPerson, { id: twentyRecordId('person', customerId) });
        return { destroyed: 1 };
      } catch (err) {
        if (err instanceof TwentyNotFoundError) return { destroyed: 0 };
        throw err;
      }
    },
  };
}
