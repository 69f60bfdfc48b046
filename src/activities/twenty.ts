import { and, eq, isNull } from 'drizzle-orm';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { historyLedger } from '../db/schema.js';
import { personAggregates } from '../db/history-ledger.js';
import { historyObjectOf, toTwentyAggregates, toTwentyHistoryRecord } from '../domain/history.js';
import { twentyRecordId } from '../domain/ids.js';
import { isErased } from '../db/erasures.js';
import { personCampaignFields } from '../db/marketing-consent.js';
import { normaliseEmail, toTwentyPerson, twentyPersonWarnings, type TwentyPersonWarning } from '../domain/twenty-person.js';
import type { ActivityDeps } from './context.js';
import { requireTwenty } from './twenty-access.js';
import { claimPrimaryEmails } from './twenty-email-claims.js';
import { twentyIdMismatchFailure } from './twenty-returned-ids.js';

/** Trashed people count too: Twenty's upsert matches them, and a filter without deletedAt hides them. */
const findByEmail = /* GraphQL */ `
  query EmailOwner($email: String!) {
    people(
      filter: { emails: { primaryEmail: { eq: $email } }, or: [{ deletedAt: { is: NULL } }, { deletedAt: { is: NOT_NULL } }] }
      first: 2
    ) { edges { node { id } } }
  }`;

const upsertPerson = /* GraphQL */ `
  mutation UpsertPerson($data: PersonCreateInput!) { createPerson(data: $data, upsert: true) { id } }`;

const updatePerson = /* GraphQL */ `
  mutation UpdateAggregates($id: UUID!, $data: PersonUpdateInput!) { updatePerson(id: $id, data: $data) { id } }`;

/** Twenty's documented batch size: one request, one rate-limit token, up to 60 records. */
const historyBatchSize = 60;

/**
 * Twenty activities run on their own task queue, rate-limited to TWENTY_REQUESTS_PER_MINUTE; each one makes
 * exactly one Twenty request so that the queue's activity rate is the request rate. Inputs and results are ids.
 */
export function createTwentyActivities({ db, kgc, twenty }: ActivityDeps) {
  return {
    /** Whether the customer's email is already the primary email of a Twenty person, trashed ones included (unique there). */
    async findTwentyEmailOwner({ customerId }: { customerId: string }): Promise<{ emailOwner: 'none' | 'self' | 'other' | 'customer_gone' }> {
      const customer = (await isErased(db, customerId)) ? null : await kgc.getCustomer(customerId);
      if (!customer) return { emailOwner: 'customer_gone' };
      const email = normaliseEmail(customer.email);
      if (!email) return { emailOwner: 'none' };
      const res = await requireTwenty(twenty).query<{ people: { edges: Array<{ node: { id: string } }> } }>(findByEmail, { email });
      const owners = res.people.edges.map((e) => e.node.id);
      if (owners.length === 0) return { emailOwner: 'none' };
      // Any other holder (a trashed one next to ours, should the unique index leave trashed rows out) makes the
      // email unsafe to send: the upsert would match two rows.
      return { emailOwner: owners.every((id) => id === twentyRecordId('person', customerId)) ? 'self' : 'other' };
    },

    /**
     * Claims the customer's email (see claimPrimaryEmails), then upserts the person on its deterministic id. The
     * lookup before this and the claim are separate steps, so an email the lookup found free may by now be claimed
     * by another customer: then it goes to additionalEmails. Twenty answers with the id of the row it wrote; any
     * other id means the upsert matched another person, a non-retryable TwentyIdMismatch.
     */
    async upsertTwentyPerson(input: { customerId: string; emailOwnedByOther: boolean; emailOwnedBySelf?: boolean }): Promise<{
      personId?: string;
      customerGone: boolean;
      warnings?: TwentyPersonWarning[];
    }> {
      // The tombstone check sits right before the write: an erased customer is never written again.
      const customer = (await isErased(db, input.customerId)) ? null : await kgc.getCustomer(input.customerId);
      if (!customer) return { customerGone: true };
      const email = normaliseEmail(customer.email);
      const claim = { customerId: customer.customer_id, email, claim: !input.emailOwnedByOther };
      const holders = await claimPrimaryEmails(db, [claim], { takeOver: input.emailOwnedBySelf === true });
      const emailOwnedByOther = input.emailOwnedByOther || !holders.has(customer.customer_id);
      const data = { ...toTwentyPerson(customer, { emailOwnedByOther }), ...(await personCampaignFields(db, customer)) };
      const res = await requireTwenty(twenty).query<{ createPerson: { id: string } }>(upsertPerson, { data });
      if (res.createPerson.id !== data.id) throw twentyIdMismatchFailure('person', data.id, res.createPerson.id);
      return { personId: data.id, customerGone: false, warnings: twentyPersonWarnings(customer, { emailOwnedByOther }) };
    },

    /**
     * Upserts up to one batch of the customer's not yet synced history of one kind into Twenty, then marks it
     * synced. Returns whether more is waiting and whether a late rental was among the rows written.
     */
    async writeTwentyHistory({ customerId, kind }: { customerId: string; kind: HistoryKind }): Promise<{ written: number; late: boolean; more: boolean }> {
      if (await isErased(db, customerId)) return { written: 0, late: false, more: false };
      const rows = await db
        .select()
        .from(historyLedger)
        .where(and(eq(historyLedger.customerId, customerId), eq(historyLedger.kind, kind), isNull(historyLedger.syncedAt)))
        .orderBy(historyLedger.occurredOn)
        .limit(historyBatchSize + 1);
      const batch = rows.slice(0, historyBatchSize);
      if (batch.length === 0) return { written: 0, late: false, more: false };
      const personId = twentyRecordId('person', customerId);
      const object = historyObjectOf[kind];
      await requireTwenty(twenty).query(
        `mutation WriteHistory($data: [${object.input}!]!) { ${object.createMany}(data: $data, upsert: true) { id } }`,
        { data: batch.map((r) => toTwentyHistoryRecord(kind, r.kgcId, r.payload, personId)) },
      );
      const now = new Date();
      for (const r of batch) {
        await db
          .update(historyLedger)
          .set({ syncedAt: now })
          .where(and(eq(historyLedger.kind, kind), eq(historyLedger.kgcId, r.kgcId), eq(historyLedger.updatedAt, r.updatedAt)));
      }
      return { written: batch.length, late: batch.some((r) => r.late), more: rows.length > historyBatchSize };
    },

    /**
     * Recomputes the person's aggregates from the synced ledger (never increments): totalRentals counts rentals;
     * totalRevenue is rental total_cost plus order total_amount (repair costs are service revenue, kept apart);
     * the last rental and service dates. A newly synced late rental sets LATE.
     */
    async refreshTwentyAggregates({ customerId, markLate }: { customerId: string; markLate: boolean }): Promise<void> {
      if (await isErased(db, customerId)) return;
      const aggregates = await personAggregates(db, [customerId], { syncedOnly: true });
      await requireTwenty(twenty).query(updatePerson, {
        id: twentyRecordId('person', customerId),
        data: {
          ...toTwentyAggregates(aggregates.get(customerId)!),
          ...(markLate ? { paymentStatus: 'LATE' } : {}),
        },
      });
    },
  };
}
