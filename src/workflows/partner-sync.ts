import { ActivityFailure, condition, continueAsNew, isCancellation, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { failure } from '../clients/errors.js';
import { kgcEventTypeKey } from '../contracts/search-attributes.js';
import type { HistoryKind } from '../contracts/history-kinds.js';
import { liveTwentyPriority } from '../contracts/task-queues.js';
import type { TwentyPersonWarning } from '../domain/twenty-person.js';
import { handoffActivities, localMainActivities, mainActivities, profiles, twentyActivities } from './activity-profiles.js';
import {
  historyChanged,
  partnerChanged,
  type PartnerSyncStatus,
  partnerSyncStatus,
  personWriteDone,
  type PersonWriteDone,
  type PersonWriteWanted,
} from '../contracts/workflow-messages.js';

const historyKinds: HistoryKind[] = ['rental', 'service', 'order'];

export interface PartnerSyncInput {
  customerId: string;
  /** Changes signalled but not yet synced, carried across continue-as-new. */
  pendingChanges?: number;
  pendingHistory?: number;
  lastEventType?: string;
}
export interface PartnerSyncResult {
  customerId: string;
  syncs: number;
  outcome: 'synced' | 'deleted_in_kgc' | 'erased';
}


const { customerExistsInKgc, upsertChatwootContact, getModuleStates, recordPartnerSynced, recordPartnerSyncStopped, twentyPersonLinked } = mainActivities(profiles.sync);
const { askTwentyPersonWrite } = handoffActivities();
const { partnerSyncChecks } = localMainActivities(profiles.sync);

/** Runs from here on hand their person write to the batcher (twentyPersonBatcher); recorded runs keep their own two calls. */
const personBatches = 'twenty-person-batches';
/** Runs from here on hand their history records to the batcher too, with their person; recorded runs write them here. */
const historyBatches = 'twenty-history-batches';
/** Runs from here on make a pass's first checks in one local activity; recorded runs made two activity calls. */
const checksInOne = 'partner-sync-checks-local';
/** How long a partnerSync waits for the batcher's answer before it asks again. */
const askAgainAfter = '10 minutes';

/**
 * Entity workflow of one KGC customer (`partner-sync/<customer_id>`). Every change event is a signal that marks
 * the partner dirty; the loop re-reads KGC, the master, and syncs until clean, so bursts coalesce and out-of-order
 * webhooks cannot write stale data. All writes for one partner go through here, one at a time.
 */
export async function partnerSync(input: PartnerSyncInput): Promise<PartnerSyncResult> {
  const { customerId } = input;
  const twenty = twentyActivities(profiles.sync, liveTwentyPriority);
  let pendingChanges = input.pendingChanges ?? 0;
  let pendingHistory = input.pendingHistory ?? 0;
  let lastEventType = input.lastEventType;
  let syncs = 0;
  let personWritten = false;
  let phase: PartnerSyncStatus['phase'] = 'waiting';
  let asks = 0;
  let personDone: PersonWriteDone | undefined;

  const noteEvent = (eventType: string) => {
    if (eventType !== lastEventType) upsertSearchAttributes([{ key: kgcEventTypeKey, value: eventType }]);
    lastEventType = eventType;
  };
  setHandler(partnerChanged, ({ eventType }) => {
    pendingChanges++;
    noteEvent(eventType);
  });
  setHandler(historyChanged, ({ eventType }) => {
    pendingHistory++;
    noteEvent(eventType);
  });
  setHandler(personWriteDone, (done) => {
    if (done.ticket === `${workflowInfo().runId}/${asks}`) personDone = done;
  });
  setHandler(partnerSyncStatus, () => ({ customerId, pendingChanges: pendingChanges + pendingHistory, syncs, phase }));

  while (pendingChanges > 0 || pendingHistory > 0) {
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof partnerSync>({ customerId, pendingChanges, pendingHistory, lastEventType });
    }
    const partnerDirty = pendingChanges > 0;
    const historyDirty = pendingHistory > 0;
    pendingChanges = 0;
    pendingHistory = 0;
    phase = 'syncing';
    syncs++;
    try {
      const outcome = await syncOnce(partnerDirty, historyDirty);
      if (outcome === 'erased') {
        phase = 'done';
        return { customerId, syncs, outcome };
      }
      if (outcome === 'deleted_in_kgc') {
        await recordPartnerSyncStopped({ customerId, eventType: lastEventType, status: 'deleted_in_kgc' });
        phase = 'done';
        return { customerId, syncs, outcome };
      }
    } catch (err) {
      // A GDPR erasure cancels this run and waits for it: end at once, write nothing more.
      if (isCancellation(err)) throw err;
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : err instanceof Error ? err.message : String(err);
      await recordPartnerSyncStopped({ customerId, eventType: lastEventType, status: 'failed', error: reason });
      throw failure('PartnerSyncFailed', `partner ${customerId} could not be synced: ${reason}`);
    }
  }
  phase = 'done';
  return { customerId, syncs, outcome: 'synced' };

  async function syncOnce(partnerDirty: boolean, historyDirty: boolean): Promise<PartnerSyncResult['outcome']> {
    const { modules, presence, personLinked } = patched(checksInOne)
      ? await partnerSyncChecks({ customerId })
      : { modules: await getModuleStates(), presence: await customerExistsInKgc({ customerId }), personLinked: undefined };
    if (presence.erased) return 'erased';
    if (!presence.exists) return 'deleted_in_kgc';

    let twentyPersonId: string | undefined;
    const warnings: string[] = [];
    // A history event for a partner not yet written in this run syncs the partner first: the records link to it.
    // With batches, a person an earlier run wrote (its id on the partner link) is not written again for history.
    if (modules.crm && !partnerDirty && !personWritten && patched(personBatches)) personWritten = personLinked ?? (await twentyPersonLinked({ customerId }));
    const writePerson = modules.crm && (partnerDirty || !personWritten);
    let writeHistory = modules.crm && historyDirty;
    if ((writePerson || writeHistory) && patched(historyBatches)) {
      // History that arrived since this pass began goes with this ask: its ledger rows are stored before the signal.
      if (pendingHistory > 0) {
        writeHistory = true;
        pendingHistory = 0;
      }
      const written = await writeInBatch(writeHistory ? (writePerson ? 'also' : 'only') : undefined);
      if (written.customerGone) return 'deleted_in_kgc';
      if (writePerson) {
        warnings.push(...written.warnings);
        twentyPersonId = written.personId;
        personWritten = true;
      }
    } else if (writePerson) {
      const person = patched(personBatches) ? await writeInBatch() : await writePersonAlone();
      if (person.customerGone) return 'deleted_in_kgc';
      warnings.push(...person.warnings);
      twentyPersonId = person.personId;
      personWritten = true;
    }

    if (writeHistory && !patched(historyBatches)) {
      let markLate = false;
      for (const kind of historyKinds) {
        for (let more = true; more; ) {
          const batch = await twenty.writeTwentyHistory({ customerId, kind });
          markLate ||= batch.late;
          more = batch.more;
        }
      }
      await twenty.refreshTwentyAggregates({ customerId, markLate });
    }

    let chatwootContactId: string | undefined;
    if (modules.support && partnerDirty) {
      const contact = await upsertChatwootContact({ customerId });
      if (contact.customerGone) return 'deleted_in_kgc';
      chatwootContactId = contact.contactId;
      warnings.push(...contact.warnings);
    }

    const skipped = (['crm', 'support'] as const).filter((m) => !modules[m]);
    if (partnerDirty || twentyPersonId) {
      await recordPartnerSynced({ customerId, eventType: lastEventType, twentyPersonId, chatwootContactId, warnings, skipped });
    }
    return 'synced';
  }

  /**
   * The person write, and with `history` the history records and aggregates, in the task queue's next batch, shared
   * with other customers' (twentyPersonBatcher).
   */
  async function writeInBatch(history?: PersonWriteWanted['history']): Promise<{ personId?: string; customerGone: boolean; warnings: TwentyPersonWarning[] }> {
    const ticket = `${workflowInfo().runId}/${++asks}`;
    personDone = undefined;
    // Asked again while no answer comes: a batcher an operator terminated forgets its asks (the next ask starts a
    // new one). The same ticket, so whichever batch answers first is the answer.
    do await askTwentyPersonWrite({ customerId, ticket, taskQueue: workflowInfo().taskQueue, ...(history && { history }) });
    while (!(await condition(() => personDone !== undefined, askAgainAfter)));
    const done = personDone!;
    if (done.failed) throw failure('PartnerSyncFailed', done.failed);
    return { personId: done.personId, customerGone: done.customerGone === true, warnings: done.warnings ?? [] };
  }

  /** Runs recorded before the batcher: the email-owner lookup and the upsert, one request each. */
  async function writePersonAlone(): Promise<{ personId?: string; customerGone: boolean; warnings: TwentyPersonWarning[] }> {
    const { emailOwner } = await twenty.findTwentyEmailOwner({ customerId });
    if (emailOwner === 'customer_gone') return { customerGone: true, warnings: [] };
    const person = await twenty.upsertTwentyPerson({ customerId, emailOwnedByOther: emailOwner === 'other', emailOwnedBySelf: emailOwner === 'self' });
    // Runs recorded before the activity reported its warnings: the lookup's answer was the only one.
    return { personId: person.personId, customerGone: person.customerGone, warnings: person.warnings ?? (emailOwner === 'other' ? ['twenty_email_shared'] : []) };
  }
}
