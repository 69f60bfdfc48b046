import { peopleCampaignFields } from '../db/marketing-consent.js';
import { emailOwnersQuery, upsertPeopleMutation } from '../clients/twenty-people-documents.js';
import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { customerSchema } from '../contracts/kgc-events.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { historyLedger, partnerLinks } from '../db/schema.js';
import { personAggregates } from '../db/history-ledger.js';
import { historyObjectOf, toTwentyAggregates, toTwentyHistoryRecord } from '../domain/history.js';
import { twentyRecordId } from '../domain/ids.js';
import { addEmailClaims, claimedInFlight, customersWithSharedEmail, type EmailClaims } from '../domain/twenty-email-owners.js';
import { normaliseEmail, toTwentyPerson, twentyPersonWarnings } from '../domain/twenty-person.js';
import { bulkBatchSize, erasedAmong, readCustomerBatch, recordBulkLinks, recordDeadLetters } from './bulk-sync-records.js';
import { currentRun, type ActivityDeps } from './context.js';
import { requireTwenty, isTwentyRejection } from './twenty-access.js';
import { readModuleStates } from './store.js';
import { claimPrimaryEmails } from './twenty-email-claims.js';
import { twentyIdMismatchFailure } from './twenty-returned-ids.js';

const emailOwners = emailOwnersQuery('EmailOwners');
const upsertPeople = upsertPeopleMutation('UpsertPeople');

/** Batches per group: one email-owner query serves this many person batches (1 500 people, 25 requests). */
const groupBatches = 25;

export interface CustomerBatch {
  cursor: string | null;
  customerIds: string[];
}

export interface CustomerGroup {
  batches: CustomerBatch[];
  nextCursor: string | null;
  /** Customers whose email goes to additionalEmails (owned by another person, or by an earlier customer). */
  sharedEmail: string[];
  erased: number;
  invalid: number;
}

/** Whether a batch was refused as a whole; the workflow then splits it to find the record at fault. */
export interface BatchOutcome {
  written: number;
  failed: number;
  rejected?: boolean;
  moduleOff?: boolean;
}

/**
 * Twenty steps of initialBulkSync on the bulk Twenty task queue, whose rate limit is the bulk share of
 * TWENTY_REQUESTS_PER_MINUTE. Like every Twenty activity, each makes at most ONE Twenty request.
 */
export function createTwentyBulkActivities({ db, kgc, twenty }: ActivityDeps) {
  const crmOff = async () => !(await readModuleStates(db)).crm;

  /** The KGC pages of one group, as its batches will re-read them. */
  async function readGroup(start: string | null) {
    const pages: Array<{ cursor: string | null; customers: Array<{ customer_id: string; email?: string | null }>; invalid: string[] }> = [];
    let cursor = start;
    do {
      const page = await kgc.listPage('customers', customerSchema, { cursor, limit: bulkBatchSize });
      pages.push({ cursor, customers: page.records, invalid: page.invalid });
      cursor = page.nextCursor;
    } while (cursor && pages.length < groupBatches);
    return { pages, nextCursor: cursor };
  }

  return {
    /**
     * Lists the next group of customers (up to 25 batches of 60) and asks Twenty which of their emails already have
     * an owner: one query for the group. When the owners span several pages, the workflow calls again with
     * `ownersAfter` and the claims so far. `inFlight` is where the group still being written starts: the workflow
     * prepares a group while the one before it is written, and that group's emails are not in Twenty yet, so a
     * customer who shares one of them is given it as an additional email.
     */
    async prepareCustomerGroup(input: { runId: string; cursor: string | null; inFlight?: string | null; ownersAfter?: string; claims?: EmailClaims }): Promise<
      { moduleOff: true } | ({ moduleOff?: false; ownersAfter?: string; claims: EmailClaims } & CustomerGroup)
    > {
      if (await crmOff()) return { moduleOff: true };
      const { pages, nextCursor } = await readGroup(input.cursor);
      const invalid = pages.flatMap((p) => p.invalid);
      await recordDeadLetters(db, input.runId, invalid.map((id) => ({ system: 'kgc' as const, recordKind: 'customer' as const, kgcId: id, customerId: id, reason: 'KGC customer fails the customer schema' })));
      const erased = await erasedAmong(db, pages.flatMap((p) => p.customers.map((c) => c.customer_id)));
      const group = pages.flatMap((p) => p.customers).filter((c) => !erased.has(c.customer_id));
      const emails = [...new Set(group.map((c) => normaliseEmail(c.email)).filter((e): e is string => !!e))];

      let claims = input.claims ?? { self: [], other: [] };
      let ownersAfter: string | undefined;
      if (emails.length > 0) {
        const res = await requireTwenty(twenty).query<{
          people: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; emails: { primaryEmail: string | null } } }> };
        }>(emailOwners, { emails, after: input.ownersAfter ?? null });
        const owners = res.people.edges.flatMap(({ node }) => (node.emails.primaryEmail ? [{ id: node.id, email: node.emails.primaryEmail }] : []));
        claims = addEmailClaims(group, owners, claims);
        if (res.people.pageInfo.hasNextPage && res.people.pageInfo.endCursor) ownersAfter = res.people.pageInfo.endCursor;
      }
      const sharedEmail = async () => {
        if (input.inFlight === undefined) return customersWithSharedEmail(group, claims);
        const inFlight = new Set((await readGroup(input.inFlight)).pages.flatMap((p) => p.customers.map((c) => normaliseEmail(c.email))));
        return customersWithSharedEmail(group, claimedInFlight(group, claims, inFlight));
      };
      return {
        claims,
        ownersAfter,
        batches: pages
          .map((p) => ({ cursor: p.cursor, customerIds: p.customers.map((c) => c.customer_id).filter((id) => !erased.has(id)) }))
          .filter((b) => b.customerIds.length > 0),
        nextCursor,
        sharedEmail: ownersAfter ? [] : await sharedEmail(),
        erased: erased.size,
        invalid: invalid.length,
      };
    },

    /**
     * One batch of people, re-read from KGC, with aggregates from the history ledger, as one createPeople upsert on
     * the deterministic ids. A single person Twenty refuses goes to the dead letters.
     */
    async upsertPeopleBatch(input: { runId: string; batch: CustomerBatch; sharedEmail: string[] }): Promise<BatchOutcome> {
      if (await crmOff()) return { written: 0, failed: 0, moduleOff: true };
      const erased = await erasedAmong(db, input.batch.customerIds);
      const customers = (await readCustomerBatch(kgc, input.batch.cursor, input.batch.customerIds)).filter((c) => !erased.has(c.customer_id));
      if (customers.length === 0) return { written: 0, failed: 0 };
      const shared = new Set(input.sharedEmail);
      // KGC may have changed since the group was prepared: never send one primary email twice in a batch.
      const taken = new Set<string>();
      for (const c of customers) {
        const email = normaliseEmail(c.email);
        if (!email || shared.has(c.customer_id)) continue;
        if (taken.has(email)) shared.add(c.customer_id);
        else taken.add(email);
      }
      // The claim decides: a live sync may have claimed one of these emails since the group was prepared (the
      // email then stays with it, even for a customer the group put second).
      const holders = await claimPrimaryEmails(
        db,
        customers.map((c) => ({ customerId: c.customer_id, email: normaliseEmail(c.email), claim: !shared.has(c.customer_id) })),
      );
      for (const c of customers) {
        if (holders.has(c.customer_id)) shared.delete(c.customer_id);
        else if (normaliseEmail(c.email)) shared.add(c.customer_id);
      }
      const aggregates = await personAggregates(db, customers.map((c) => c.customer_id), { syncedOnly: false });
      const campaign = await peopleCampaignFields(db, customers);
      const data = customers.map((c) => ({
        ...toTwentyPerson(c, { emailOwnedByOther: shared.has(c.customer_id) }),
        ...toTwentyAggregates(aggregates.get(c.customer_id)!),
        ...campaign.get(c.customer_id)!,
      }));
      let returned: Array<{ id: string }>;
      try {
        returned = (await requireTwenty(twenty).query<{ createPeople: Array<{ id: string }> }>(upsertPeople, { data })).createPeople;
      } catch (err) {
        if (!isTwentyRejection(err)) throw err;
        if (customers.length > 1) return { written: 0, failed: 0, rejected: true };
        const id = customers[0]!.customer_id;
        await recordDeadLetters(db, input.runId, [{ system: 'twenty', recordKind: 'customer', kgcId: id, customerId: id, reason: err.message }]);
        return { written: 0, failed: 1 };
      }
      // Twenty answers updates first, then inserts: ids are compared as a set. A customer whose id is missing was
      // upserted into another person (TwentyIdMismatch): a dead letter, and no link to an id that is not ours.
      const returnedIds = new Set(returned.map((r) => r.id));
      const foreign = [...returnedIds].filter((id) => !data.some((d) => d.id === id));
      const merged = customers.filter((c) => !returnedIds.has(twentyRecordId('person', c.customer_id)));
      await recordDeadLetters(
        db,
        input.runId,
        merged.map((c) => ({
          system: 'twenty' as const,
          recordKind: 'customer' as const,
          kgcId: c.customer_id,
          customerId: c.customer_id,
          reason: twentyIdMismatchFailure('person', twentyRecordId('person', c.customer_id), foreign.join(', ') || 'unknown').message,
        })),
      );
      const written = customers.filter((c) => !merged.includes(c));
      await recordBulkLinks(
        db,
        currentRun(),
        'twenty',
        written.map((c) => ({
          customerId: c.customer_id,
          externalId: twentyRecordId('person', c.customer_id),
          warnings: twentyPersonWarnings(c, { emailOwnedByOther: shared.has(c.customer_id) }),
        })),
      );
      return { written: written.length, failed: merged.length };
    },

    /**
     * The next batch of unsynced ledger rows of one kind (after `after`, in KGC id order) whose person is in Twenty,
     * or exactly `kgcIds` when the workflow splits a refused batch. One createMany upsert; rows are marked synced
     * only if unchanged since read.
     */
    async writeHistoryBatch(input: { runId: string; kind: HistoryKind; after?: string; kgcIds?: string[] }): Promise<BatchOutcome & { last: string | null; kgcIds?: string[] }> {
      if (await crmOff()) return { written: 0, failed: 0, moduleOff: true, last: null };
      const rows = await db
        .select({ row: historyLedger })
        .from(historyLedger)
        .innerJoin(partnerLinks, eq(partnerLinks.customerId, historyLedger.customerId))
        .where(
          and(
            eq(historyLedger.kind, input.kind),
            isNull(historyLedger.syncedAt),
            isNotNull(partnerLinks.twentyPersonId),
            input.kgcIds ? inArray(historyLedger.kgcId, input.kgcIds) : gt(historyLedger.kgcId, input.after ?? ''),
          ),
        )
        .orderBy(asc(historyLedger.kgcId))
        .limit(bulkBatchSize)
        .then((r) => r.map((x) => x.row));
      if (rows.length === 0) return { written: 0, failed: 0, last: null };
      const last = rows.at(-1)!.kgcId;
      const erased = await erasedAmong(db, [...new Set(rows.map((r) => r.customerId))]);
      const batch = rows.filter((r) => !erased.has(r.customerId));
      if (batch.length === 0) return { written: 0, failed: 0, last };
      const object = historyObjectOf[input.kind];
      try {
        await requireTwenty(twenty).query(`mutation WriteHistory($data: [${object.input}!]!) { ${object.createMany}(data: $data, upsert: true) { id } }`, {
          data: batch.map((r) => toTwentyHistoryRecord(input.kind, r.kgcId, r.payload, twentyRecordId('person', r.customerId))),
        });
      } catch (err) {
        if (!isTwentyRejection(err)) throw err;
        if (batch.length > 1) return { written: 0, failed: 0, rejected: true, last, kgcIds: batch.map((r) => r.kgcId) };
        const r = batch[0]!;
        await recordDeadLetters(db, input.runId, [{ system: 'twenty', recordKind: input.kind, kgcId: r.kgcId, customerId: r.customerId, reason: err.message }]);
        return { written: 0, failed: 1, last };
      }
      await db.execute(sql`
        update history_ledger as h set synced_at = now()
        from (values ${sql.join(batch.map((r) => sql`(${r.kgcId}::text, ${r.updatedAt.toISOString()}::timestamptz)`), sql`, `)}) as v(kgc_id, updated_at)
        where h.kind = ${input.kind} and h.kgc_id = v.kgc_id and h.updated_at = v.updated_at`);
      return { written: batch.length, failed: 0, last };
    },
  };
}
