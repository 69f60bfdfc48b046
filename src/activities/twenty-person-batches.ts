import { peopleCampaignFields } from '../db/marketing-consent.js';
import { emailOwnersQuery, upsertPeopleMutation } from '../clients/twenty-people-documents.js';
import type { KgcCustomer } from '../contracts/kgc-events.js';
import { twentyRecordId } from '../domain/ids.js';
import { addEmailClaims, customersWithSharedEmail, type EmailClaims } from '../domain/twenty-email-owners.js';
import { normaliseEmail, toTwentyPerson, twentyPersonWarnings, type TwentyPersonWarning } from '../domain/twenty-person.js';
import { erasedAmong } from './bulk-sync-records.js';
import type { ActivityDeps } from './context.js';
import { requireTwenty, isTwentyRejection } from './twenty-access.js';
import { claimPrimaryEmails } from './twenty-email-claims.js';
import { twentyIdMismatchFailure } from './twenty-returned-ids.js';

const emailOwners = emailOwnersQuery('PersonBatchEmailOwners');
const upsertPeople = upsertPeopleMutation('UpsertPersonBatch');

/** What one customer of a batch came to: its person id and warnings, gone from KGC (or erased), or an id-only reason. */
export interface PersonBatchResult {
  customerId: string;
  personId?: string;
  customerGone?: boolean;
  warnings?: TwentyPersonWarning[];
  failed?: string;
}

/**
 * The person writes of live syncs, gathered across customers by the twentyPersonBatcher workflow: one email-owner
 * query and one createPeople upsert for up to 60 customers. Like every Twenty activity, each makes at most ONE
 * Twenty request. Inputs and results are ids.
 */
export function createTwentyPersonBatchActivities({ db, kgc, twenty }: ActivityDeps) {
  /** The customers as KGC has them now, in the order asked; erased (tombstoned) or deleted ones are `gone`. */
  async function readCustomers(customerIds: string[]): Promise<{ customers: KgcCustomer[]; gone: string[] }> {
    const erased = await erasedAmong(db, customerIds);
    const read = await Promise.all(customerIds.map(async (id) => (erased.has(id) ? null : kgc.getCustomer(id))));
    const customers = read.filter((c): c is KgcCustomer => c !== null);
    return { customers, gone: customerIds.filter((_, i) => read[i] === null) };
  }

  return {
    /**
     * Which of the customers' emails already have a primary owner in Twenty (trashed people included): one `in`
     * query for the whole batch. When the owners span pages, the batcher calls again with `after` and the claims so far.
     */
    async findTwentyEmailOwnersOfBatch(input: { customerIds: string[]; claims?: EmailClaims; after?: string }): Promise<{ claims: EmailClaims; gone: string[]; after?: string }> {
      const { customers, gone } = await readCustomers(input.customerIds);
      const emails = [...new Set(customers.map((c) => normaliseEmail(c.email)).filter((e): e is string => !!e))];
      const so = input.claims ?? { self: [], other: [] };
      if (emails.length === 0) return { claims: so, gone };
      const res = await requireTwenty(twenty).query<{
        people: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; emails: { primaryEmail: string | null } } }> };
      }>(emailOwners, { emails, after: input.after ?? null });
      const owners = res.people.edges.flatMap(({ node }) => (node.emails.primaryEmail ? [{ id: node.id, email: node.emails.primaryEmail }] : []));
      const next = res.people.pageInfo.hasNextPage ? res.people.pageInfo.endCursor : null;
      return { claims: addEmailClaims(customers, owners, so), gone, ...(next ? { after: next } : {}) };
    },

    /**
     * The customers' people, re-read from KGC, as one createPeople upsert on their deterministic ids. The tombstone
     * check sits right before the write. Who sends an email as primary: never one Twenty gives another person; an
     * unowned one goes to the first customer in the batch (the order the syncs asked in), and the claims table has
     * the last word, so a bulk sync or another batch writing the same email at the same instant cannot both send it.
     * A batch Twenty refuses as a whole is answered `rejected` for the batcher to split; a single customer's refusal
     * is thrown (non-retryable, TwentyRejected) as the one-customer write did.
     */
    async upsertTwentyPersonBatch(input: { customerIds: string[]; claims: EmailClaims }): Promise<{ rejected: true } | { rejected?: false; results: PersonBatchResult[] }> {
      const { customers, gone } = await readCustomers(input.customerIds);
      const results: PersonBatchResult[] = gone.map((customerId) => ({ customerId, customerGone: true }));
      if (customers.length === 0) return { results };
      const self = new Set(input.claims.self);
      const shared = new Set(customersWithSharedEmail(customers, input.claims));
      const claim = (c: KgcCustomer) => ({ customerId: c.customer_id, email: normaliseEmail(c.email), claim: !shared.has(c.customer_id) });
      // A customer whose own person holds the email takes its claim over (Twenty's state wins over a stale claim).
      const holders = new Set([
        ...(await claimPrimaryEmails(db, customers.filter((c) => self.has(c.customer_id)).map(claim), { takeOver: true })),
        ...(await claimPrimaryEmails(db, customers.filter((c) => !self.has(c.customer_id)).map(claim))),
      ]);
      for (const c of customers) {
        if (holders.has(c.customer_id)) shared.delete(c.customer_id);
        else if (normaliseEmail(c.email)) shared.add(c.customer_id);
      }
      const campaign = await peopleCampaignFields(db, customers);
      const data = customers.map((c) => ({ ...toTwentyPerson(c, { emailOwnedByOther: shared.has(c.customer_id) }), ...campaign.get(c.customer_id)! }));
      let returned: Array<{ id: string }>;
      try {
        returned = (await requireTwenty(twenty).query<{ createPeople: Array<{ id: string }> }>(upsertPeople, { data })).createPeople;
      } catch (err) {
        if (isTwentyRejection(err) && customers.length > 1) return { rejected: true };
        throw err;
      }
      // Twenty answers updates first, then inserts: ids are compared as a set. A missing id was upserted into
      // another person: that customer fails (TwentyIdMismatch), and no link to an id that is not ours.
      const returnedIds = new Set(returned.map((r) => r.id));
      const foreign = [...returnedIds].filter((id) => !data.some((d) => d.id === id)).join(', ') || 'unknown';
      for (const c of customers) {
        const personId = twentyRecordId('person', c.customer_id);
        results.push(
          returnedIds.has(personId)
            ? { customerId: c.customer_id, personId, warnings: twentyPersonWarnings(c, { emailOwnedByOther: shared.has(c.customer_id) }) }
            : { customerId: c.customer_id, failed: twentyIdMismatchFailure('person', personId, foreign).message },
        );
      }
      return { results };
    },
  };
}
