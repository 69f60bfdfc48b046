import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MainActivities, TwentyActivities } from '../activities/index.js';
import { nonRetryableErrorTypes } from '../clients/errors.js';
import { kgcEventTypeKey } from '../contracts/search-attributes.js';
import { twentyTaskQueue } from '../contracts/task-queues.js';

export interface PartnerSyncInput {
  customerId: string;
  /** Changes signalled but not yet synced, carried across continue-as-new. */
  pendingChanges?: number;
  lastEventType?: string;
}
export interface PartnerChanged {
  eventType: string;
  eventId: string;
}
export interface PartnerSyncStatus {
  customerId: string;
  pendingChanges: number;
  syncs: number;
  phase: 'waiting' | 'syncing' | 'done';
}
export interface PartnerSyncResult {
  customerId: string;
  syncs: number;
  outcome: 'synced' | 'deleted_in_kgc' | 'erased';
}

export const partnerChanged = defineSignal<[PartnerChanged]>('partnerChanged');
export const partnerSyncStatus = defineQuery<PartnerSyncStatus>('status');

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes };
const { customerExistsInKgc, upsertChatwootContact, getModuleStates, recordPartnerSynced, recordPartnerSyncStopped } =
  proxyActivities<MainActivities>({ startToCloseTimeout: '30s', scheduleToCloseTimeout: '24h', retry });

/**
 * Entity workflow of one KGC customer (`partner-sync/<customer_id>`). Every change event is a signal that marks
 * the partner dirty; the loop re-reads KGC, the master, and syncs until clean, so bursts coalesce and out-of-order
 * webhooks cannot write stale data. All writes for one partner go through here, one at a time.
 */
export async function partnerSync(input: PartnerSyncInput): Promise<PartnerSyncResult> {
  const { customerId } = input;
  const twenty = proxyActivities<TwentyActivities>({
    taskQueue: twentyTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '24h',
    retry,
  });
  let pendingChanges = input.pendingChanges ?? 0;
  let lastEventType = input.lastEventType;
  let syncs = 0;
  let phase: PartnerSyncStatus['phase'] = 'waiting';

  setHandler(partnerChanged, ({ eventType }) => {
    pendingChanges++;
    if (eventType !== lastEventType) upsertSearchAttributes([{ key: kgcEventTypeKey, value: eventType }]);
    lastEventType = eventType;
  });
  setHandler(partnerSyncStatus, () => ({ customerId, pendingChanges, syncs, phase }));

  while (pendingChanges > 0) {
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof partnerSync>({ customerId, pendingChanges, lastEventType });
    }
    pendingChanges = 0;
    phase = 'syncing';
    syncs++;
    try {
      const outcome = await syncOnce();
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
      const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
      await recordPartnerSyncStopped({ customerId, eventType: lastEventType, status: 'failed', error: reason });
      throw ApplicationFailure.nonRetryable(`partner ${customerId} could not be synced: ${reason}`, 'PartnerSyncFailed');
    }
  }
  phase = 'done';
  return { customerId, syncs, outcome: 'synced' };

  async function syncOnce(): Promise<PartnerSyncResult['outcome']> {
    const modules = await getModuleStates();
    const presence = await customerExistsInKgc({ customerId });
    if (presence.erased) return 'erased';
    if (!presence.exists) return 'deleted_in_kgc';

    let twentyPersonId: string | undefined;
    const warnings: string[] = [];
    if (modules.crm) {
      const { emailOwner } = await twenty.findTwentyEmailOwner({ customerId });
      if (emailOwner === 'customer_gone') return 'deleted_in_kgc';
      if (emailOwner === 'other') warnings.push('twenty_email_shared');
      const person = await twenty.upsertTwentyPerson({ customerId, emailOwnedByOther: emailOwner === 'other' });
      if (person.customerGone) return 'deleted_in_kgc';
      twentyPersonId = person.personId;
    }

    let chatwootContactId: string | undefined;
    if (modules.support) {
      const contact = await upsertChatwootContact({ customerId });
      if (contact.customerGone) return 'deleted_in_kgc';
      chatwootContactId = contact.contactId;
      warnings.push(...contact.warnings);
    }

    const skipped = (['crm', 'support'] as const).filter((m) => !modules[m]);
    await recordPartnerSynced({ customerId, eventType: lastEventType, twentyPersonId, chatwootContactId, warnings, skipped });
    return 'synced';
  }
}
