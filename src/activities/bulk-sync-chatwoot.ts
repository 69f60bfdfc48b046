import { ApplicationFailure } from '@temporalio/common';
import { inArray } from 'drizzle-orm';
import { configured } from '../clients/errors.js';
import { customerSchema } from '../contracts/kgc-events.js';
import { partnerLinks } from '../db/schema.js';
import { bulkBatchSize, erasedAmong, recordBulkLinks, recordDeadLetters } from './bulk-sync-records.js';
import { writeChatwootContact } from './chatwoot.js';
import { currentRun, type ActivityDeps } from './context.js';
import { readModuleStates } from './store.js';

/** Contacts written at once within a page; the page rate itself is the task queue's limit. */
const parallelContacts = 4;

/**
 * Chatwoot steps of initialBulkSync on the bulk Chatwoot task queue, limited to CHATWOOT_BULK_REQUESTS_PER_MINUTE
 * (one page of 60 contacts costs about 60 requests). Chatwoot has no batch API, so contacts go one by one.
 */
export function createChatwootBulkActivities({ db, kgc, chatwoot }: ActivityDeps) {
  return {
    async upsertContactsPage(input: { runId: string; cursor: string | null }): Promise<{ nextCursor: string | null; written: number; failed: number; moduleOff?: boolean }> {
      if (!(await readModuleStates(db)).support) return { nextCursor: null, written: 0, failed: 0, moduleOff: true };
      const client = configured(chatwoot, 'CHATWOOT_API_URL / CHATWOOT_API_KEY');
      const page = await kgc.listPage('customers', customerSchema, { cursor: input.cursor, limit: bulkBatchSize });
      await recordDeadLetters(db, input.runId, page.invalid.map((id) => ({ system: 'kgc' as const, recordKind: 'customer' as const, kgcId: id, customerId: id, reason: 'KGC customer fails the customer schema' })));
      const erased = await erasedAmong(db, page.records.map((c) => c.customer_id));
      const customers = page.records.filter((c) => !erased.has(c.customer_id));
      const known = customers.length
        ? await db.select({ customerId: partnerLinks.customerId, contactId: partnerLinks.chatwootContactId }).from(partnerLinks).where(inArray(partnerLinks.customerId, customers.map((c) => c.customer_id)))
        : [];
      const contactOf = new Map(known.filter((k) => k.contactId).map((k) => [k.customerId, Number(k.contactId)]));

      const results: Array<PromiseSettledResult<{ contactId: string; warnings: string[] }>> = [];
      for (let i = 0; i < customers.length; i += parallelContacts) {
        const slice = customers.slice(i, i + parallelContacts);
        results.push(...(await Promise.allSettled(slice.map((c) => writeChatwootContact(client, c, contactOf.get(c.customer_id))))));
      }
      const links = customers.flatMap((c, i) => {
        const r = results[i]!;
        return r.status === 'fulfilled' ? [{ customerId: c.customer_id, externalId: r.value.contactId, warnings: r.value.warnings }] : [];
      });
      await recordBulkLinks(db, currentRun(), 'chatwoot', links);
      const rejected = customers.flatMap((c, i) => {
        const r = results[i]!;
        return r.status === 'rejected' && r.reason instanceof ApplicationFailure && r.reason.nonRetryable ? [{ customer: c, reason: r.reason.message }] : [];
      });
      await recordDeadLetters(
        db,
        input.runId,
        rejected.map(({ customer, reason }) => ({ system: 'chatwoot' as const, recordKind: 'customer' as const, kgcId: customer.customer_id, customerId: customer.customer_id, reason })),
      );
      // Anything else (rate limit, outage) retries the page; the contacts already written are updated in place.
      const transient = results.find((r) => r.status === 'rejected' && !(r.reason instanceof ApplicationFailure && r.reason.nonRetryable));
      if (transient) throw (transient as PromiseRejectedResult).reason;
      return { nextCursor: page.nextCursor, written: links.length, failed: rejected.length };
    },
  };
}
