import { TwentyNotFoundError } from '../clients/errors.js';
import type { TwentyClient } from '../clients/twenty-client.js';
import { e164 } from '../domain/erasure.js';
import { twentyRecordId } from '../domain/ids.js';
import type { ActivityDeps } from './context.js';
import { addErasureKeys } from '../db/erasures.js';
import type { HistoryObject } from './twenty-history-objects.js';

/** The person by its deterministic id, trashed or not (a lookup without `deletedAt` in its filter skips the trash). */
const personKeys = /* GraphQL */ `
  query ErasurePerson($id: UUID!) {
    people(filter: { id: { eq: $id }, or: [{ deletedAt: { is: NULL } }, { deletedAt: { is: NOT_NULL } }] }, first: 1) {
      edges { node { id emails { primaryEmail additionalEmails } phones { primaryPhoneNumber primaryPhoneCallingCode } } }
    }
  }`;

const destroyPerson = /* GraphQL */ `
  mutation DestroyPerson($id: UUID!) { destroyPerson(id: $id) { id } }`;

type PersonKeys = {
  emails: { primaryEmail: string | null; additionalEmails: string[] | null } | null;
  phones: { primaryPhoneNumber: string | null; primaryPhoneCallingCode: string | null } | null;
};

/**
 * The erasure's Twenty side, on the rate-limited Twenty queue (one request per activity). Without Twenty
 * credentials each answers `configured: false`, which the certificate records as `not_configured`.
 */
export function createTwentyErasureActivities({ db, twenty }: ActivityDeps) {
  const withTwenty = async <T>(run: (client: TwentyClient) => Promise<T>): Promise<T | { configured: false }> => (twenty ? run(twenty) : { configured: false });
  return {
    /** The person's emails and phone, kept for the erasure so Chatwoot contacts holding them can be found. */
    async collectTwentyErasureKeys({ customerId }: { customerId: string }) {
      return withTwenty(async (client) => {
        const res = await client.query<{ people: { edges: Array<{ node: PersonKeys }> } }>(personKeys, { id: twentyRecordId('person', customerId) });
        const person = res.people.edges[0]?.node;
        if (person) {
          await addErasureKeys(db, customerId, {
            emails: [person.emails?.primaryEmail, ...(person.emails?.additionalEmails ?? [])],
            phones: [e164(person.phones?.primaryPhoneNumber, person.phones?.primaryPhoneCallingCode)],
          });
        }
        return { configured: true as const, found: person ? 1 : 0 };
      });
    },

    /** Hard-deletes the person's history records (destroy, not delete: delete only hides them). */
    async destroyTwentyHistory({ customerId, object }: { customerId: string; object: HistoryObject }) {
      return withTwenty(async (client) => {
        const mutation = `destroy${object[0]!.toUpperCase()}${object.slice(1)}`;
        const res = await client.query<Record<string, Array<{ id: string }> | null>>(
          `mutation DestroyHistory($personId: UUID!) { ${mutation}(filter: { personId: { eq: $personId } }) { id } }`,
          { personId: twentyRecordId('person', customerId) },
        );
        return { configured: true as const, destroyed: res[mutation]?.length ?? 0 };
      });
    },

    async destroyTwentyPerson({ customerId }: { customerId: string }) {
      return withTwenty(async (client) => {
        try {
          await client.query(destroyPerson, { id: twentyRecordId('person', customerId) });
          return { configured: true as const, destroyed: 1 };
        } catch (err) {
          if (err instanceof TwentyNotFoundError) return { configured: true as const, destroyed: 0 };
          throw err;
        }
      });
    },
  };
}
