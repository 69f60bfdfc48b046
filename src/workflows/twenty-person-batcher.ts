import { ActivityFailure, condition, continueAsNew, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PersonBatchResult } from '../activities/twenty-person-batches.js';
import type { EmailClaims } from '../domain/twenty-email-owners.js';
import { workflowIds } from '../contracts/workflow-ids.js';
import { personWriteDone, personWriteWanted, type PersonWriteDone, type PersonWriteWanted } from '../contracts/workflow-messages.js';
import { twentyPersonBatchActivities } from './activity-profiles.js';

export interface TwentyPersonBatcherInput {
  /** Asks not yet written, carried across continue-as-new. */
  pending?: PersonWriteWanted[];
}

type Answer = Omit<PersonWriteDone, 'ticket'>;

/** Twenty's documented batch size: one request, one rate-limit token, up to 60 records. */
const batchSize = 60;
/** An idle batcher ends after this; the next ask starts a new one. */
const idleBeforeEnd = '10 minutes';

/**
 * Group commit of live person writes (`twenty-person-batcher/<task queue>`): partnerSync runs ask for their
 * customer's person (ids only); the batcher writes at once when idle, and what arrives while a batch is in flight
 * forms the next one. A batch is one email-owner query and one createPeople upsert for up to 60 customers instead of
 * two requests per customer; then the history records the asks want, up to 60 per request across customers, and
 * one aggregates upsert. Each ask is answered by a signal to its partnerSync. A customer waits for its answer
 * before asking again, and its person is written before its history, so its own writes stay in order.
 */
export async function twentyPersonBatcher(input: TwentyPersonBatcherInput = {}): Promise<void> {
  const twenty = twentyPersonBatchActivities();
  const pending = [...(input.pending ?? [])];
  setHandler(personWriteWanted, (ask) => void pending.push(ask));

  while (await condition(() => pending.length > 0, idleBeforeEnd)) {
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof twentyPersonBatcher>({ pending });
    const asks = nextBatch();
    const customers = [...new Set(asks.map((a) => a.customerId))];
    const asking = (id: string, wants: (a: PersonWriteWanted) => boolean) => asks.some((a) => a.customerId === id && wants(a));
    const people = customers.filter((id) => asking(id, (a) => a.history !== 'only'));
    const results = people.length > 0 ? await write(people) : new Map<string, Answer>();
    // History after the people: a record links to its person, so a customer whose person failed writes none.
    const histories = customers.filter((id) => asking(id, (a) => a.history !== undefined) && !results.get(id)?.failed && !results.get(id)?.customerGone);
    if (histories.length > 0) for (const [id, failed] of await writeHistories(histories)) results.set(id, { ...results.get(id), failed });
    await Promise.all(asks.map((ask) => answer(ask, results.get(ask.customerId) ?? {})));
  }

  /** The oldest asks, up to `batchSize` customers; a customer asked twice is written once and both asks answered. */
  function nextBatch(): PersonWriteWanted[] {
    const customers = new Set<string>();
    const taken: PersonWriteWanted[] = [];
    for (let i = 0; i < pending.length; ) {
      const ask = pending[i]!;
      if (customers.size >= batchSize && !customers.has(ask.customerId)) {
        i++;
        continue;
      }
      customers.add(ask.customerId);
      taken.push(ask);
      pending.splice(i, 1);
    }
    return taken;
  }

  async function write(customerIds: string[]): Promise<Map<string, Answer>> {
    const results = new Map<string, Answer>();
    try {
      let claims: EmailClaims | undefined;
      let after: string | undefined;
      let gone: string[] = [];
      do {
        const owners = await twenty.findTwentyEmailOwnersOfBatch({ customerIds, claims, after });
        ({ claims, after, gone } = owners);
      } while (after);
      for (const customerId of gone) results.set(customerId, { customerGone: true });
      const live = customerIds.filter((id) => !results.has(id));
      if (live.length > 0) {
        for (const { customerId, ...result } of await upsert(live, claims!)) results.set(customerId, result);
      }
    } catch (err) {
      // The lookup failed for good (after its retries): every customer of the batch fails with its reason.
      const failed = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      for (const customerId of customerIds) if (!results.has(customerId)) results.set(customerId, { failed });
    }
    return results;
  }

  /** One upsert; a batch Twenty refuses as a whole is split in halves until the customer at fault stands alone. */
  async function upsert(customerIds: string[], claims: EmailClaims): Promise<PersonBatchResult[]> {
    try {
      const out = await twenty.upsertTwentyPersonBatch({ customerIds, claims });
      if (!out.rejected) return out.results;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return customerIds.map((customerId) => ({ customerId, failed: err.cause?.message ?? err.message }));
    }
    const half = Math.ceil(customerIds.length / 2);
    return [...(await upsert(customerIds.slice(0, half), claims)), ...(await upsert(customerIds.slice(half), claims))];
  }

  /** The customers' unsynced history records, up to 60 per request whoever they belong to, then their aggregates. Returns who failed, and why. */
  async function writeHistories(customerIds: string[]): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    const late = new Set<string>();
    await inHalvesOnRejection(customerIds, failed, async (ids) => {
      for (let more = true; more; ) {
        const out = await twenty.writeTwentyHistoryOfBatch({ customerIds: ids });
        if (out.rejected) return out;
        for (const id of out.late) late.add(id);
        more = out.more;
      }
      return {};
    });
    const written = customerIds.filter((id) => !failed.has(id));
    if (written.length > 0) {
      await inHalvesOnRejection(written, failed, (ids) => twenty.refreshTwentyAggregatesOfBatch({ customerIds: ids, late: ids.filter((id) => late.has(id)) }));
    }
    return failed;
  }

  /** A call for the customers; one Twenty refuses as a whole is split in halves until the customer at fault stands alone. */
  async function inHalvesOnRejection(customerIds: string[], failed: Map<string, string>, call: (ids: string[]) => Promise<{ rejected?: boolean }>): Promise<void> {
    try {
      if (!(await call(customerIds)).rejected) return;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      for (const id of customerIds) failed.set(id, err.cause?.message ?? err.message);
      return;
    }
    const half = Math.ceil(customerIds.length / 2);
    await inHalvesOnRejection(customerIds.slice(0, half), failed, call);
    await inHalvesOnRejection(customerIds.slice(half), failed, call);
  }

  async function answer(ask: PersonWriteWanted, result: Answer): Promise<void> {
    try {
      await getExternalWorkflowHandle(workflowIds.partnerSync(ask.customerId)).signal(personWriteDone, { ticket: ask.ticket, ...result });
    } catch {
      // The sync is gone (an erasure ended it): nobody waits for this answer.
    }
  }
}
