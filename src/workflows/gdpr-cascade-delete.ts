import { defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { MainActivities, TwentyActivities } from '../activities/index.js';
import { historyObjects } from '../activities/twenty-history-objects.js';
import { nonRetryableErrorTypes } from '../clients/errors.js';
import { twentyTaskQueue } from '../contracts/task-queues.js';
import type { ErasedSystem } from '../db/schema.js';

export interface GdprDeleteInput {
  customerId: string;
  /** KGC's gdpr_reason, a short category such as "customer_request"; no personal data. */
  reason: string;
}
export interface GdprDeleteResult {
  customerHash: string;
  systems: ErasedSystem[];
}
export interface GdprDeleteStatus {
  step: 'tombstone' | 'stopping_workflows' | 'twenty' | 'chatwoot' | 'koko' | 'integration_db' | 'certificate' | 'done';
}

export const gdprDeleteStatus = defineQuery<GdprDeleteStatus>('status');

/** A system that is down delays its step, never skips it: retry without a deadline, backing off to 10 minutes. */
const erasureRetry = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m', nonRetryableErrorTypes };
const { markCustomerErased, stopCustomerWorkflows, deleteChatwootContact, eraseKokoData, eraseIntegrationRows, completeErasure } =
  proxyActivities<MainActivities>({ startToCloseTimeout: '1m', heartbeatTimeout: '30s', retry: erasureRetry });

/**
 * Erases one customer everywhere (seed 000 §8.3, seed 002 §5.2): tombstone first, so nothing can recreate the
 * person; stop the customer's other workflows and wait for them; then each system in its own retried step; then
 * the certificate. Every step is idempotent (gone = done), so a repeated delete or a crash simply continues.
 */
export async function gdprCascadeDelete({ customerId, reason }: GdprDeleteInput): Promise<GdprDeleteResult> {
  const twenty = proxyActivities<TwentyActivities>({
    taskQueue: twentyTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '1m',
    retry: erasureRetry,
  });
  let step: GdprDeleteStatus['step'] = 'tombstone';
  setHandler(gdprDeleteStatus, () => ({ step }));
  const systems: ErasedSystem[] = [];
  const done = (system: ErasedSystem['system'], erased: Record<string, number>) =>
    systems.push({ system, erased, at: new Date().toISOString() });

  const { customerHash } = await markCustomerErased({ customerId, reason });

  step = 'stopping_workflows';
  await stopCustomerWorkflows({ customerId });

  step = 'twenty';
  const twentyErased: Record<string, number> = {};
  for (const object of historyObjects) twentyErased[object] = (await twenty.destroyTwentyHistory({ customerId, object })).destroyed;
  twentyErased.people = (await twenty.destroyTwentyPerson({ customerId })).destroyed;
  done('twenty', twentyErased);

  step = 'chatwoot';
  done('chatwoot', await deleteChatwootContact({ customerId }));

  step = 'koko';
  done('koko', await eraseKokoData({ customerId }));

  step = 'integration_db';
  done('integration_db', await eraseIntegrationRows({ customerId }));

  step = 'certificate';
  await completeErasure({ customerId, systems });
  step = 'done';
  return { customerHash, systems };
}
